/// NumPy's `.npy` format (versions 1–3), read as data for the one array type importers need: a
/// little-endian float32 vector (`'<f4'`, C order, shape (n,)), e.g. UltraNet's `deploy/last_bias.npy`.
enum NPYFile {
    /// The floats of a `.npy` holding a float32 vector; anything else is an error naming `file`.
    static func float32Vector(_ bytes: UnsafeRawBufferPointer, file: String) throws(DSCError) -> [Float] {
        func bad(_ why: String) -> DSCError { .malformedModel("\(file): \(why)") }
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else { throw bad("not a .npy file (bad magic)") }
        let major = bytes[6]
        let headerLength: Int, start: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            start = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw bad("truncated header") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            start = 12
        default:
            throw bad(".npy version \(major) (expected 1, 2 or 3)")
        }
        guard headerLength <= bytes.count - start else { throw bad("the header runs past the end of the file") }
        // The header is a Python dict literal; compare it without spaces.
        let header = String(decoding: bytes[start..<(start + headerLength)], as: UTF8.self).filter { $0 != " " && $0 != "\n" }
        let h = Array(header.utf8)
        func has(_ s: String) -> Bool {
            let n = Array(s.utf8)
            return h.count >= n.count && (0...(h.count - n.count)).contains { Array(h[$0..<($0 + n.count)]) == n }
        }
        guard has("'descr':'<f4'") else { throw bad("dtype is not little-endian float32 ('<f4'): \(header)") }
        guard has("'fortran_order':False") else { throw bad("Fortran order is not supported") }
        guard let open = header.firstIndex(of: "("), let close = header[open...].firstIndex(of: ")"),
              has("'shape':(") else { throw bad("no shape in the header") }
        let dims = header[header.index(after: open)..<close].split(separator: ",")
        guard dims.count == 1, let n = Int(dims[0]), n >= 0 else { throw bad("shape (\(header[header.index(after: open)..<close])) is not a vector") }
        let data = start + headerLength
        guard bytes.count - data == 4 * n else {
            throw bad("\(bytes.count - data) bytes of data; shape (\(n),) float32 needs \(4 * n)")
        }
        return (0..<n).map { Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: data + 4 * $0, as: UInt32.self))) }
    }
}
