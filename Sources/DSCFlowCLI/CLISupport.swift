import ArgumentParser
import DSCFlow
import DSCFlowAccelerator
import DSCFlowVision
import Foundation

/// Reads a whole file of at most `maxBytes` (64 MiB unless given: labels, ground truth, configurations),
/// or throws a DSCError naming it; a larger file is refused before it is read.
func readFile(_ path: String, maxBytes: Int = 64 << 20) throws -> [UInt8] {
    let storage = try ByteStorage(contentsOfFile: path, maxBytes: maxBytes)
    return [UInt8](storage.buffer)
}

/// Loads a model file; its size limit is `Model.defaultMaxFileBytes` (1 GiB) unless the environment
/// variable DSCFLOW_MAX_MODEL_BYTES gives another.
func loadModel(_ path: String) throws -> Model {
    var limit = Model.defaultMaxFileBytes
    if let text = ProcessInfo.processInfo.environment["DSCFLOW_MAX_MODEL_BYTES"] {
        guard let n = Int(text), n >= 0 else {
            throw DSCError.invalidArgument("DSCFLOW_MAX_MODEL_BYTES must be a number of bytes, not '\(text)'")
        }
        limit = n
    }
    return try Model.load(path: path, maxFileBytes: limit)
}

/// The help of every --memory-limit option.
let memoryLimitHelp = ArgumentHelp("The most memory a session may take, in MiB (arena, packed constants, tables; 0: no limit). Default: \(SessionOptions.defaultMemoryLimit >> 20).")

/// A --memory-limit value in MiB as `SessionOptions.memoryLimit` (0: none).
func memoryLimitBytes(mib: Int) throws -> Int {
    guard mib >= 0, mib <= Int.max >> 20 else { throw ValidationError("--memory-limit must be 0 (no limit) or a number of MiB") }
    return mib == 0 ? Int.max : mib << 20
}

/// Writes bytes to a file, or throws a DSCError naming it.
func writeFile(_ path: String, _ bytes: UnsafeRawBufferPointer) throws {
    let data = Data(bytes)
    do {
        try data.write(to: URL(fileURLWithPath: path))
    } catch {
        throw DSCError.io(path: path, reason: "cannot be written (\(error.localizedDescription))")
    }
}

/// Creates a directory (and parents) if needed.
func makeDirectory(_ path: String) throws {
    do {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    } catch {
        throw DSCError.io(path: path, reason: "cannot create directory (\(error.localizedDescription))")
    }
}

/// "1,234,567"
func grouped(_ n: Int) -> String {
    let s = String(n)
    var out = ""
    for (i, ch) in s.reversed().enumerated() {
        if i > 0 && i % 3 == 0 && ch != "-" { out.append(",") }
        out.append(ch)
    }
    return String(out.reversed())
}

/// Formats a quantization as "s=0.0078 zp=-1" (or "per-channel(8)").
func describe(_ q: Quantization?) -> String {
    guard let q else { return "-" }
    if q.isPerChannel { return "per-channel(\(q.scales.count))" }
    return "s=\(q.scale) zp=\(q.zeroPoint)"
}

/// Pads or truncates to a column width.
func column(_ s: String, _ width: Int) -> String {
    s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
}

/// The help of every MODEL argument that loads a model file.
let modelFileHelp = ArgumentHelp("Model file (.tflite, .onnx or .dscm).")

/// The help of every IMAGE argument.
let imageFileHelp = ArgumentHelp("Image file: PNG (gray, RGB or RGBA; 16-bit and palette are converted) or JPEG (baseline or progressive, gray or colour; decoded as Pillow decodes it).")

/// The options given on the command line as metadata keys (options not given are left out).
func metadataOverrides(_ options: KeyValuePairs<String, String?>) -> [String: String] {
    var values: [String: String] = [:]
    for (key, value) in options { if let value { values[key] = value } }
    return values
}

/// Writes "dscflow: note: MESSAGE" to stderr: what a command assumed, so that nothing that changes
/// the answer happens silently.
func note(_ message: String) {
    FileHandle.standardError.write(Data("dscflow: note: \(message)\n".utf8))
}

/// Prints what a preprocessor assumed (`Preprocessor.assumption`) as a note, if anything.
func noteAssumption(of preprocessor: Preprocessor) {
    if let a = preprocessor.assumption { note(a + "; give --range (or --mean/--std) to change it") }
}

/// True when stderr is a terminal (progress bars redraw with \r only there).
var standardErrorIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }
