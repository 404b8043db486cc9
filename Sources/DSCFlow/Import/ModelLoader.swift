import CDSCFlowSupport

extension Model {
    /// Loads a model file (format detected from its bytes). The bytes are read into memory the
    /// model owns.
    public static func load(path: String) throws(DSCError) -> Model {
        let storage = try ByteStorage(contentsOfFile: path)
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
        if storage.count < 8 {
            throw DSCError.malformedModel("\(storage.count) bytes is too short to be a model")
        }
        throw DSCError.malformedModel("unrecognised model format (expected a .tflite or .dscm file)")
    }
}

extension ByteStorage {
    /// Reads a whole file into owned storage.
    public convenience init(contentsOfFile path: String) throws(DSCError) {
        var size: UInt64 = 0
        let err = dsc_file_size(path, &size)
        if err != 0 { throw DSCError.io(path: path, reason: String(cString: dsc_strerror(err))) }
        guard size <= UInt64(Int.max / 2) else { throw DSCError.outOfMemory("\(path) has \(size) bytes") }
        self.init(zeroedCount: Int(size))
        let r = dsc_file_read(path, UnsafeMutableRawPointer(mutating: base), size)
        if r != 0 { throw DSCError.io(path: path, reason: String(cString: dsc_strerror(r))) }
    }
}

/// Writes bytes to a file (created or truncated), or throws `DSCError.io`.
public func writeBytes(_ bytes: UnsafeRawBufferPointer, to path: String) throws(DSCError) {
    let err = dsc_file_write(path, bytes.baseAddress, UInt64(bytes.count))
    if err != 0 { throw DSCError.io(path: path, reason: String(cString: dsc_strerror(err))) }
}
