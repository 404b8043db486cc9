import ArgumentParser
import DSCFlow
import DSCFlowAccelerator
import DSCFlowVision

struct PreprocessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preprocess",
        abstract: "Write the input tensor bytes an image (PNG or JPEG) becomes (for `dscflow run --input`).",
        discussion: """
            Applies the model's dscflow.preprocess metadata (with the overrides below): channel conversion, fit \
            (stretch, letterbox, crop), resize (bilinear with half-pixel centres, or Pillow-exact nearest), \
            normalization and quantization with the input's scale and zero point. Without a range, mean or std the \
            range is inferred from the input's quantization and printed as a note.
            """
    )

    @Argument(help: modelFileHelp)
    var model: String

    @Argument(help: imageFileHelp)
    var image: String

    @Option(name: [.short, .customLong("output")], help: "Where to write the raw input tensor bytes.")
    var output: String

    @OptionGroup var preprocess: PreprocessOverrideOptions

    func run() throws {
        let m = try loadModel(model)
        let pre = try Preprocessor(model: m, overrides: preprocess.values)
        noteAssumption(of: pre)
        let bytes = try pre.preprocess(try ImageFile.read(path: image))
        try bytes.withUnsafeBytes { try writeFile(output, $0) }
        print("\(output): \(bytes.count) bytes for \(pre.tensor.name) \(pre.tensor.signature)")
    }
}
