import ArgumentParser
import DSCFlow
import DSCFlowAccelerator
import DSCFlowVision

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a model on raw input bytes.",
        discussion: """
            IN.bin holds the raw bytes of the model's input tensor (NHWC, C order). OUT.bin receives the raw \
            bytes of its output tensor. --dump-dir writes each operator's output as opNNN_<OPNAME>.bin, the \
            naming of the shared goldens.

            An accelerator program (dscflow import ismart3) reads the stitched batch (uint8 [3,324,644]) and writes \
            the 4 heads (int16 ACC codes [4,10,20,40], slot order); it prints the PL's 4 box results; --dump-dir \
            writes slotQ.<layer>.bb per image and <layer>.cv canvases in the formats of ../shared/ismart3/blobs and \
            canvas000.
            """
    )

    @Argument(help: modelFileHelp)
    var model: String

    @Option(name: .long, help: "Raw bytes of the input tensor.")
    var input: String

    @Option(name: .long, help: "Where to write the raw bytes of the output tensor.")
    var output: String?

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
            try ISmart3RunCommand.run(model: m, input: input, output: output, dumpDir: dumpDir, print: print, options: program)
            return
        }
        let session = try Session(model: m, options: SessionOptions(rounding: singleRounding ? .single : .double,
                                                                   memoryLimit: try memoryLimitBytes(mib: memoryLimit)))
        let inBuf = session.inputBytes()
        let bytes = try ByteStorage(contentsOfFile: input, maxBytes: inBuf.count, what: "input file")
        guard bytes.count == inBuf.count else {
            throw DSCError.invalidArgument("\(input) has \(bytes.count) bytes; input \(m.tensors[m.inputs[0]].name) \(m.tensors[m.inputs[0]].signature) needs \(inBuf.count)")
        }
        inBuf.copyMemory(from: bytes.buffer)
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
        let out = session.outputBytes()
        if let output { try writeFile(output, out) }
        if output == nil || print {
            let t = m.tensors[m.outputs[0]]
            Swift.print(OutputFormatting.values(out, type: t.type).map(String.init).joined(separator: " "))
        }
    }
}

enum OutputFormatting {
    /// The elements of a raw tensor as integers.
    static func values(_ bytes: UnsafeRawBufferPointer, type: ElementType) -> [Int] {
        let n = bytes.count / type.byteSize
        return (0..<n).map { i in
            switch type {
            case .int8, .int4: return Int(bytes.load(fromByteOffset: i, as: Int8.self))
            case .uint8, .uint4: return Int(bytes[i])
            case .int16: return Int(Int16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self)))
            case .int32: return Int(Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)))
            }
        }
    }
}
