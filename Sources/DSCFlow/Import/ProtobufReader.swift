/// One field of a protobuf message as the wire format stores it.
struct ProtobufField {
    /// The value by wire type (0 varint, 1 fixed64, 2 length-delimited, 5 fixed32).
    enum Value {
        case varint(UInt64)
        case fixed64(UInt64)
        /// The byte range of a length-delimited value (string, bytes, sub-message, packed repeated).
        case bytes(Range<Int>)
        case fixed32(UInt32)
    }

    /// The field number (1 ... 2^29 − 1).
    let number: Int
    let value: Value
}

/// A bounds-checked reader of the protobuf wire format over a range of bytes (a message or a nested
/// one). Nothing is copied; every read checks the range first, and every error says where (`path`, the
/// message's place in the file, and the byte offset) in one line. No Foundation, no generated code.
struct ProtobufReader {
    let bytes: UnsafeRawBufferPointer
    private(set) var position: Int
    let end: Int
    /// Where this message is (`ModelProto.graph.node[3]`), for messages.
    let path: String

    /// A reader of `range` of `bytes` (checked against the buffer).
    init(_ bytes: UnsafeRawBufferPointer, range: Range<Int>, path: String) throws(DSCError) {
        guard range.lowerBound >= 0, range.upperBound <= bytes.count else {
            throw ProtobufReader.error(path, "range \(range) outside the \(bytes.count)-byte file")
        }
        self.bytes = bytes
        self.position = range.lowerBound
        self.end = range.upperBound
        self.path = path
    }

    static func error(_ path: String, _ why: String) -> DSCError {
        .malformedModel("ONNX \(path): \(why)")
    }

    func fail(_ why: String) -> DSCError { Self.error(path, why) }

    /// The next field, or nil at the end of the message.
    mutating func next() throws(DSCError) -> ProtobufField? {
        guard position < end else { return nil }
        let at = position
        let key = try varint()
        let number = key >> 3
        guard number >= 1, number < 1 << 29 else { throw fail("field number \(number) at byte \(at)") }
        switch key & 7 {
        case 0: return ProtobufField(number: Int(number), value: .varint(try varint()))
        case 1:
            guard end - position >= 8 else { throw fail("truncated fixed64 field \(number) at byte \(at)") }
            let v = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self))
            position += 8
            return ProtobufField(number: Int(number), value: .fixed64(v))
        case 2:
            let length = try varint()
            guard length <= UInt64(end - position) else {
                throw fail("field \(number) at byte \(at) declares \(length) bytes; \(end - position) remain")
            }
            let r = position..<(position + Int(length))
            position = r.upperBound
            return ProtobufField(number: Int(number), value: .bytes(r))
        case 5:
            guard end - position >= 4 else { throw fail("truncated fixed32 field \(number) at byte \(at)") }
            let v = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt32.self))
            position += 4
            return ProtobufField(number: Int(number), value: .fixed32(v))
        case let t:
            throw fail("wire type \(t) (field \(number) at byte \(at)) is not supported")
        }
    }

    /// A base-128 varint of at most 10 bytes.
    private mutating func varint() throws(DSCError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        let start = position
        while true {
            guard position < end else { throw fail("truncated varint at byte \(start)") }
            let b = bytes[position]
            position += 1
            if shift == 63 && b > 1 { throw fail("varint at byte \(start) overflows 64 bits") }
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw fail("varint at byte \(start) is longer than 10 bytes") }
        }
    }

    // MARK: typed values of a field

    /// A varint field as int64 (two's complement, as protobuf stores negative int32/int64).
    func int64(_ f: ProtobufField, _ name: String) throws(DSCError) -> Int64 {
        guard case .varint(let v) = f.value else { throw fail("\(name) has wire type other than varint") }
        return Int64(bitPattern: v)
    }

    /// A varint field as an int in `range` (enums, small counts).
    func int(_ f: ProtobufField, _ name: String, in range: ClosedRange<Int64>) throws(DSCError) -> Int {
        let v = try int64(f, name)
        guard range.contains(v) else { throw fail("\(name) \(v) outside \(range.lowerBound)...\(range.upperBound)") }
        return Int(v)
    }

    /// A fixed32 field as float.
    func float(_ f: ProtobufField, _ name: String) throws(DSCError) -> Float {
        guard case .fixed32(let v) = f.value else { throw fail("\(name) has wire type other than fixed32") }
        return Float(bitPattern: v)
    }

    /// A length-delimited field's byte range.
    func range(_ f: ProtobufField, _ name: String) throws(DSCError) -> Range<Int> {
        guard case .bytes(let r) = f.value else { throw fail("\(name) has wire type other than length-delimited") }
        return r
    }

    /// A length-delimited field as a string (invalid UTF-8 is replaced, never trapped on).
    func string(_ f: ProtobufField, _ name: String) throws(DSCError) -> String {
        let r = try range(f, name)
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[r]), as: UTF8.self)
    }

    /// A reader of a sub-message field.
    func message(_ f: ProtobufField, _ name: String) throws(DSCError) -> ProtobufReader {
        try ProtobufReader(bytes, range: try range(f, name), path: path + "." + name)
    }

    /// Appends a repeated int64 field's values: one varint, or a packed run of them.
    func appendInt64s(_ f: ProtobufField, _ name: String, to out: inout [Int64]) throws(DSCError) {
        switch f.value {
        case .varint(let v): out.append(Int64(bitPattern: v))
        case .bytes(let r):
            var sub = try ProtobufReader(bytes, range: r, path: path + "." + name)
            while sub.position < sub.end { out.append(Int64(bitPattern: try sub.varint())) }
        default: throw fail("\(name) has wire type other than varint or packed")
        }
    }

    /// Appends a repeated float field's values: one fixed32, or a packed run of them.
    func appendFloats(_ f: ProtobufField, _ name: String, to out: inout [Float]) throws(DSCError) {
        switch f.value {
        case .fixed32(let v): out.append(Float(bitPattern: v))
        case .bytes(let r):
            guard r.count % 4 == 0 else { throw fail("packed \(name) has \(r.count) bytes, not a multiple of 4") }
            var i = r.lowerBound
            out.reserveCapacity(out.count + r.count / 4)
            while i < r.upperBound {
                out.append(Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: i, as: UInt32.self))))
                i += 4
            }
        default: throw fail("\(name) has wire type other than fixed32 or packed")
        }
    }
}
