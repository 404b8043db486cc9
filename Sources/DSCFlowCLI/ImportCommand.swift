import ArgumentParser
import DSCFlow
import DSCFlowAccelerator
import DSCFlowVision

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Build a .dscm model from an accelerator's parameter files.",
        subcommands: [ImportSkrSkrCommand.self, ImportISmart3Command.self, ImportUltraNetCommand.self]
    )
}

struct ImportSkrSkrCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "skrskr",
        abstract: "Import SkyNet from the DAC-SDC 2020 SkrSkr accelerator's weights (or SEUer B's).",
        discussion: """
            Give either --weights SkyNet.bin (the .wt bytes followed by the .bm bytes, as Deploy/ ships it), or \
            --wt X.wt --bm X.bm (SEUer B's channel-enhanced seuer_SkyNet1.wt/.bm are accepted and folded to the \
            identical arithmetic). The model computes the accelerator's integer arithmetic bit for bit: input \
            uint8 [1,160,320,3] RGB, output the last layer's raw accumulators int32 [1,20,40,10]. It records its \
            preprocessing (Pillow NEAREST 640x360 -> 320x160), its detection head (head=skrskr) and where it came \
            from (dscflow.source: the weight files' names and SHA-256, never a local path), so the same weights \
            give the same .dscm bytes on any machine.
            """
    )

    @Option(name: .long, help: "SkyNet.bin: the .wt bytes followed by the .bm bytes.")
    var weights: String?

    @Option(name: .long, help: "The weight file (.wt), with --bm.")
    var wt: String?

    @Option(name: .long, help: "The bias and multiplier file (.bm), with --wt.")
    var bm: String?

    @Option(name: [.short, .long], help: "Where to write the .dscm model.")
    var output: String

    func run() throws {
        let model: Model
        switch (weights, wt, bm) {
        case (let bin?, nil, nil):
            let storage = try ByteStorage(contentsOfFile: bin, maxBytes: SkrSkrImporter.maxFileBytes, what: "weight file")
            model = try SkrSkrImporter.importModel(combined: storage.buffer, name: bin)
        case (nil, let w?, let b?):
            let ws = try ByteStorage(contentsOfFile: w, maxBytes: SkrSkrImporter.maxFileBytes, what: "weight file")
            let bs = try ByteStorage(contentsOfFile: b, maxBytes: SkrSkrImporter.maxFileBytes, what: "weight file")
            model = try SkrSkrImporter.importModel(weights: ws.buffer, biasMultipliers: bs.buffer, weightsName: w, biasMultipliersName: b)
        default:
            throw ValidationError("give either --weights SkyNet.bin, or both --wt X.wt and --bm X.bm")
        }
        try DSCMWriter.write(model, to: output)
        print("wrote \(output): \(model.operations.count) operators, \(grouped(model.totalMACs)) MACs, \(model.tensors[model.inputs[0]].signature) -> \(model.tensors[model.outputs[0]].signature)")
    }
}

struct ImportUltraNetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ultranet",
        abstract: "Import UltraNet (DAC-SDC 2020 winner) from its accelerator's param.h.",
        discussion: """
            param.h (hls/ultra_net_accelerator_code/) is read as data: its hex strings are the 4-bit weights \
            (unpacked from the PE x SIMD words), the BN multipliers and addends. The model computes the \
            accelerator's integer arithmetic bit for bit: input the 360x640x3 BGR uint8 camera frame (as \
            cv2.imread gives it), the on-chip bilinear resize to 160x320, eight 4-bit 3x3 convs, output the \
            head's raw sums int32 [1,10,20,36]. --config config.h replaces the built-in layer table (checked); \
            --last-bias deploy/last_bias.npy adds the host's box decode (head=ultranet), which detect and \
            eval-dacsdc need. dscflow.source records each file's name and SHA-256, never a local path.
            """
    )

    @Option(name: .long, help: "The design's parameter header (param.h).")
    var params: String

    @Option(name: .long, help: "The design's layer table (config.h); default: the published design's.")
    var config: String?

    @Option(name: .long, help: "The host decode's constants (deploy/last_bias.npy); needed by detect and eval-dacsdc.")
    var lastBias: String?

    @Option(name: [.short, .long], help: "Where to write the .dscm model.")
    var output: String

    func run() throws {
        // The design's source files are a few MB; 256 MiB bounds what a wrong path could make us read.
        let limit = 256 << 20
        let p = try ByteStorage(contentsOfFile: params, maxBytes: limit, what: "param.h")
        let c = try config.map { try ByteStorage(contentsOfFile: $0, maxBytes: limit, what: "config.h") }
        let b = try lastBias.map { try ByteStorage(contentsOfFile: $0, maxBytes: limit, what: "last_bias.npy") }
        let model = try UltraNetImporter.importModel(parameters: p.buffer, parametersName: params, config: c?.buffer,
                                                     configName: config ?? "config.h", lastBias: b?.buffer,
                                                     lastBiasName: lastBias ?? "last_bias.npy")
        try DSCMWriter.write(model, to: output)
        print("wrote \(output): \(model.operations.count) operators, \(grouped(model.totalMACs)) MACs, \(model.tensors[model.inputs[0]].signature) -> \(model.tensors[model.outputs[0]].signature)")
    }
}

struct ImportISmart3Command: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ismart3",
        abstract: "Import iSmart3-SkyNet (DAC-SDC 2019) from the accelerator's parameter file.",
        discussion: """
            --weights is FPGA/Deploy/SkyNet.bin (or FPGA/HLS/weights_fixed.bin): 889472 bytes of 11-bit \
            ap_fixed<11,4> codes in 16-bit lanes. The .dscm is an accelerator program: it holds the parameters and \
            says how to run them (dscflow.program), and `dscflow run / detect / eval-dacsdc` execute the design's \
            schedule on its buffers, byte for byte. Input: the stitched batch uint8 [3,324,644] (4 images on the \
            gray canvas); output: the 4 heads, int16 ACC codes [4,10,20,40]. The file records the weights' base name \
            and SHA-256, not their path.
            """
    )

    @Option(name: .long, help: "The parameter file (SkyNet.bin or weights_fixed.bin).")
    var weights: String

    @Option(name: [.short, .long], help: "Where to write the .dscm model.")
    var output: String

    func run() throws {
        let storage = try ByteStorage(contentsOfFile: weights, maxBytes: ISmart3Importer.fileBytes, what: "parameter file")
        let model = try ISmart3Importer.importModel(bytes: storage.buffer, name: weights)
        try DSCMWriter.write(model, to: output)
        print("wrote \(output): iSmart3-SkyNet accelerator program, \(grouped(model.constantBytes)) bytes of parameters, input \(model.tensors[model.inputs[0]].signature), 4 heads int16[4,10,20,40]")
    }
}

struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert any model DSCFlow loads (.tflite, .onnx, .dscm) to .dscm.",
        discussion: "The .dscm model gives the same output bytes as the original on every input."
    )

    @Argument(help: "Model file (.tflite, .onnx or .dscm).")
    var model: String

    @Option(name: [.short, .long], help: "Where to write the .dscm model.")
    var output: String

    func run() throws {
        let m = try loadModel(model)
        try DSCMWriter.write(m, to: output)
        print("wrote \(output): \(m.operations.count) operators, \(grouped(m.constantBytes)) bytes of constants")
    }
}
