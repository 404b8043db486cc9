import ArgumentParser
import DSCFlow
import DSCFlowAccelerator
import DSCFlowVision
import Foundation

struct DetectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Find the single object in PNG images and print its box in image pixels.",
        discussion: """
            The model's dscflow.preprocess metadata says how an image becomes its input, and its dscflow.detection metadata which head decodes the output (e.g. head=skynet, anchors=...). Options override both. Boxes are [xmin, xmax) x [ymin, ymax) in pixels of the original image. --out writes the image with the box drawn (one image); --out-dir writes one annotated PNG per image, named like the input. An accelerator program (dscflow import ismart3) detects as its board does: images 4 at a time in the order given, stitched on the gray canvas, the PL's box selection and the host's decode; raw = [anchor, x, y, tx, ty, tw, th, conf] (ACC codes).
            """
    )

    @Argument(help: "Model file (.tflite).")
    var model: String

    @Argument(help: "One or more images (PNG).")
    var images: [String]

    @Option(help: "Write the annotated image here (only with one image).")
    var out: String?

    @Option(help: "Write annotated images into this directory (created if needed).")
    var outDir: String?

    @Flag(help: "Print one JSON object per image: image, xmin, xmax, ymin, ymax, score, raw.")
    var json = false

    @Option(help: "Detection head (overrides the metadata's head=), e.g. skynet.")
    var head: String?

    @Option(help: "Anchors w0,h0,w1,h1,... in grid cells (overrides anchors=).")
    var anchors: String?

    @Option(help: "Output grid WxH to check against the model (overrides grid=).")
    var grid: String?

    @Option(help: "Channel names per anchor block, e.g. tx,ty,tw,th,conf (overrides channels=).")
    var channels: String?

    @Option(help: "Box colour R,G,B (0-255).")
    var boxColor: String = "255,0,0"

    @Option(help: "Box line width in pixels.")
    var thickness: Int = 2

    @OptionGroup var preprocess: PreprocessOverrideOptions

    @OptionGroup var program: ProgramOptions

    func validate() throws {
        if out != nil && images.count != 1 { throw ValidationError("--out takes one image; use --out-dir for several") }
        if out != nil && outDir != nil { throw ValidationError("give --out or --out-dir, not both") }
        if thickness < 1 || thickness > 64 { throw ValidationError("--thickness must be in 1...64") }
    }

    func run() throws {
        let rgb = boxColor.split(separator: ",").compactMap { UInt8(String($0).trimmingCharacters(in: .whitespaces)) }
        guard rgb.count == 3 else { throw ValidationError("--box-color must be R,G,B with values 0-255") }
        var detection: [String: String] = [:]
        detection["head"] = head
        detection["anchors"] = anchors
        detection["grid"] = grid
        detection["channels"] = channels
        let m = try Model.load(path: model)
        try program.requireProgram(m)
        // Accelerator programs (iSmart3) detect in the board's batches of 4, in the order given.
        let batched = m.acceleratorProgramDesign != nil ? try ISmart3BatchedDetector(model: m, paths: images, options: program) : nil
        let detector = batched == nil ? try Detector(model: m, preprocessOverrides: preprocess.values, detectionOverrides: detection) : nil
        if let outDir { try makeDirectory(outDir) }
        for (k, path) in images.enumerated() {
            let img: Image, box: DetectedBox
            if let batched {
                (img, box) = try batched.detect(k)
            } else {
                img = try PNGCodec.read(path: path)
                box = try detector!.detect(img)
            }
            if json {
                print(Self.json(path, box))
            } else {
                print("\(path): xmin \(Self.number(box.xmin)) xmax \(Self.number(box.xmax)) ymin \(Self.number(box.ymin)) ymax \(Self.number(box.ymax)) score \(String(format: "%.4f", box.score)) (anchor \(box.anchor), cell x \(box.gridX) y \(box.gridY))")
            }
            let target = out ?? outDir.map { $0 + "/" + URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent + ".png" }
            if let target {
                var annotated = img.channels == 1 ? try img.converted(toChannels: 3) : img
                annotated.draw(box, color: (rgb[0], rgb[1], rgb[2]), thickness: thickness)
                try PNGCodec.write(annotated, path: target)
            }
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

    static func json(_ image: String, _ b: DetectedBox) -> String {
        "{\"image\": \(jsonString(image)), \"xmin\": \(jsonNumber(b.xmin)), \"xmax\": \(jsonNumber(b.xmax)), "
            + "\"ymin\": \(jsonNumber(b.ymin)), \"ymax\": \(jsonNumber(b.ymax)), \"score\": \(jsonNumber(b.score)), "
            + "\"raw\": [\(b.raw.map(String.init).joined(separator: ", "))]}"
    }
}
