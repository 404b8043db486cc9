/// DSCFlow's native model format `.dscm` (specified in docs/FORMAT.md): a 64-byte header with magic,
/// version and checksums, a section table, and 64-byte aligned sections. Constant tensors live in the
/// DATA section, each 64-byte aligned, and a loaded model points into the file's bytes: loading from a
/// borrowed read-only buffer copies no weights. The reader checks every offset, length and count
/// before using it; any inconsistency is a `DSCError.malformedModel`, never a trap.
public enum DSCMFormat {
    /// The first 8 bytes of every `.dscm` file: 0x89 "DSCM" CR LF 0x1A (a binary marker, like PNG's).
    public static let magic: [UInt8] = [0x89, 0x44, 0x53, 0x43, 0x4D, 0x0D, 0x0A, 0x1A]
    /// The newest format version this build reads and writes (2: 4-bit types, UltraNet's operators;
    /// 3: ONNX Runtime's). The writer writes the oldest version that can hold the model
    /// (`DSCMWriter.formatVersion`), so models without newer features keep their version-1 bytes.
    public static let version: UInt32 = 3
    /// The oldest format version this build reads.
    public static let oldestVersion: UInt32 = 1
    /// Bytes of the file header (docs/FORMAT.md).
    public static let headerSize = 64
    /// Bytes of one entry of the section table.
    public static let sectionEntrySize = 32
    /// Alignment of every section and of every constant tensor inside DATA.
    public static let alignment = 64

    /// Section kinds (four ASCII characters, little-endian).
    enum Section: UInt32, CaseIterable {
        case meta = 0x4154_454D  // "META"
        case tensors = 0x534E_4554  // "TENS"
        case operations = 0x5245_504F  // "OPER"
        case graph = 0x4850_5247  // "GRPH"
        case data = 0x4154_4144  // "DATA"

        var name: String {
            switch self {
            case .meta: return "META"
            case .tensors: return "TENS"
            case .operations: return "OPER"
            case .graph: return "GRPH"
            case .data: return "DATA"
            }
        }
    }

    /// True if `bytes` start with the `.dscm` magic.
    public static func recognizes(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= magic.count && zip(bytes.prefix(magic.count), magic).allSatisfy { $0 == $1 }
    }

