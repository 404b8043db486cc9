import CDSCFlowSIMD
import CDSCFlowSupport

/// Frames and wall time of a `FramePipeline` run.
public struct FramePipelineReport: Sendable {
    /// Frames inferred.
    public let frames: Int
    /// Wall time from the first `prepare` to the last `consume`, in nanoseconds.
    public let nanoseconds: UInt64

    /// Frames per second over the run (0 for an empty run).
    public var framesPerSecond: Double {
        nanoseconds == 0 ? 0 : Double(frames) * 1e9 / Double(nanoseconds)
    }
}

/// The host-side "preload workflow" of Paper B on a CPU: while frame n is inferred on the calling
/// thread, a second thread preprocesses frame n+1 into one of two staging buffers, so the
/// preprocessing time hides behind inference. Each frame's bytes are copied into the session's input
/// just before its `run` (the arena is reused during a run, so the next frame cannot be written
/// there). The outputs equal those of running the frames one after the other.
public final class FramePipeline {
    /// The session that infers every frame (its options decide kernels and rounding).
    public let session: Session
    private let staging: (UnsafeMutableRawBufferPointer, UnsafeMutableRawBufferPointer)

    /// Wall time of the last frame's inference (`Session.run`), in nanoseconds: `consume` can read it.
    public private(set) var lastInferenceNanoseconds: UInt64 = 0

    /// A pipeline over a new session of `model`. Its input 0 is what `prepare` writes.
    public convenience init(model: Model, options: SessionOptions = SessionOptions()) throws(DSCError) {
        try self.init(session: Session(model: model, options: options))
    }

    /// A pipeline over `session` (which it then runs; nothing else may use the session meanwhile).
    public init(session: Session) throws(DSCError) {
        self.session = session
        let n = session.inputBytes(0).count
        func buffer() -> UnsafeMutableRawBufferPointer {
            let p = UnsafeMutableRawPointer.allocate(byteCount: max(n, 1), alignment: ArenaPlan.alignment)
            p.initializeMemory(as: UInt8.self, repeating: 0, count: max(n, 1))
            return UnsafeMutableRawBufferPointer(start: p, count: n)
        }
        staging = (buffer(), buffer())
    }

    deinit {
        staging.0.baseAddress?.deallocate()
        staging.1.baseAddress?.deallocate()
    }

    /// Runs frames `0..<frames`. `prepare(i, input)` runs on a worker thread and must fill frame i's
    /// input-0 bytes (NHWC, C order); it overlaps the inference of frame i−1. `consume(i, output)`
    /// runs on the calling thread right after frame i's inference (output 0, valid during the call).
    /// Returns after the last frame is consumed and the worker has finished.
    public func run(frames: Int, prepare: @escaping (Int, UnsafeMutableRawBufferPointer) -> Void,
                    consume: (Int, UnsafeRawBufferPointer) -> Void) throws(DSCError) -> FramePipelineReport {
        guard frames >= 0 else { throw DSCError.invalidArgument("frame count \(frames) is negative") }
        let empty = (dscsimd_semaphore_create(1), dscsimd_semaphore_create(1))
        let full = (dscsimd_semaphore_create(0), dscsimd_semaphore_create(0))
        defer {
            dscsimd_semaphore_destroy(empty.0); dscsimd_semaphore_destroy(empty.1)
            dscsimd_semaphore_destroy(full.0); dscsimd_semaphore_destroy(full.1)
        }
        guard let e0 = empty.0, let e1 = empty.1, let f0 = full.0, let f1 = full.1 else {
            throw DSCError.outOfMemory("cannot create the pipeline's semaphores")
        }
        let producer = FrameProducer(frames: frames, buffers: staging, empty: (e0, e1), full: (f0, f1), prepare: prepare)
        let start = dsc_monotonic_ns()
        var handle: UInt64 = 0
        let context = Unmanaged.passRetained(producer).toOpaque()
        let rc = dscsimd_thread_spawn({ ctx in
            Unmanaged<FrameProducer>.fromOpaque(ctx!).takeRetainedValue().work()
        }, context, &handle)
        if rc != 0 {
            Unmanaged<FrameProducer>.fromOpaque(context).release()
            throw DSCError.wrongState("cannot start the preprocessing thread (error \(rc))")
        }
        let input = session.inputBytes(0)
        for i in 0..<frames {
            let odd = i & 1 == 1
            dscsimd_semaphore_wait(odd ? f1 : f0)
            let src = odd ? staging.1 : staging.0
            if let s = src.baseAddress, let d = input.baseAddress, input.count > 0 { d.copyMemory(from: s, byteCount: input.count) }
            dscsimd_semaphore_signal(odd ? e1 : e0)
            let t0 = dsc_monotonic_ns()
            session.run()
            lastInferenceNanoseconds = dsc_monotonic_ns() &- t0
            consume(i, session.outputBytes(0))
        }
        _ = dscsimd_thread_join(handle)
        return FramePipelineReport(frames: frames, nanoseconds: dsc_monotonic_ns() &- start)
    }
}

/// The worker side of `FramePipeline.run`: fills staging buffer i % 2 with frame i when it is free.
private final class FrameProducer {
    let frames: Int
    let buffers: (UnsafeMutableRawBufferPointer, UnsafeMutableRawBufferPointer)
    let empty: (OpaquePointer, OpaquePointer)
    let full: (OpaquePointer, OpaquePointer)
    let prepare: (Int, UnsafeMutableRawBufferPointer) -> Void

    init(frames: Int, buffers: (UnsafeMutableRawBufferPointer, UnsafeMutableRawBufferPointer),
         empty: (OpaquePointer, OpaquePointer), full: (OpaquePointer, OpaquePointer),
         prepare: @escaping (Int, UnsafeMutableRawBufferPointer) -> Void) {
        self.frames = frames
        self.buffers = buffers
        self.empty = empty
        self.full = full
        self.prepare = prepare
    }

    func work() {
        for i in 0..<frames {
            let odd = i & 1 == 1
            dscsimd_semaphore_wait(odd ? empty.1 : empty.0)
            prepare(i, odd ? buffers.1 : buffers.0)
            dscsimd_semaphore_signal(odd ? full.1 : full.0)
        }
    }
}
