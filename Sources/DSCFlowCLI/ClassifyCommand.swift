import ArgumentParser
import DSCFlow
import DSCFlowAccelerator
import DSCFlowVision
import Foundation

struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Classify an image (PNG or JPEG) and print the most probable labels with their probabilities.",
        discussion: """
            The image is preprocessed as the model's dscflow.preprocess metadata says, with the options below taking \
            precedence (defaults: resize bilinear, stretch; without a range, mean or std the range is inferred from \
            the input's quantization and printed as a note, e.g. int8 with scale 1/128 and zero point 0 implies \
            --range -1,1), quantized with the input's scale and zero point, and run. Probabilities are the \
            dequantized outputs. Labels come from --labels (one per line), else the model's metadata, else "class i".
            """
    )

    @Argument(help: modelFileHelp)
    var model: String

    @Argument(help: imageFileHelp)
    var image: String

    @Option(help: "Labels file, one label per line in output order.")
    var labels: String?

    @Option(help: "How many classes to print.")
    var top: Int = 5

    @OptionGroup var preprocess: PreprocessOverrideOptions

    func run() throws {
        guard top >= 1 else { throw ValidationError("--top must be at least 1") }
        let m = try loadModel(model)
        let labelList = try labels.map { LabelList.parse(lines: String(decoding: try readFile($0), as: UTF8.self)) }
        let classifier = try Classifier(model: m, preprocessOverrides: preprocess.values, labels: labelList)
        noteAssumption(of: classifier.preprocessor)
        let results = try classifier.classify(try ImageFile.read(path: image))
        let width = results.prefix(top).map(\.label.count).max() ?? 0
        for r in results.prefix(top) {
            print(column(r.label, width + 2) + String(format: "%.6f", r.probability))
        }
    }
}
