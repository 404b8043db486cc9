import ArgumentParser
import DSCFlow
import DSCFlowAccelerator
import DSCFlowVision
import Foundation

/// Options of `run`, `detect` and `eval-dacsdc` for accelerator-program models (`dscflow import ismart3`).
/// The kernel path follows DSCFLOW_KERNELS (reference, portable, avx2, avxvnni, avx512vnni) or the CPU.
struct ProgramOptions: ParsableArguments {
    @Flag(name: .long, help: "Accelerator programs (iSmart3): run each image alone, layer by layer, with clean zero padding (dw1 keeps the canvas's gray border) instead of the board's schedule, to see what the ring effect costs.")
    var layered = false

    @Flag(name: .long, help: "Accelerator programs: keep the buffers from batch to batch, as the board does (default: every batch starts from the all-zero state).")
    var carryState = false

    @Flag(name: .long, help: "Accelerator programs: refuse a last batch of fewer than 4 images (default: its empty slots are left gray, as on the host's blank canvas).")
    var refusePartialBatch = false

    func validate() throws {
        if layered && carryState { throw ValidationError("--carry-state applies to the board's schedule, not to --layered") }
    }

    /// Throws unless `model` is an accelerator program or no option was given.
    func requireProgram(_ model: Model) throws {
        if model.acceleratorProgramDesign == nil && (layered || carryState || refusePartialBatch) {
            throw ValidationError("--layered, --carry-state and --refuse-partial-batch apply to accelerator programs (dscflow import ismart3)")
        }
    }

    /// The accelerator for `model` with these options.
    func accelerator(_ model: Model) throws -> ISmart3Accelerator {
        try ISmart3Accelerator(model: model, mode: layered ? .layered : .accelerator, carryState: carryState)
    }
}

/// `dscflow run` on an iSmart3 model: one stitched batch in, the 4 heads out.
enum ISmart3RunCommand {
    static func run(model m: Model, input: String, output: String?, dumpDir: String?, print printValues: Bool,
                    options: ProgramOptions) throws {
        if dumpDir != nil && options.layered { throw ValidationError("--dump-dir writes the board's buffers; it cannot be combined with --layered") }
        let bytes = try readFile(input)
        let accelerator = try options.accelerator(m)
        let dump = dumpDir.map { _ in ISmart3Dump() }
        let result = try bytes.withUnsafeBytes { try accelerator.run(stitched: $0, dump: dump) }
        if let output { try result.heads.withUnsafeBytes { try writeFile(output, $0) } }
        if let dumpDir, let dump {
            try makeDirectory(dumpDir)
            for q in 0..<4 {
                for layer in ISmart3Dump.blobLayers {
                    guard let blob = dump.blob(layer, slot: q) else { continue }
                    try blob.withUnsafeBytes { try writeFile("\(dumpDir)/slot\(q).\(layer).bb", $0) }
                }
            }
            for layer in ISmart3Dump.canvasLayers {
                guard let cv = dump.canvas(layer.name) else { continue }
                try cv.withUnsafeBytes { try writeFile("\(dumpDir)/\(layer.name).cv", $0) }
            }
        }
        if output == nil || printValues {
            for (q, o) in result.outputs.enumerated() {
                Swift.print("slot \(q): anchor \(o.anchor) x \(o.x) y \(o.y)  \(o.codes.map(String.init).joined(separator: " "))")
            }
        }
        let m = accelerator.machine
        FileHandle.standardError.write("kernels \(m.kernelNames.depthwise), \(m.kernelNames.pointwise); \(grouped(m.cycles.total)) accelerator cycles per batch\n".data(using: .utf8)!)
    }
}

/// The board's batching for `detect` and `eval-dacsdc`: images 4 at a time in the order given, each batch
/// stitched, run and decoded when its first image is asked for.
final class ISmart3BatchedDetector {
    let paths: [String]
    let accelerator: ISmart3Accelerator
    let decoder: ISmart3BoxDecoder
    private var batch = -1
    private var results: [(image: Image, box: DetectedBox, timing: DetectionTiming)] = []

