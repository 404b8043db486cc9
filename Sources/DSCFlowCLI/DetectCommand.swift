import ArgumentParser
import DSCFlow
import DSCFlowAccelerator
import DSCFlowVision
import Foundation

struct DetectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Find the single object in images (PNG or JPEG) and print its box in image pixels.",
        discussion: """
            The model's dscflow.preprocess metadata says how an image becomes its input, and its dscflow.detection \
            metadata which head decodes the output (e.g. head=skynet, anchors=...). Options override both. Boxes are \
            [xmin, xmax) x [ymin, ymax) in pixels of the original image. A box scoring below --min-score is printed \
            as "no object" (with --json: "object": false); the default is the metadata's min-score=, else 0 for the \
            skrskr and ultranet heads (the DAC-SDC boards report every box) and 0.5 for the others. --out writes the image with \
            the box drawn (one image); --out-dir writes one annotated PNG per image, named like the input. With \
            several images the next one is read and preprocessed while the current one is inferred, and \
            --threads N detects N images at once (one session each); boxes are printed in the order given. \
            An accelerator program (dscflow import ismart3) detects as its board does: images 4 at a time in the \
            order given, stitched on the gray canvas, the PL's box selection and the host's decode (every box is \
            reported); raw = [anchor, x, y, tx, ty, tw, th, conf] (ACC codes).
            """
    )

    @Argument(help: modelFileHelp)
    var model: String

    @Argument(help: "One or more image files (PNG or JPEG).")
    var images: [String]

    @Option(help: "Write the annotated image here (only with one image).")
    var out: String?

    @Option(help: "Write annotated images into this directory (created if needed).")
    var outDir: String?

    @Flag(help: "Print one JSON object per image: image, object (true), xmin, xmax, ymin, ymax, score, raw; or image, object (false), score, min_score.")
    var json = false

    @Option(help: "Boxes scoring below this (0-1) are \"no object\" (default: the metadata's min-score=, else 0 for skrskr and ultranet, 0.5 otherwise).")
    var minScore: Double?

    @Option(help: "Box colour R,G,B (0-255).")
    var boxColor: String = "255,0,0"

    @Option(help: "Box line width in pixels.")
    var thickness: Int = 2

    @Option(help: "Images detected at once, each on its own session (1...64).")
    var threads: Int = 1

    @OptionGroup var detection: DetectionOverrideOptions

    @OptionGroup var preprocess: PreprocessOverrideOptions

    @OptionGroup var program: ProgramOptions

    func validate() throws {
        if out != nil && images.count != 1 { throw ValidationError("--out takes one image; use --out-dir for several") }
        if out != nil && outDir != nil { throw ValidationError("give --out or --out-dir, not both") }
        if thickness < 1 || thickness > 64 { throw ValidationError("--thickness must be in 1...64") }
        if !(1...SessionOptions.maxThreads).contains(threads) { throw ValidationError("--threads must be 1...\(SessionOptions.maxThreads)") }
        if let s = minScore, !(s >= 0 && s <= 1) { throw ValidationError("--min-score must be in 0...1") }
    }

    func run() throws {
        let rgb = boxColor.split(separator: ",").compactMap { UInt8(String($0).trimmingCharacters(in: .whitespaces)) }
        guard rgb.count == 3 else { throw ValidationError("--box-color must be R,G,B with values 0-255") }
        let m = try loadModel(model)
        try program.requireProgram(m)
        if let outDir { try makeDirectory(outDir) }
        let paths = images
        if m.acceleratorProgramDesign != nil {
            // Accelerator programs (iSmart3) detect in the board's batches of 4, in the order given.
            let batched = try ISmart3BatchedDetector(model: m, paths: paths, options: program)
            for k in paths.indices {
                let r = try batched.detect(k)
                try emit(paths[k], r.box, found: true, minScore: 0, image: r.image, rgb)
            }
            return
        }
        var extra: [String: String] = [:]
        extra[DetectionHeads.minScoreKey] = minScore.map { String($0) }
        let pipeline = try detection.pipeline(for: m, name: model, preprocess: preprocess, extra: extra, threads: threads)
        let detector = pipeline.detectors[0]
        var failure: Error?
        try pipeline.run(count: paths.count, read: { try ImageFile.read(path: paths[$0]) }) { result in
            guard failure == nil else { return }
            do {
                let box = try result.box.get()
                try emit(paths[result.index], box, found: detector.isObject(box), minScore: detector.minScore, image: nil, rgb)
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
    }

    /// Prints one image's result and writes its annotated copy if asked (`image`: the decoded image, if at hand).
    private func emit(_ path: String, _ box: DetectedBox, found: Bool, minScore: Double, image: Image?, _ rgb: [UInt8]) throws {
        if json {
            print(found ? Self.json(path, box) : Self.jsonNoObject(path, box, minScore))
        } else if found {
            print("\(path): xmin \(Self.number(box.xmin)) xmax \(Self.number(box.xmax)) ymin \(Self.number(box.ymin)) ymax \(Self.number(box.ymax)) score \(String(format: "%.4f", box.score)) (anchor \(box.anchor), cell x \(box.gridX) y \(box.gridY))")
        } else {
            print("\(path): no object (best score \(String(format: "%.4f", box.score)) is below the minimum score \(minScore))")
        }
        let target = out ?? outDir.map { $0 + "/" + URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent + ".png" }
        if let target {
            let img = try image ?? ImageFile.read(path: path)
            var annotated = img.channels == 1 ? try img.converted(toChannels: 3) : img
            if found { annotated.draw(box, color: (rgb[0], rgb[1], rgb[2]), thickness: thickness) }
            try PNGCodec.write(annotated, path: target)
        }
    }

    /// Whole numbers without decimals, others with two.
    static func number(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(format: "%.2f", v)
    }

    /// A JSON number: whole numbers as integers, others in Swift's shortest round-trip form; null if not finite.
    static func jsonNumber(_ v: Double) -> String {
        guard v.isFinite else { return "null" }
        return v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
    }

    static func jsonString(_ s: String) -> String { JSONValue.quoted(s) }

    static func jsonNoObject(_ image: String, _ b: DetectedBox, _ minScore: Double) -> String {
        "{\"image\": \(jsonString(image)), \"object\": false, \"score\": \(jsonNumber(b.score)), \"min_score\": \(jsonNumber(minScore))}"
    }

    static func json(_ image: String, _ b: DetectedBox) -> String {
        "{\"image\": \(jsonString(image)), \"object\": true, \"xmin\": \(jsonNumber(b.xmin)), \"xmax\": \(jsonNumber(b.xmax)), "
            + "\"ymin\": \(jsonNumber(b.ymin)), \"ymax\": \(jsonNumber(b.ymax)), \"score\": \(jsonNumber(b.score)), "
            + "\"raw\": [\(b.raw.map(String.init).joined(separator: ", "))]}"
    }
}
