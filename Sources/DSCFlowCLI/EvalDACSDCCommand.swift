import ArgumentParser
import DSCFlow
import DSCFlowAccelerator
import DSCFlowVision
import Foundation

struct EvalDACSDCCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval-dacsdc",
        abstract: "Score a detector on DAC-SDC images: mean IoU against the ground truth.",
        discussion: """
            GT lists `NAME.jpg [x1, x2, y1, y2]` per image; each image is read from DIR as NAME.png (PNG only).
            The model's own preprocessing (dscflow.preprocess) and detection head (dscflow.detection) are used.
            IoU is the contest's: width = x2 - x1 (no +1), 0 for boxes that do not overlap. A progress bar goes
            to stderr; the mean IoU (and per-image lines with --per-image) to stdout. An accelerator program
            (dscflow import ismart3) runs the images in the board's batches of 4 in the order of GT (a last partial
            batch gets gray empty slots unless --refuse-partial-batch), each from a fresh all-zero state unless --carry-state.
            """
    )

    @Argument(help: "Model file (.dscm or .tflite) with detection metadata.")
    var model: String

    @Argument(help: "Directory holding the images.")
    var dir: String

    @Option(name: .long, help: "Ground-truth file (`NAME.jpg [x1, x2, y1, y2]` per line).")
    var gt: String

    @Flag(name: .long, help: "Print every image's box, ground truth and IoU.")
    var perImage = false

    @Flag(name: .long, help: "Print JSON lines instead of text (per image with --per-image, then a summary).")
    var json = false

    @Option(name: .long, help: "Also write the predicted boxes to this file, in the ground-truth format.")
    var predictions: String?

    @Option(name: .long, help: "Only the first N images of the ground truth.")
    var limit: Int?

    @Flag(name: .long, help: "No progress bar.")
    var quiet = false

    @OptionGroup var programOptions: ProgramOptions

    /// NAME for NAME.jpg / NAME.png.
    static func stem(_ name: String) -> String {
        name.hasSuffix(".jpg") || name.hasSuffix(".png") ? String(name.dropLast(4)) : name
    }

    func run() throws {
        let m = try Model.load(path: model)
        try programOptions.requireProgram(m)
        let program = m.acceleratorProgramDesign != nil
        let head = program ? nil : try DetectionHeads.make(for: m)
        let gtText = String(decoding: try readFile(gt), as: UTF8.self)
        var truth = try DACSDCScore.parse(gtText, name: gt)
        if let limit { truth = Array(truth.prefix(max(limit, 0))) }
        guard !truth.isEmpty else { throw DSCError.invalidArgument("\(gt) lists no images") }
        let session = program ? nil : try Session(model: m)
        let outputTensor = m.tensors[m.outputs[0]]
        let paths = truth.map { dir + "/" + Self.stem($0.name) + ".png" }
        let batched = program ? try ISmart3BatchedDetector(model: m, paths: paths, options: programOptions) : nil
        var predicted: [DACSDCScore.Entry] = []
        var sum = 0.0
        let start = Date()
        var inferenceSeconds = 0.0
        for (k, entry) in truth.enumerated() {
            let path = paths[k]
            guard FileManager.default.fileExists(atPath: path) else {
                throw DSCError.io(path: path, reason: "no such file (eval-dacsdc reads NAME.png for NAME.jpg; only PNG is supported)")
            }
            let box: DetectedBox
            if let batched {
                box = try batched.detect(k).box
                inferenceSeconds = batched.inferenceSeconds
            } else if let session, let head {
                let image = try PNGCodec.read(path: path)
                let input = try SkrSkrPreprocessing.inputTensor(from: image, for: m)
                input.withUnsafeBytes { session.inputBytes().copyMemory(from: $0) }
                let t0 = Date()
                session.run()
                inferenceSeconds += Date().timeIntervalSince(t0)
                box = try head.decode(output: session.outputBytes(), tensor: outputTensor, imageWidth: image.width,
                                      imageHeight: image.height)
            } else {
                throw DSCError.wrongState("no session for \(model)")
            }
            let p = DACSDCScore.Entry(name: entry.name, xmin: Int(box.xmin.rounded()), xmax: Int(box.xmax.rounded()),
                                      ymin: Int(box.ymin.rounded()), ymax: Int(box.ymax.rounded()))
            predicted.append(p)
            let iou = DACSDCScore.iou(p, entry)
            sum += iou
            if perImage {
                if json {
                    print("{\"image\": \"\(entry.name)\", \"box\": [\(p.xmin), \(p.xmax), \(p.ymin), \(p.ymax)], \"gt\": [\(entry.xmin), \(entry.xmax), \(entry.ymin), \(entry.ymax)], \"iou\": \(iou), \"raw\": [\(box.raw.map(String.init).joined(separator: ", "))]}")
                } else {
                    print("\(p.line)  gt [\(entry.xmin), \(entry.xmax), \(entry.ymin), \(entry.ymax)]  IoU \(String(format: "%.4f", iou))")
                }
            }
            if !quiet { progress(k + 1, truth.count, start) }
        }
        if !quiet { FileHandle.standardError.write("\n".data(using: .utf8)!) }
        if let predictions {
            let text = predicted.map(\.line).joined(separator: "\n") + "\n"
            try Array(text.utf8).withUnsafeBytes { try writeFile(predictions, $0) }
        }
        let mean = sum / Double(truth.count)
        let wall = Date().timeIntervalSince(start)
        if json {
            print("{\"images\": \(truth.count), \"mean_iou\": \(mean), \"seconds_per_image\": \(wall / Double(truth.count)), \"inference_seconds_per_image\": \(inferenceSeconds / Double(truth.count))}")
        } else {
            print("mean IoU: \(String(format: "%.6f", mean)) over \(truth.count) images (\(String(format: "%.3f", wall / Double(truth.count))) s/image, inference \(String(format: "%.3f", inferenceSeconds / Double(truth.count))) s/image)")
        }
    }

    private func progress(_ done: Int, _ total: Int, _ start: Date) {
        let width = 30
        let filled = done * width / total
        let elapsed = Date().timeIntervalSince(start)
        let eta = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let line = "\r[\(bar)] \(done)/\(total)  \(String(format: "%.1f", elapsed)) s, ETA \(String(format: "%.0f", eta)) s "
        FileHandle.standardError.write(line.data(using: .utf8)!)
    }
}