    init(model: Model, paths: [String], options: ProgramOptions) throws {
        try ISmart3Canvas.checkPreprocessing(of: model)
        if options.refusePartialBatch && paths.count % 4 != 0 {
            throw DSCError.invalidArgument("\(paths.count) images are not whole batches of 4 (the iSmart3 host runs 4 at a time); drop --refuse-partial-batch to fill the last batch's empty slots with gray")
        }
        self.paths = paths
        accelerator = try options.accelerator(model)
        decoder = try ISmart3BoxDecoder(model: model)
    }

    /// Image `k`, its box, and its share of the batch's time (reading its file is its own; stitching and
    /// the accelerator run are split evenly over the batch's images).
    func detect(_ k: Int) throws -> (image: Image, box: DetectedBox, timing: DetectionTiming) {
        if k / 4 != batch {
            batch = k / 4
            var images: [Image] = []
            var timings: [DetectionTiming] = []
            for path in paths[(4 * batch)..<min(4 * batch + 4, paths.count)] {
                let t0 = monotonicNanoseconds()
                images.append(try ImageFile.read(path: path))
                var t = DetectionTiming()
                t.read = monotonicNanoseconds() - t0
                timings.append(t)
            }
            let t0 = monotonicNanoseconds()
            let stitched = try ISmart3Canvas.stitch(images)
            let t1 = monotonicNanoseconds()
            let result = try stitched.withUnsafeBytes { try accelerator.run(stitched: $0) }
            let t2 = monotonicNanoseconds()
            let n = UInt64(images.count)
            results = images.indices.map { q in
                let d0 = monotonicNanoseconds()
                let o = result.outputs[q]
                let box = decoder.detectedBox(anchor: o.anchor, x: o.x, y: o.y, codes: o.codes, width: images[q].width,
                                              height: images[q].height)
                var t = timings[q]
                t.preprocess = (t1 - t0) / n
                t.inference = (t2 - t1) / n
                t.boxDecode = monotonicNanoseconds() - d0
                return (images[q], box, t)
            }
        }
        return results[k % 4]
    }
}

/// `dscflow profile` on an iSmart3 model: the program's cycles per layer next to the cost model's.
enum ISmart3CycleTable {
    static func text(config: AcceleratorConfig) throws -> String {
        let rows = try ISmart3Cycles.comparison(config: config)
        var out = "iSmart3-SkyNet accelerator program on \(config.name) (\(config.clockMHz) MHz): cycles per batch of 4, counted per event\n"
        out += column("layer", 7) + column("model op", 10) + column("compute", 12) + column("memory", 11) + column("stall", 10)
            + column("program", 12) + column("cost model", 12) + "difference\n"
        for r in rows {
            let diff = r.costModel.total > 0 ? String(format: "%+.1f %%", 100 * Double(r.program.total - r.costModel.total) / Double(r.costModel.total)) : "-"
            out += column(r.layer, 7) + column(r.costModelName, 10) + column(grouped(r.program.compute), 12) + column(grouped(r.program.memory), 11)
                + column(grouped(r.program.stall), 10) + column(grouped(r.program.total), 12) + column(grouped(r.costModel.total), 12) + diff + "\n"
        }
        let program = rows.reduce(0) { $0 + $1.program.total }, model = rows.reduce(0) { $0 + $1.costModel.total }
        out += "total: program \(grouped(program)), cost model \(grouped(model)) (\(String(format: "%+.2f %%", 100 * Double(program - model) / Double(model)))), published \(grouped(ISmart3Cycles.published)) (\(String(format: "%+.2f %%", 100 * Double(program - ISmart3Cycles.published) / Double(ISmart3Cycles.published))))\n"
        out += String(format: "latency %.3f ms per batch at %.0f MHz", Double(program) / (config.clockMHz * 1000), config.clockMHz)
        return out
    }
}

