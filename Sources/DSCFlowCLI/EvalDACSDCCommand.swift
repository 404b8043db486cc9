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
            GT lists `NAME [x1, x2, y1, y2]` per image; each image is read from DIR under the name the ground truth \
            gives (PNG or JPEG, told apart by content). When DIR lacks NAME.jpg but has NAME.png (or the reverse), \
            that file is read instead and a note says so.

            Any detector `detect` takes works, with the model's own preprocessing (dscflow.preprocess) and \
            detection head (dscflow.detection); the options below override them as in `detect`. Every image gets \
            its best box (the contest scores one box per image; there is no minimum score). IoU is the contest's: \
            width = x2 - x1 (no +1), 0 for boxes that do not overlap. The summary gives the mean IoU, the share of \
            images with IoU >= 0.5 and the time per image: the wall time of the whole run, and each image's time \
            split into reading (PNG/JPEG decode), preprocessing, inference and box decoding. The next image is read \
            and preprocessed while the current one is inferred; --threads N runs N images at once (one session \
            each). A progress bar goes to stderr when it is a terminal; the summary (and per-image lines with \
            --per-image) to stdout. An accelerator program (dscflow import ismart3) runs the images in the board's \
            batches of 4 in the order of GT (a last partial batch gets gray empty slots unless \
            --refuse-partial-batch), each from a fresh all-zero state unless --carry-state; --threads does not apply.
            """
    )

    @Argument(help: modelFileHelp)
    var model: String

    @Argument(help: "Directory holding the images.")
    var dir: String

    @Option(name: .long, help: "Ground-truth file (`NAME [x1, x2, y1, y2]` per line).")
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

    @Option(name: .long, help: "Images detected at once, each on its own session (1...64).")
    var threads: Int = 1

    @OptionGroup var detection: DetectionOverrideOptions

    @OptionGroup var preprocess: PreprocessOverrideOptions

    @OptionGroup var programOptions: ProgramOptions

    func validate() throws {
        guard (1...SessionOptions.maxThreads).contains(threads) else {
            throw ValidationError("--threads must be 1...\(SessionOptions.maxThreads)")
        }
    }

    func run() throws {
        let m = try loadModel(model)
        try programOptions.requireProgram(m)
        let isProgram = m.acceleratorProgramDesign != nil
        let pipeline = isProgram ? nil : try detection.pipeline(for: m, name: model, preprocess: preprocess, threads: threads)
        let gtText = String(decoding: try readFile(gt), as: UTF8.self)
        var truth = try DACSDCScore.parse(gtText, name: gt)
        if let limit { truth = Array(truth.prefix(max(limit, 0))) }
        guard !truth.isEmpty else { throw DSCError.invalidArgument("\(gt) lists no images") }
        var substituted = false
        let paths = try truth.map { try imagePath(for: $0.name, substituted: &substituted) }
        var predicted: [DACSDCScore.Entry] = []
        var sum = 0.0, hits = 0
        var total = DetectionTiming()
        let start = Date()
        let progress = ProgressBar(total: truth.count, enabled: !quiet && standardErrorIsTerminal)
        var failure: DSCError?
        func score(_ index: Int, _ box: DetectedBox, _ timing: DetectionTiming) {
            let entry = truth[index]
            total.read &+= timing.read; total.preprocess &+= timing.preprocess
            total.inference &+= timing.inference; total.boxDecode &+= timing.boxDecode
            let p = DACSDCScore.Entry(name: entry.name, xmin: Int(box.xmin.rounded()), xmax: Int(box.xmax.rounded()),
                                      ymin: Int(box.ymin.rounded()), ymax: Int(box.ymax.rounded()))
            predicted.append(p)
            let iou = DACSDCScore.iou(p, entry)
            sum += iou
            if iou >= 0.5 { hits += 1 }
            if perImage {
                if json {
                    print("{\"image\": \(JSONValue.quoted(entry.name)), \"box\": [\(p.xmin), \(p.xmax), \(p.ymin), \(p.ymax)], \"gt\": [\(entry.xmin), \(entry.xmax), \(entry.ymin), \(entry.ymax)], \"iou\": \(iou), \"score\": \(box.score.isFinite ? String(box.score) : "null"), \"raw\": [\(box.raw.map(String.init).joined(separator: ", "))]}")
                } else {
                    print("\(p.line)  gt [\(entry.xmin), \(entry.xmax), \(entry.ymin), \(entry.ymax)]  IoU \(String(format: "%.4f", iou))")
                }
            }
            progress.advance()
        }
        var kernels = ""
        if let pipeline {
            kernels = pipeline.detectors[0].session.kernelPath.rawValue
            try pipeline.run(count: truth.count, read: { try ImageFile.read(path: paths[$0]) }) { result in
                guard failure == nil else { return }
                switch result.box {
                case .success(let box): score(result.index, box, result.timing)
                case .failure(let e): failure = e
                }
            }
        } else {
            // Accelerator programs (iSmart3): the board's batches of 4 in GT order.
            let batched = try ISmart3BatchedDetector(model: m, paths: paths, options: programOptions)
            kernels = batched.accelerator.machine.kernelPath.rawValue
            for k in truth.indices {
                let r = try batched.detect(k)
                score(k, r.box, r.timing)
            }
        }
        progress.finish()
        if let failure { throw failure }
        if let predictions {
            let text = predicted.map(\.line).joined(separator: "\n") + "\n"
            try Array(text.utf8).withUnsafeBytes { try writeFile(predictions, $0) }
        }
        let n = Double(truth.count)
        let mean = sum / n, share = Double(hits) / n
        let wall = Date().timeIntervalSince(start)
        func ms(_ ns: UInt64) -> Double { Double(ns) / n / 1e6 }
        if json {
            print("{\"images\": \(truth.count), \"threads\": \(threads), \"mean_iou\": \(mean), \"iou_at_least_0_5\": \(share), \"seconds_per_image\": \(wall / n), \"read_ms\": \(ms(total.read)), \"preprocess_ms\": \(ms(total.preprocess)), \"inference_ms\": \(ms(total.inference)), \"box_decode_ms\": \(ms(total.boxDecode)), \"kernels\": \(JSONValue.quoted(kernels))}")
        } else {
            print("mean IoU: \(String(format: "%.6f", mean)) over \(truth.count) images; IoU >= 0.5: \(String(format: "%.1f", 100 * share)) % (\(hits)/\(truth.count))")
            print("time: \(String(format: "%.3f", wall * 1000 / n)) ms/image wall with \(threads) thread\(threads == 1 ? "" : "s") (\(String(format: "%.2f", wall)) s in all); per image: read \(String(format: "%.3f", ms(total.read))) ms, preprocess \(String(format: "%.3f", ms(total.preprocess))) ms, inference \(String(format: "%.3f", ms(total.inference))) ms, box decode \(String(format: "%.3f", ms(total.boxDecode))) ms (\(kernels) kernels)")
        }
    }

    /// DIR/NAME, or DIR/STEM.png for a missing NAME.jpg (and the reverse), noted once.
    private func imagePath(for name: String, substituted: inout Bool) throws -> String {
        let path = dir + "/" + name
        if FileManager.default.fileExists(atPath: path) { return path }
        let lower = name.lowercased()
        let stem = lower.hasSuffix(".jpeg") ? String(name.dropLast(5)) : (lower.hasSuffix(".jpg") || lower.hasSuffix(".png") ? String(name.dropLast(4)) : name)
        let alternatives = lower.hasSuffix(".png") ? [".jpg", ".jpeg"] : [".png"]
        for ext in alternatives where FileManager.default.fileExists(atPath: dir + "/" + stem + ext) {
            if !substituted {
                note("\(path) is absent: reading \(stem + ext) instead (and likewise for other images)")
                substituted = true
            }
            return dir + "/" + stem + ext
        }
        throw DSCError.io(path: path, reason: "no such file (nor \(alternatives.map { stem + $0 }.joined(separator: " or ")))")
    }
}
