import ArgumentParser
import DSCFlow
import DSCFlowAccelerator
import DSCFlowVision

struct PreprocessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preprocess",
        abstract: "Write the input tensor bytes a PNG image becomes (for `dscflow run --input`).",
        discussion: """
            Applies the model's dscflow.preprocess metadata (with the overrides below): channel conversion, fit (stretch, letterbox, crop), resize (bilinear with half-pixel centres, or Pillow-exact nearest), normalization and quantization with the input's scale and zero point.
            """
    )

    @Argument(help: "Model file (.tflite).")
    var model: String

    @Argument(help: "Image (PNG).")
    var image: String

    @Option(name: [.short, .customLong("output")], help: "Where to write the raw input tensor bytes.")
    var output: String

    @OptionGroup var preprocess: PreprocessOverrideOptions

    func run() throws {
        let m = try Model.load(path: model)
        let pre = try Preprocessor(model: m, overrides: preprocess.values)
        let bytes = try pre.preprocess(try PNGCodec.read(path: image))
        try bytes.withUnsafeBytes { try writeFile(output, $0) }
        print("\(output): \(bytes.count) bytes for \(pre.tensor.name) \(pre.tensor.signature)")
    }
}