/// `dscflow info` on an iSmart3 model: the program's buffers, primitives, kernels and metadata.
enum ISmart3ProgramInfo {
    static func text(model m: Model, name: String, kernels: KernelPath) throws -> String {
        let a = try ISmart3Accelerator(model: m, kernels: kernels)
        let machine = a.machine, program = machine.program
        var out = "model: \(name) (\(m.format)): accelerator program \(program.name)\n"
        out += "input: \(m.tensors[m.inputs[0]].name) \(m.tensors[m.inputs[0]].signature) (the stitched batch of 4)\n"
        out += "output: 4 heads int16[4,10,20,40] (ACC codes, slot order) and the PL's 4 box results\n\nbuffers:\n"
        var bytes = 0
        for b in program.buffers {
            bytes += 2 * b.elements
            out += "  " + column(b.name, 6) + column(b.placement.rawValue, 10) + column("\(b.instances) x \(b.rows)x\(b.cols) x \(b.lanes) lanes", 28)
                + "\(b.registerBits)-bit registers, \(b.format.name)\n"
        }
        out += "\nschedule: \(program.steps.count) steps\n"
        for (op, e) in machine.cycles.events.sorted(by: { $0.key < $1.key }) {
            out += "  " + column(op, 14) + column("\(e.steps) steps", 13) + "\(grouped(e.cycles)) cycles\n"
        }
        out += "\nkernels:     \(machine.kernelPath.rawValue): \(machine.kernelNames.depthwise), \(machine.kernelNames.pointwise)\n"
        out += "state:       \(grouped(bytes)) bytes of buffers\n"
        out += "cycles:      \(grouped(machine.cycles.total)) per batch (dscflow profile MODEL --accel ismart3 compares them with the cost model)\n"
        out += "parameters:  \(grouped(m.constantBytes)) bytes\nmetadata:\n"
        for key in m.metadata.keys.sorted() {
            out += "  \(key): \(m.metadata[key]!.split(separator: "\n").joined(separator: "; "))\n"
        }
        return String(out.dropLast())
    }
}

/// `dscflow bench` on an iSmart3 model: batches of 4 (random stitched input, fresh state each), median
/// time per batch, images per second, and where the time goes by primitive.
enum ISmart3Bench {
    static func run(model m: Model, path: KernelPath, runs: Int, warmup: Int) throws {
        let a = try ISmart3Accelerator(model: m, kernels: path)
        var rng = BenchRandom(state: 0x5EED)
        let input = (0..<ISmart3Canvas.width * ISmart3Canvas.height * 3).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        for _ in 0..<warmup { _ = try input.withUnsafeBytes { try a.run(stitched: $0) } }
        var times: [Double] = []
        for _ in 0..<runs {
            let t0 = monotonicNanoseconds()
            _ = try input.withUnsafeBytes { try a.run(stitched: $0) }
            times.append(Double(monotonicNanoseconds() - t0) / 1e6)
        }
        // One more run, timed step by step (the reset and input copy are not in it).
        let machine = a.machine, steps = machine.program.steps
        var perOp: [String: Double] = [:]
        machine.reset()
        input.withUnsafeBytes { machine.input.copyMemory(from: $0) }
        var last = monotonicNanoseconds()
        machine.run { i in
            let now = monotonicNanoseconds()
            perOp[steps[i].operation.name, default: 0] += Double(now - last) / 1e6
            last = now
        }
        let t = Spread(times)
        print("\(machine.program.name) on \(machine.kernelPath.rawValue) (\(machine.kernelNames.depthwise), \(machine.kernelNames.pointwise))")
        print("batch of 4: median \(fmt(t.median)) ms (p10 \(fmt(t.p10)), p90 \(fmt(t.p90)), \(runs) runs): \(String(format: "%.1f", 4000 / t.median)) images/s")
        let total = perOp.values.reduce(0, +)
        for (op, ms) in perOp.sorted(by: { $0.value > $1.value }) {
            print("  " + column(op, 14) + column(fmt(ms) + " ms", 12) + String(format: "%5.1f %%", 100 * ms / max(total, 1e-9)))
        }
    }
}
