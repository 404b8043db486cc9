import ArgumentParser
import DSCFlow
import DSCFlowAccelerator
import DSCFlowVision
import Foundation

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure inference latency: median and spread per model and per operator.",
        discussion: """
            The model is loaded and the input (random bytes, fixed seed; floats in [-2, 2) for a float32 input, \
            written again before each run) is in place before timing starts; each timed run is one Session.run(). Per-operator figures come from a second, \
            profiling session (its clock reads add a little overhead per operator). The rate is 10^6 / \
            median µs: inferences (images, for a detector) per second on --threads threads. With --json, the \
            top-level median_us is the median latency of one inference in microseconds, inferences_per_s the rate. \
            For an accelerator program (dscflow import ismart3) a run is one batch of 4 images from a fresh state \
            (at most 50 runs, 3 warm-up), reported with images per second and the time of each primitive.
            """
    )

    @Argument(help: modelFileHelp)
    var model: String

    @Option(name: .long, help: "Timed runs (after warm-up).")
    var runs = 1000

    @Option(name: .long, help: "Warm-up runs before timing.")
    var warmup = 50

    @Option(name: .long, help: "Kernel path: reference, portable, avx2, avxvnni, avx512vnni, or auto (DSCFLOW_KERNELS if set, else the fastest this CPU supports).")
    var kernels = "auto"

    @Flag(name: .long, help: "Use single rounding (TFLITE_SINGLE_ROUNDING).")
    var singleRounding = false

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    @Option(name: .long, help: "Also measure frame pipelining over this many frames: a synthetic camera frame (2× the input's height and width) is box-filtered down and shifted to int8 on a second thread while the previous frame is inferred; prints frames/s pipelined vs one after the other.")
    var pipeline: Int?

    @Option(name: .long, help: "Threads per inference (1...\(SessionOptions.maxThreads)): conv and depthwise split their output rows among them.")
    var threads: Int = 1

    func validate() throws {
        guard runs >= 1, warmup >= 0 else { throw ValidationError("--runs must be ≥ 1 and --warmup ≥ 0") }
        guard (1...SessionOptions.maxThreads).contains(threads) else {
            throw ValidationError("--threads must be 1...\(SessionOptions.maxThreads)")
        }
        if let p = pipeline, p < 1 { throw ValidationError("--pipeline needs at least 1 frame") }
        guard KernelPath(rawValue: kernels) != nil else {
            throw ValidationError("--kernels must be one of \(KernelPath.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() throws {
        let m = try loadModel(model)
        let path = KernelPath(rawValue: kernels)!
        if m.acceleratorProgramDesign != nil {
            try ISmart3Bench.run(model: m, path: path, runs: min(runs, 50), warmup: min(warmup, 3))
            return
        }
        let rounding: RoundingMode = singleRounding ? .single : .double
        let session = try Session(model: m, options: SessionOptions(rounding: rounding, kernels: path, threads: threads))
        var rng = BenchRandom(state: 0x5EED)
        for i in 0..<m.inputs.count {
            let buf = session.inputBytes(i)
            if m.tensors[m.inputs[i]].type == .float32 {
                // Floats in [-2, 2): random bytes would be NaNs and denormals, which real inputs are not.
                for j in stride(from: 0, to: buf.count - 3, by: 4) {
                    let v = Float(Int(rng.next() % 4096) - 2048) / 1024
                    buf.storeBytes(of: v.bitPattern.littleEndian, toByteOffset: j, as: UInt32.self)
                }
            } else {
                for j in 0..<buf.count { buf[j] = UInt8(truncatingIfNeeded: rng.next()) }
            }
        }
        // The arena reuses an input's bytes once its last reader has run, so a later run would read what
        // another operator left there: harmless for 8-bit inputs (any bytes are values), but float
        // kernels slow down on NaNs and denormals, so float inputs are written again before each run.
        let refill = m.inputs.contains { m.tensors[$0].type == .float32 }
        let saved = (0..<m.inputs.count).map { [UInt8](session.inputBytes($0)) }
        func restore(_ s: Session) {
            guard refill else { return }
            for i in 0..<m.inputs.count { s.inputBytes(i).copyBytes(from: saved[i]) }
        }
        for _ in 0..<warmup { restore(session); session.run() }
        var times = [Double](repeating: 0, count: runs)
        for r in 0..<runs {
            restore(session)
            let t0 = monotonicNanoseconds()
            session.run()
            times[r] = Double(monotonicNanoseconds() - t0) / 1000
        }
        let total = Spread(times)

        let profiler = try Session(model: m, options: SessionOptions(rounding: rounding, profile: true, kernels: path,
                                                                     threads: threads))
        for i in 0..<m.inputs.count { profiler.inputBytes(i).copyBytes(from: saved[i]) }
        for _ in 0..<min(warmup, 10) { restore(profiler); profiler.run() }
        let opRuns = min(runs, 300)
        var perOp = [[Double]](repeating: [Double](repeating: 0, count: opRuns), count: m.operations.count)
        for r in 0..<opRuns {
            restore(profiler)
            profiler.run()
            for i in 0..<m.operations.count { perOp[i][r] = Double(profiler.operatorNanoseconds(i)) / 1000 }
        }
        let opSpreads = perOp.map(Spread.init)
        let macs = m.totalMACs
        let pipelined = try pipeline.map { try measurePipeline(m, frames: $0, rounding: rounding, path: path) }
        if json {
            var ops: [[String: Any]] = []
            for (i, s) in opSpreads.enumerated() {
                let opMacs = m.macs(ofOperation: i)
                var entry: [String: Any] = ["index": i, "name": m.operations[i].name, "median_us": s.median, "p10_us": s.p10,
                                            "p90_us": s.p90, "macs": opMacs,
                                            "gmacs_per_s": s.median > 0 ? Double(opMacs) / s.median / 1000 : 0,
                                            "kernel": session.prepared.kernels[i].description]
                let op = m.operations[i]
                switch op.kind {
                case .conv2D(let p), .depthwiseConv2D(let p):
                    entry["window"] = "\(p.window.kernelHeight)x\(p.window.kernelWidth)"
                    entry["stride"] = p.window.strideHeight
                    entry["input_channels"] = m.tensors[op.inputs[0]].shape.last ?? 0
                default: break
                }
                ops.append(entry)
            }
            var doc: [String: Any] = ["model": model, "kernels": session.kernelPath.rawValue, "runs": runs, "threads": threads,
                                      "median_us": total.median, "min_us": total.min, "p10_us": total.p10,
                                      "p90_us": total.p90, "max_us": total.max, "macs": macs,
                                      "gmacs_per_s": Double(macs) / total.median / 1000, "ops": ops,
                                      "inferences_per_s": total.median > 0 ? 1e6 / total.median : 0]
            if let p = pipelined {
                doc["pipeline"] = ["frames": p.frames, "preprocess_us": p.preprocessMicroseconds,
                                   "sequential_fps": p.sequentialFPS, "pipelined_fps": p.pipelinedFPS]
            }
            let data = try JSONSerialization.data(withJSONObject: doc, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        print("model:    \(model)")
        print("kernels:  \(session.kernelPath.rawValue)   runs: \(runs)   threads: \(threads)")
        print("latency:  median \(fmt(total.median)) µs   min \(fmt(total.min))   p10 \(fmt(total.p10))   p90 \(fmt(total.p90))   max \(fmt(total.max))")
        print("MACs:     \(grouped(macs))   \(fmt(Double(macs) / total.median / 1000)) GMAC/s")
        print("rate:     \(fmt(1e6 / total.median)) inferences/s at the median (\(fmt(1e6 / total.min)) at the fastest run), one inference after the other")
        if let p = pipelined {
            print("pipeline: \(p.frames) frames, preprocessing \(fmt(p.preprocessMicroseconds)) µs/frame: one after the other \(fmt(p.sequentialFPS)) frames/s, pipelined \(fmt(p.pipelinedFPS)) frames/s")
        }
        print("")
        let nameWidth = max(20, (m.operations.map(\.name.count).max() ?? 0) + 2)
        print(column("#", 4) + column("operator", nameWidth) + column("median µs", 12) + column("p10", 10) + column("p90", 10)
              + column("MACs", 12) + column("GMAC/s", 9) + "kernel")
        for (i, s) in opSpreads.enumerated() {
            let opMacs = m.macs(ofOperation: i)
            print(column(String(i), 4) + column(m.operations[i].name, nameWidth) + column(fmt(s.median), 12) + column(fmt(s.p10), 10)
                  + column(fmt(s.p90), 10) + column(opMacs > 0 ? grouped(opMacs) : "-", 12)
                  + column(opMacs > 0 && s.median > 0 ? fmt(Double(opMacs) / s.median / 1000) : "-", 9)
                  + session.prepared.kernels[i].description)
        }
    }
}

/// Frames per second with and without `FramePipeline`.
struct PipelineFigures {
    let frames: Int
    let preprocessMicroseconds: Double
    let sequentialFPS: Double
    let pipelinedFPS: Double
}

/// A synthetic camera frame twice the input's height and width, box-filtered 2×2 and shifted to int8.
struct SyntheticCamera {
    let h: Int, w: Int, c: Int
    let source: [UInt8]

    init(shape: [Int]) {
        let d = shape.count == 4 ? shape : [1, 1, 1, shape.reduce(1, *)]
        h = d[1]; w = d[2]; c = d[0] * d[3]
        var rng = BenchRandom(state: 0xCA3E4A)
        source = (0..<(4 * h * w * c)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    }

    func preprocess(frame: Int, into out: UnsafeMutableRawBufferPointer) {
        let row = 2 * w * c
        let shift = UInt8(truncatingIfNeeded: frame)
        source.withUnsafeBufferPointer { s in
            for y in 0..<h {
                for x in 0..<w {
                    for k in 0..<c {
                        let i = (2 * y) * row + (2 * x) * c + k
                        let sum = Int(s[i] &+ shift) + Int(s[i + c] &+ shift) + Int(s[i + row] &+ shift) + Int(s[i + row + c] &+ shift)
                        let o = (y * w + x) * c + k
                        if o < out.count { out[o] = UInt8(truncatingIfNeeded: (sum + 2) / 4 - 128) }
                    }
                }
            }
        }
    }
}

func measurePipeline(_ m: Model, frames: Int, rounding: RoundingMode, path: KernelPath) throws -> PipelineFigures {
    let camera = SyntheticCamera(shape: m.tensors[m.inputs[0]].shape)
    let options = SessionOptions(rounding: rounding, kernels: path)
    let session = try Session(model: m, options: options)
    var checksum = 0
    let t0 = monotonicNanoseconds()
    var pre: UInt64 = 0
    for i in 0..<frames {
        let p0 = monotonicNanoseconds()
        camera.preprocess(frame: i, into: session.inputBytes(0))
        pre += monotonicNanoseconds() - p0
        session.run()
        checksum &+= Int(session.outputBytes(0)[0])
    }
    let sequential = monotonicNanoseconds() - t0
    let pipeline = try FramePipeline(model: m, options: options)
    var checksum2 = 0
    let report = try pipeline.run(frames: frames, prepare: { i, buf in camera.preprocess(frame: i, into: buf) }) { _, out in
        checksum2 &+= Int(out[0])
    }
    guard checksum == checksum2 else { throw DSCError.wrongState("pipelined outputs differ from sequential ones") }
    return PipelineFigures(frames: frames, preprocessMicroseconds: Double(pre) / Double(frames) / 1000,
                           sequentialFPS: Double(frames) * 1e9 / Double(sequential), pipelinedFPS: report.framesPerSecond)
}

/// Median and spread of a sample.
struct Spread {
    let median: Double, min: Double, max: Double, p10: Double, p90: Double

    init(_ values: [Double]) {
        let s = values.sorted()
        func at(_ q: Double) -> Double { s.isEmpty ? 0 : s[Swift.min(s.count - 1, Int(q * Double(s.count - 1) + 0.5))] }
        median = s.isEmpty ? 0 : (s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2)
        min = s.first ?? 0
        max = s.last ?? 0
        p10 = at(0.1)
        p90 = at(0.9)
    }
}

/// xorshift64: reproducible input bytes.
struct BenchRandom {
    var state: UInt64
    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
}

func monotonicNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

func fmt(_ v: Double) -> String { String(format: v < 10 ? "%.2f" : "%.1f", v) }
