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
            images with IoU >= 0.5 and the time per image (all of it, and detection alone: preprocessing, inference \
            and decoding). A progress bar goes to stderr when it is a terminal; the summary (and per-image lines \
            with --per-image) to stdout.
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

    @OptionGroup var detection: DetectionOverrideOptions

    @OptionGroup var preprocess: PreprocessOverrideOptions

    func run() throws {
        let detector = try detection.detector(for: try Model.load(path: model), name: model, preprocess: preprocess)
        let gtText = String(decoding: try readFile(gt), as: UTF8.self)
        var truth = try DACSDCScore.parse(gtText, name: gt)
        if let limit { truth = Array(truth.prefix(max(limit, 0))) }
        guard !truth.isEmpty else { throw DSCError.invalidArgument("\(gt) lists no images") }
        var predicted: [DACSDCScore.Entry] = []
        var sum = 0.0, hits = 0
        let start = Date()
        var detectSeconds = 0.0
        var substituted = false
        let progress = ProgressBar(total: truth.count, enabled: !quiet && standardErrorIsTerminal)
        for entry in truth {
            let path = try imagePath(for: entry.name, substituted: &substituted)
            let image = try ImageFile.read(path: path)
            let t0 = Date()
            let box = try detector.detect(image)
            detectSeconds += Date().timeIntervalSince(t0)
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
        progress.finish()
        if let predictions {
            let text = predicted.map(\.line).joined(separator: "\n") + "\n"
            try Array(text.utf8).withUnsafeBytes { try writeFile(predictions, $0) }
        }
        let n = Double(truth.count)
        let mean = sum / n, share = Double(hits) / n
        let wall = Date().timeIntervalSince(start)
        if json {
            print("{\"images\": \(truth.count), \"mean_iou\": \(mean), \"iou_at_least_0_5\": \(share), \"seconds_per_image\": \(wall / n), \"detect_seconds_per_image\": \(detectSeconds / n)}")
        } else {
            print("mean IoU: \(String(format: "%.6f", mean)) over \(truth.count) images; IoU >= 0.5: \(String(format: "%.1f", 100 * share)) % (\(hits)/\(truth.count)); \(String(format: "%.4f", wall / n)) s/image (detection \(String(format: "%.4f", detectSeconds / n)) s/image)")
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
