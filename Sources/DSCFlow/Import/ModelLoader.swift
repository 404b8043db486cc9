import CDSCFlowSupport

extension Model {
    /// The largest model file `load(path:)` reads unless told otherwise: 1 GiB (the largest model of
    /// this project's kind is a few MB; a bigger file is refused after one `fstat`, before anything is
    /// read or allocated). Raise it with `load(path:maxFileBytes:)` (C: `dsc_model_load_file_ex`,
    /// CLI: `DSCFLOW_MAX_MODEL_BYTES`).
    public static let defaultMaxFileBytes = 1 << 30

    /// Loads a model file (format detected from its bytes). The bytes are read into memory the
    /// model owns. A file above `maxFileBytes` bytes is refused (`DSCError.io`) without being read, a
    /// file whose first bytes are not `.tflite`, `.onnx` or `.dscm` after reading just those bytes
    /// (`DSCError.malformedModel`), and memory that is not available is `DSCError.outOfMemory`.
    public static func load(path: String, maxFileBytes: Int = defaultMaxFileBytes) throws(DSCError) -> Model {
        let storage = try ByteStorage(contentsOfFile: path, maxBytes: maxFileBytes, what: "model file") { (header) throws(DSCError) in
            if !TFLiteImporter.recognizes(header) && !DSCMFormat.recognizes(header) && !ONNXImporter.recognizes(header) { throw formatError(header.count) }
        }
        return try load(storage: storage)
    }

    /// Loads a model from memory. With `copy: false` the model borrows `bytes` (weights are not copied):
    /// the caller must keep them alive and unchanged while the model exists.
    public static func load(bytes: UnsafeRawBufferPointer, copy: Bool = true) throws(DSCError) -> Model {
        try load(storage: copy ? ByteStorage(copying: bytes) : ByteStorage(borrowing: bytes))
    }

    /// Loads a model from storage, detecting its format.
    public static func load(storage: ByteStorage) throws(DSCError) -> Model {
        if TFLiteImporter.recognizes(storage.buffer) {
            return try TFLiteImporter.importModel(storage)
        }
        if DSCMFormat.recognizes(storage.buffer) {
            return try DSCMFormat.importModel(storage)
        }
        if ONNXImporter.recognizes(storage.buffer) {
            return try ONNXImporter.importModel(storage)
        }
        throw formatError(storage.count)
    }

    /// The error for `count` bytes (all of them, or a file's first bytes) of no known model format.
    private static func formatError(_ count: Int) -> DSCError {
        count < 8 ? .malformedModel("\(count) bytes is too short to be a model")
            : .malformedModel("unrecognised model format (expected a .tflite, .onnx or .dscm file)")
    }
}

extension ByteStorage {
    /// The most bytes `init(contentsOfFile:maxBytes:what:check:)` shows its `check`.
    public static let headerBytes = 64

    /// Reads a whole regular file into owned storage, safely against hostile sizes: a file above
    /// `maxBytes` is refused (`DSCError.io`, naming the limit and `what` the file is) after one
    /// `fstat`; `check` sees its first bytes (up to `headerBytes`) and may throw before anything of
    /// the file's size is allocated, so a file of the wrong format costs a few bytes of reading; the
    /// buffer comes from an allocation that reports failure (`DSCError.outOfMemory`), never one that
    /// traps. Size and bytes come from one open file descriptor.
    public convenience init(contentsOfFile path: String, maxBytes: Int, what: String = "file",
                            check: (UnsafeRawBufferPointer) throws(DSCError) -> Void = { _ in }) throws(DSCError) {
        var file: OpaquePointer?
        var size: UInt64 = 0
        let err = dsc_file_open(path, &file, &size)
        if err != 0 { throw DSCError.io(path: path, reason: String(cString: dsc_strerror(err))) }
        defer { dsc_file_close(file) }
        guard maxBytes >= 0, size <= UInt64(maxBytes) else {
            throw DSCError.io(path: path, reason: "\(what) of \(size) bytes is above the limit of \(max(maxBytes, 0)) bytes")
        }
        let count = Int(size)
        var header = [UInt8](repeating: 0, count: min(count, ByteStorage.headerBytes))
        let r0 = header.withUnsafeMutableBytes { dsc_file_read_exact(file, $0.baseAddress, UInt64($0.count)) }
        if r0 != 0 { throw DSCError.io(path: path, reason: String(cString: dsc_strerror(r0))) }
        let refused: DSCError? = header.withUnsafeBytes { h in
            do throws(DSCError) { try check(h) } catch { return error }
            return nil
        }
        if let refused { throw refused }
        try self.init(allocating: count, zeroed: false)
        let p = UnsafeMutableRawPointer(mutating: base)
        header.withUnsafeBytes { if let h = $0.baseAddress { p.copyMemory(from: h, byteCount: $0.count) } }
        let r = dsc_file_read_exact(file, p + header.count, UInt64(count - header.count))
        if r != 0 { throw DSCError.io(path: path, reason: String(cString: dsc_strerror(r))) }
    }
}

/// Writes bytes to a file (created or truncated), or throws `DSCError.io`.
public func writeBytes(_ bytes: UnsafeRawBufferPointer, to path: String) throws(DSCError) {
    let err = dsc_file_write(path, bytes.baseAddress, UInt64(bytes.count))
    if err != 0 { throw DSCError.io(path: path, reason: String(cString: dsc_strerror(err))) }
}
