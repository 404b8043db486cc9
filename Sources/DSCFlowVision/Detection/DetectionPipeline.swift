import CDSCFlowSIMD
import CDSCFlowSupport
import DSCFlow

/// Where one image's time went in a `DetectionPipeline` run, in nanoseconds.
public struct DetectionTiming: Sendable {
    /// Reading and decoding the image file.
    public var read: UInt64 = 0
    /// Resizing and quantizing it into the model's input.
    public var preprocess: UInt64 = 0
    /// The model's run.
    public var inference: UInt64 = 0
    /// Decoding the box from the output.
    public var boxDecode: UInt64 = 0

    /// A timing of zeros.
    public init() {}
}

/// One image's result from a `DetectionPipeline`.
public struct PipelinedDetection: Sendable {
    /// The image's position in the run.
    public let index: Int
    /// Its box (in its own pixels), or why it has none (an unreadable file, an unsupported image).
    public let box: Result<DetectedBox, DSCError>
    /// Where its time went.
    public let timing: DetectionTiming
}

/// Detects many images fast: `threads` workers, each with its own detector (session), take every
/// `threads`-th image; inside each worker a second thread reads and preprocesses the next image while
/// the current one is inferred (`FramePipeline`). Results reach `consume` on the calling thread in
/// image order, with each image's time split into reading, preprocessing, inference and box decoding.
/// The boxes equal those of `Detector.detect` image by image.
public final class DetectionPipeline {
    /// One detector per worker (same model, preprocessing and head).
    public let detectors: [Detector]

    /// `threads` (1...64) detectors of `model` with these overrides and session options.
    public init(model: Model, preprocessOverrides: [String: String] = [:], detectionOverrides: [String: String] = [:],
                options: SessionOptions = SessionOptions(), threads: Int = 1) throws {
        guard threads >= 1 && threads <= SessionOptions.maxThreads else {
            throw DSCError.invalidArgument("threads must be 1...\(SessionOptions.maxThreads), not \(threads)")
        }
        var ds: [Detector] = []
        for _ in 0..<threads {
            ds.append(try Detector(model: model, preprocessOverrides: preprocessOverrides,
                                   detectionOverrides: detectionOverrides, options: options))
        }
        detectors = ds
    }

    /// Detects images 0..<count, `read(i)` giving image i (it runs on a worker's reading thread, so it
    /// must be safe to call concurrently for different i). `consume` sees every result in order.
    public func run(count: Int, read: @escaping @Sendable (Int) throws -> Image,
                    consume: (PipelinedDetection) -> Void) throws {
        guard count >= 0 else { throw DSCError.invalidArgument("image count \(count) is negative") }
        let workers = detectors.indices.map { w in
            DetectionWorker(detector: detectors[w], first: w, step: detectors.count, count: count, read: read)
        }
        var handles: [UInt64] = []
        defer { for h in handles { _ = dscsimd_thread_join(h) } }
        for w in workers {
            guard w.ready else { throw DSCError.outOfMemory("cannot create a detection worker's semaphore") }
            var handle: UInt64 = 0
            let context = Unmanaged.passRetained(w).toOpaque()
            let rc = dscsimd_thread_spawn({ ctx in
                Unmanaged<DetectionWorker>.fromOpaque(ctx!).takeRetainedValue().work()
            }, context, &handle)
            guard rc == 0 else {
                Unmanaged<DetectionWorker>.fromOpaque(context).release()
                // The workers already started run to their end (nothing waits for them but the joins).
                throw DSCError.wrongState("cannot start a detection worker (error \(rc))")
            }
            handles.append(handle)
        }
        for i in 0..<count {
            let w = workers[i % workers.count]
            consume(w.next())
        }
    }
}

/// What reading and preprocessing leave for a frame's box decode.
private struct PreparedImage {
    var width = 0, height = 0
    var geometry: InputGeometry?
    var error: DSCError?
    var timing = DetectionTiming()
}

/// One worker of `DetectionPipeline.run`: images first, first + step, ... through its own
/// `FramePipeline`, each result handed to the consuming thread through a semaphore. The per-frame
/// slots are fixed buffers: the reading thread writes frame k's while the worker thread decodes
/// frame k − 1's, and the consumer reads a result only after its semaphore signal.
private final class DetectionWorker: @unchecked Sendable {
    let detector: Detector
    let first: Int, step: Int, frames: Int
    let read: @Sendable (Int) throws -> Image
    private let prepared: UnsafeMutablePointer<PreparedImage>
    private let results: UnsafeMutablePointer<PipelinedDetection?>
    private var produced = 0
    private var delivered = 0
    private let done: OpaquePointer?

    var ready: Bool { done != nil }

    init(detector: Detector, first: Int, step: Int, count: Int, read: @escaping @Sendable (Int) throws -> Image) {
        self.detector = detector
        self.first = first
        self.step = step
        self.read = read
        frames = count > first ? (count - first + step - 1) / step : 0
        prepared = .allocate(capacity: max(frames, 1))
        prepared.initialize(repeating: PreparedImage(), count: max(frames, 1))
        results = .allocate(capacity: max(frames, 1))
        results.initialize(repeating: nil, count: max(frames, 1))
        done = dscsimd_semaphore_create(0)
    }

    deinit {
        dscsimd_semaphore_destroy(done)
        prepared.deinitialize(count: max(frames, 1))
        prepared.deallocate()
        results.deinitialize(count: max(frames, 1))
        results.deallocate()
    }

    private func deliver(_ r: PipelinedDetection) {
        results[produced] = r
        produced += 1
        dscsimd_semaphore_signal(done)
    }

    /// The worker thread: its frames through a frame pipeline.
    func work() {
        let d = detector
        do {
            let pipeline = try FramePipeline(session: d.session)
            _ = try pipeline.run(frames: frames, prepare: { [self] k, input in
                var p = PreparedImage()
                let t0 = dsc_monotonic_ns()
                do {
                    let image = try read(first + k * step)
                    let t1 = dsc_monotonic_ns()
                    p.timing.read = t1 &- t0
                    p.width = image.width
                    p.height = image.height
                    p.geometry = try d.preprocessor.preprocess(image, into: input)
                    p.timing.preprocess = dsc_monotonic_ns() &- t1
                } catch {
                    p.error = error as? DSCError ?? .invalidArgument("\(error)")
                }
                prepared[k] = p
            }, consume: { [self] k, output in
                var p = prepared[k]
                p.timing.inference = pipeline.lastInferenceNanoseconds
                var box: Result<DetectedBox, DSCError>
                if let g = p.geometry, p.error == nil {
                    let t0 = dsc_monotonic_ns()
                    do {
                        box = .success(try d.decodeBox(output, imageWidth: p.width, imageHeight: p.height, geometry: g))
                    } catch {
                        box = .failure(error as? DSCError ?? .invalidArgument("\(error)"))
                    }
                    p.timing.boxDecode = dsc_monotonic_ns() &- t0
                } else {
                    box = .failure(p.error ?? .invalidArgument("image \(first + k * step) was not prepared"))
                }
                deliver(PipelinedDetection(index: first + k * step, box: box, timing: p.timing))
            })
        } catch {
            let e = error
            while produced < frames {
                deliver(PipelinedDetection(index: first + produced * step, box: .failure(e), timing: DetectionTiming()))
            }
        }
    }

    /// The worker's next result (blocks until it is there).
    func next() -> PipelinedDetection {
        dscsimd_semaphore_wait(done)
        let r = results[delivered]!
        delivered += 1
        return r
    }
}