    /// Reads a `.dscm` model held in `storage`; constant tensors point into `storage` (no copy).
    /// `verifyChecksums: false` skips the CRCs (for testing the structural checks; every other check runs).
    public static func importModel(_ storage: ByteStorage, verifyChecksums: Bool = true) throws(DSCError) -> Model {
        let bytes = storage.buffer
        guard bytes.count >= headerSize else {
            throw DSCError.malformedModel(".dscm: \(bytes.count) bytes is shorter than the \(headerSize)-byte header")
        }
        guard recognizes(bytes) else { throw DSCError.malformedModel(".dscm: bad magic") }
        let headerCRC = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 60, as: UInt32.self))
        if verifyChecksums {
            let actual = CRC32.of(UnsafeRawBufferPointer(rebasing: bytes[0..<60]))
            guard actual == headerCRC else {
                throw DSCError.malformedModel(".dscm: header checksum mismatch (stored \(hex(headerCRC)), computed \(hex(actual))): the file is corrupt")
            }
        }
        var h = DSCMCursor(bytes, from: 8, to: headerSize, what: "header")
        let fileVersion = try h.u32()
        guard fileVersion >= oldestVersion && fileVersion <= version else {
            throw DSCError.malformedModel(".dscm: format version \(fileVersion); this build reads versions \(oldestVersion)…\(version)")
        }
        let declaredHeader = try h.u32()
        let fileSize = try h.u64()
        let sectionCount = try h.u32()
        let flags = try h.u32()
        let bodyCRC = try h.u32()
        guard declaredHeader == UInt32(headerSize) else {
            throw DSCError.malformedModel(".dscm: header size \(declaredHeader); expected \(headerSize)")
        }
        guard fileSize == UInt64(bytes.count) else {
            throw DSCError.malformedModel(".dscm: the header says \(fileSize) bytes but there are \(bytes.count) (truncated or padded file)")
        }
        guard flags == 0 else { throw DSCError.malformedModel(".dscm: unknown flags \(hex(flags))") }
        for i in 36..<60 where bytes[i] != 0 {
            throw DSCError.malformedModel(".dscm: reserved header byte \(i) is not zero")
        }
        if verifyChecksums {
            let actual = CRC32.of(UnsafeRawBufferPointer(rebasing: bytes[headerSize...]))
            guard actual == bodyCRC else {
                throw DSCError.malformedModel(".dscm: file checksum mismatch (stored \(hex(bodyCRC)), computed \(hex(actual))): the file is corrupt")
            }
        }

        // Section table.
        guard sectionCount <= 64, headerSize + Int(sectionCount) * sectionEntrySize <= bytes.count else {
            throw DSCError.malformedModel(".dscm: \(sectionCount) sections do not fit the file")
        }
        var sections: [Section: (offset: Int, count: Int)] = [:]
        var table = DSCMCursor(bytes, from: headerSize, to: headerSize + Int(sectionCount) * sectionEntrySize, what: "section table")
        for s in 0..<Int(sectionCount) {
            let kindCode = try table.u32(), crc = try table.u32(), offset = try table.u64(), length = try table.u64()
            let reserved = try table.u64()
            guard let kind = Section(rawValue: kindCode) else {
                throw DSCError.malformedModel(".dscm: section \(s) has unknown kind \(hex(kindCode))")
            }
            guard reserved == 0, sections[kind] == nil else {
                throw DSCError.malformedModel(".dscm: section \(s) (\(kind.name)) is duplicated or has reserved bits set")
            }
            guard offset % UInt64(alignment) == 0, offset >= UInt64(headerSize), offset <= UInt64(bytes.count),
                  length <= UInt64(bytes.count) - offset else {
                throw DSCError.malformedModel(".dscm: section \(kind.name) (offset \(offset), \(length) bytes) lies outside the \(bytes.count)-byte file or is misaligned")
            }
            let range = (Int(offset), Int(length))
            if verifyChecksums {
                let actual = CRC32.of(UnsafeRawBufferPointer(rebasing: bytes[range.0..<(range.0 + range.1)]))
                guard actual == crc else {
                    throw DSCError.malformedModel(".dscm: section \(kind.name) checksum mismatch (stored \(hex(crc)), computed \(hex(actual)))")
                }
            }
            sections[kind] = range
        }
        for kind in Section.allCases where sections[kind] == nil {
            throw DSCError.malformedModel(".dscm: missing section \(kind.name)")
        }
        func cursor(_ k: Section) -> DSCMCursor {
            let r = sections[k]!
            var c = DSCMCursor(bytes, from: r.offset, to: r.offset + r.count, what: k.name + " section")
            c.formatVersion = fileVersion
            return c
        }
        let data = sections[.data]!

        // META: origin format and key/value pairs.
        var meta = cursor(.meta)
        let origin = try meta.string()
        var metadata: [String: String] = [:]
        let pairs = try meta.count(minimumBytesEach: 8)
        for _ in 0..<pairs {
            let k = try meta.string()
            metadata[k] = try meta.string()
        }
        try meta.finish()
        metadata["dscflow.origin"] = origin

        // TENS.
        var tc = cursor(.tensors)
        let tensorCount = try tc.count(minimumBytesEach: 12)
        var tensors: [Tensor] = []
        tensors.reserveCapacity(tensorCount)
        for i in 0..<tensorCount {
            let name = try tc.string()
            let typeCode = try tc.u8()
            guard let type = ElementType(rawValue: typeCode) else {
                throw DSCError.malformedModel(".dscm: tensor \(i) '\(name)' has unknown element type \(typeCode)")
            }
            if type.isSubByte { try tc.requireVersion(2, "tensor \(i) '\(name)': element type \(type.name)") }
            if type == .float32 { try tc.requireVersion(3, "tensor \(i) '\(name)': element type float32") }
            let flagsByte = try tc.u8()
            guard flagsByte & ~7 == 0 else { throw DSCError.malformedModel(".dscm: tensor \(i) has unknown flags \(flagsByte)") }
            // Bit 2: sub-byte constant data stored packed (`SubBytePacking`), only for sub-byte constants.
            let packed = flagsByte & 4 != 0
            if packed {
                try tc.requireVersion(2, "tensor \(i) '\(name)': packed data")
                guard type.isSubByte, flagsByte & 2 != 0 else {
                    throw DSCError.malformedModel(".dscm: tensor \(i) '\(name)' is marked packed but is not a sub-byte constant")
                }
            }
            let rank = try tc.count(minimumBytesEach: 8)
            guard rank <= 8 else { throw DSCError.malformedModel(".dscm: tensor \(i) has rank \(rank)") }
            var shape: [Int] = []
            for _ in 0..<rank { shape.append(try tc.int(from: tc.i64(), "tensor \(i) dimension")) }
            var quantization: Quantization? = nil
            if flagsByte & 1 != 0 {
                let n = try tc.count(minimumBytesEach: 4)
                var scales: [Float] = []
                for _ in 0..<n { scales.append(Float(bitPattern: try tc.u32())) }
                let z = try tc.count(minimumBytesEach: 4)
                var zeroPoints: [Int32] = []
                for _ in 0..<z { zeroPoints.append(try tc.i32()) }
                let dimension = Int(try tc.i32())
                quantization = Quantization(scales: scales, zeroPoints: zeroPoints, dimension: dimension)
            }
            var constant: ConstantData? = nil
            if flagsByte & 2 != 0 {
                let offset = try tc.u64(), count = try tc.u64()
                guard offset % UInt64(alignment) == 0, offset <= UInt64(data.count), count <= UInt64(data.count) - offset else {
                    throw DSCError.malformedModel(".dscm: tensor \(i) '\(name)' data (offset \(offset), \(count) bytes) lies outside the DATA section or is misaligned")
                }
                constant = ConstantData(storage: storage, offset: data.offset + Int(offset), count: Int(count))
                if packed, let c = constant { constant = try unpacked(c, type: type, shape: shape, tensor: i, name: name) }
            }
            tensors.append(Tensor(name: name, type: type, shape: shape, quantization: quantization, data: constant))
        }
        try tc.finish()

        // GRPH.
        var g = cursor(.graph)
        let inputs = try g.indices("model input")
        let outputs = try g.indices("model output")
        try g.finish()

        // OPER.
        var oc = cursor(.operations)
        let opCount = try oc.count(minimumBytesEach: 16)
        var operations: [Operator] = []
        operations.reserveCapacity(opCount)
        for i in 0..<opCount {
            operations.append(try DSCMOperationCodec.read(&oc, index: i))
        }
        try oc.finish()

        return try Model(tensors: tensors, operations: operations, inputs: inputs, outputs: outputs,
                         metadata: metadata, format: "dscm")
    }

    /// Packed sub-byte data expanded to one element per byte in owned storage (the one case where a
    /// loaded model copies constants: its 4-bit weights, which the kernels read as bytes).
    static func unpacked(_ d: ConstantData, type: ElementType, shape: [Int], tensor i: Int, name: String) throws(DSCError) -> ConstantData {
        var count = 1
        for dim in shape {
            let (r, o) = count.multipliedReportingOverflow(by: dim)
            guard !o, r <= ModelValidator.maxTensorBytes else {
                throw DSCError.malformedModel(".dscm: tensor \(i) '\(name)' shape \(shape) is too large")
            }
            count = r
        }
        guard d.count == SubBytePacking.packedByteCount(count, type) else {
            throw DSCError.malformedModel(".dscm: tensor \(i) '\(name)' has \(d.count) bytes of packed data; \(count) \(type.name) elements need \(SubBytePacking.packedByteCount(count, type))")
        }
        let storage = try ByteStorage(zeroedCount: count)
        let ok = SubBytePacking.unpack(d.buffer, type: type,
                                       into: UnsafeMutableRawBufferPointer(mutating: storage.buffer))
        guard ok else { throw DSCError.malformedModel(".dscm: tensor \(i) '\(name)': the unused bits of its packed data are not zero") }
        return ConstantData(storage: storage, offset: 0, count: count)
    }

    static func hex(_ v: UInt32) -> String {
        let s = String(v, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, 8 - s.count)) + s
    }
}

