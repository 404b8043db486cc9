import ArgumentParser
import DSCFlow
import DSCFlowAccelerator
import DSCFlowVision

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a model on raw input bytes.",
        discussion: """
            Each IN.bin holds the raw bytes of one model input, each OUT.bin receives one output, in the model's \
            order (give --input and --output once per input and output). The bytes are the model's own: NHWC int8 \
            for .tflite; for .onnx the graph's own types and layouts, as ONNX Runtime takes and returns them \
            (float32 NCHW for a QDQ model, whose QuantizeLinear and DequantizeLinear run too). --dump-dir writes \
            each operator's output as opNNN_<OPNAME>.bin, the naming of the shared goldens (IR layout: NHWC).

            An accelerator program (dscflow import ismart3) reads the stitched batch (uint8 [3,324,644]) and writes \
            the 4 heads (int16 ACC codes [4,10,20,40], slot order); it prints the PL's 4 box results; --dump-dir \
            writes slotQ.<layer>.bb per image and <layer>.cv canvases in the formats of ../shared/ismart3/blobs and \
            canvas000.
            """
    )

    @Argument(help: modelFileHelp)
    var model: String

    @Option(name: .long, help: "Raw bytes of an input tensor (once per model input, in order).")
    var input: [String]

    @Option(name: .long, help: "Where to write the raw bytes of an output tensor (once per model output, in order; fewer writes only the first ones).")
    var output: [String] = []

    @Option(name: .long, help: "Directory to receive every operator's output (opNNN_<OPNAME>.bin).")
    var dumpDir: String?

    @Flag(name: .long, help: "Use single rounding (TFLITE_SINGLE_ROUNDING) instead of TFLite's default double rounding.")
    var singleRounding = false

    @Flag(name: .long, help: "Print the output values (also the default when no --output is given).")
    var print = false

    @Option(name: .long, help: memoryLimitHelp)
    var memoryLimit = SessionOptions.defaultMemoryLimit >> 20

    @OptionGroup var program: ProgramOptions

    func run() throws {
        let m = try loadModel(model)
        try program.requireProgram(m)
        if m.acceleratorProgramDesign != nil {
            guard input.count == 1, output.count <= 1 else {
                throw DSCError.invalidArgument("an accelerator program takes one --input and at most one --output")
            }
            try ISmart3RunCommand.run(model: m, input: input[0], output: output.first, dumpDir: dumpDir, print: print, options: program)
            return
        }
        guard input.count == m.inputs.count else {
            throw DSCError.invalidArgument("the model has \(m.inputs.count) input(s); \(input.count) --input given")
        }
        guard output.count <= m.outputs.count else {
            throw DSCError.invalidArgument("the model has \(m.outputs.count) output(s); \(output.count) --output given")
        }
        let session = try Session(model: m, options: SessionOptions(rounding: singleRounding ? .single : .double,
                                                                   memoryLimit: try memoryLimitBytes(mib: memoryLimit)))
        for (i, path) in input.enumerated() {
            let inBuf = session.inputBytes(i)
            let t = m.tensors[m.inputs[i]]
            let bytes = try ByteStorage(contentsOfFile: path, maxBytes: inBuf.count, what: "input file")
            guard bytes.count == inBuf.count else {
                throw DSCError.invalidArgument("\(path) has \(bytes.count) bytes; input \(t.name) \(t.signature) needs \(inBuf.count)")
            }
            inBuf.copyMemory(from: bytes.buffer)
        }
        var dumpError: Error? = nil
        if let dir = dumpDir {
            try makeDirectory(dir)
            let width = max(3, String(max(m.operations.count - 1, 0)).count)
            session.run { i, out in
                guard dumpError == nil else { return }
                let num = String(i)
                let name = "op" + String(repeating: "0", count: max(0, width - num.count)) + num + "_" + m.operations[i].name + ".bin"
                do { try writeFile(dir + "/" + name, out) } catch { dumpError = error }
            }
        } else {
            session.run()
        }
        if let dumpError { throw dumpError }
        for (i, path) in output.enumerated() { try writeFile(path, session.outputBytes(i)) }
        if output.isEmpty || print {
            for i in m.outputs.indices {
                let t = m.tensors[m.outputs[i]]
                Swift.print(OutputFormatting.values(session.outputBytes(i), type: t.type).joined(separator: " "))
            }
        }
    }
}

enum OutputFormatting {
    /// The elements of a raw tensor as text (integers, or floats for float32).
    static func values(_ bytes: UnsafeRawBufferPointer, type: ElementType) -> [String] {
        let n = bytes.count / type.byteSize
        return (0..<n).map { i in
            switch type {
            case .int8, .int4: return String(bytes.load(fromByteOffset: i, as: Int8.self))
            case .uint8, .uint4: return String(bytes[i])
            case .int16: return String(Int16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self)))
            case .int32: return String(Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)))
            case .float32: return String(Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))))
            }
        }
    }
}