/// A bounds-checked little-endian reader over one region of a `.dscm` file.
struct DSCMCursor {
    let bytes: UnsafeRawBufferPointer
    private(set) var position: Int
    let end: Int
    let what: String
    /// The file's format version (features of a later version are errors in an earlier one).
    var formatVersion: UInt32 = 1

    init(_ bytes: UnsafeRawBufferPointer, from: Int, to: Int, what: String) {
        self.bytes = bytes
        self.position = from
        self.end = to
        self.what = what
    }

    private mutating func take(_ n: Int) throws(DSCError) -> Int {
        guard n >= 0, end - position >= n else {
            throw DSCError.malformedModel(".dscm: \(what) is truncated (needs \(n) more bytes at offset \(position), \(end - position) left)")
        }
        let p = position
        position += n
        return p
    }

    mutating func u8() throws(DSCError) -> UInt8 { bytes[try take(1)] }
    mutating func u32() throws(DSCError) -> UInt32 { UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: try take(4), as: UInt32.self)) }
    mutating func i32() throws(DSCError) -> Int32 { Int32(bitPattern: try u32()) }
    mutating func u64() throws(DSCError) -> UInt64 { UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: try take(8), as: UInt64.self)) }
    mutating func i64() throws(DSCError) -> Int64 { Int64(bitPattern: try u64()) }
    mutating func bool() throws(DSCError) -> Bool {
        let b = try u8()
        guard b <= 1 else { throw DSCError.malformedModel(".dscm: \(what): boolean byte \(b) at offset \(position - 1)") }
        return b == 1
    }

    /// An element count, checked against the bytes left (each element needs at least `minimumBytesEach`).
    mutating func count(minimumBytesEach: Int) throws(DSCError) -> Int {
        let n = try u32()
        guard Int(n) <= (end - position) / max(minimumBytesEach, 1) else {
            throw DSCError.malformedModel(".dscm: \(what): count \(n) at offset \(position - 4) exceeds the remaining \(end - position) bytes")
        }
        return Int(n)
    }

    /// A 64-bit value that must fit a non-negative Int below 2^40 (and Int itself where it has 32 bits).
    func int(from v: Int64, _ field: String) throws(DSCError) -> Int {
        guard v >= 0, v < 1 << 40, let r = Int(exactly: v) else {
            throw DSCError.malformedModel(".dscm: \(what): \(field) \(v) out of range")
        }
        return r
    }

    mutating func string() throws(DSCError) -> String {
        let n = try count(minimumBytesEach: 1)
        let p = try take(n)
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[p..<(p + n)]), as: UTF8.self)
    }

    mutating func int32s() throws(DSCError) -> [Int32] {
        let n = try count(minimumBytesEach: 4)
        var a: [Int32] = []
        a.reserveCapacity(n)
        for _ in 0..<n { a.append(try i32()) }
        return a
    }

    /// A list of tensor indices (bounds are checked by the model validator).
    mutating func indices(_ field: String) throws(DSCError) -> [Int] {
        try int32s().map { Int($0) }
    }

    /// Throws unless the file's version is at least `minimum` (`what` names the feature).
    func requireVersion(_ minimum: UInt32, _ what: String) throws(DSCError) {
        guard formatVersion >= minimum else {
            throw DSCError.malformedModel(".dscm: \(what) needs format version \(minimum); the file is version \(formatVersion)")
        }
    }

    /// Every byte of the region must have been consumed.
    func finish() throws(DSCError) {
        guard position == end else {
            throw DSCError.malformedModel(".dscm: \(what) has \(end - position) unexpected trailing bytes")
        }
    }
}
