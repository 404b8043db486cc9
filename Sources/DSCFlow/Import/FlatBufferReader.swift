/// A small, bounds-checked FlatBuffers reader: tables, vtables, vectors and strings, little-endian.
/// Every read checks its offset against the buffer, so hostile files give errors, never traps.
struct FlatBufferReader {
    let bytes: UnsafeRawBufferPointer
    /// A name for messages ("TFLite model").
    let what: String

    init(_ bytes: UnsafeRawBufferPointer, what: String) {
        self.bytes = bytes
        self.what = what
    }

    func fail(_ why: String) -> DSCError { .malformedModel("\(what): \(why)") }

    @inline(__always)
    func check(_ offset: Int, _ size: Int) throws(DSCError) {
        guard offset >= 0, size >= 0, offset <= bytes.count, size <= bytes.count - offset else {
            throw fail("offset \(offset) (+\(size) bytes) outside the \(bytes.count)-byte buffer")
        }
    }

    func u8(_ o: Int) throws(DSCError) -> UInt8 { try check(o, 1); return bytes[o] }
    func u16(_ o: Int) throws(DSCError) -> UInt16 { try check(o, 2); return UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: o, as: UInt16.self)) }
    func i32(_ o: Int) throws(DSCError) -> Int32 { try check(o, 4); return Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: o, as: Int32.self)) }
    func u32(_ o: Int) throws(DSCError) -> UInt32 { try check(o, 4); return UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: o, as: UInt32.self)) }
    func i64(_ o: Int) throws(DSCError) -> Int64 { try check(o, 8); return Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: o, as: Int64.self)) }
    func u64(_ o: Int) throws(DSCError) -> UInt64 { try check(o, 8); return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: o, as: UInt64.self)) }
    func f32(_ o: Int) throws(DSCError) -> Float { Float(bitPattern: try u32(o)) }

    /// The root table (uoffset at byte 0).
    func root() throws(DSCError) -> Table {
        let off = Int(try u32(0))
        return try table(at: off)
    }

    func table(at pos: Int) throws(DSCError) -> Table {
        try check(pos, 4)
        let vt = pos - Int(try i32(pos))
        try check(vt, 4)
        let vtSize = Int(try u16(vt))
        guard vtSize >= 4, vtSize % 2 == 0 else { throw fail("vtable at \(vt) has size \(vtSize)") }
        try check(vt, vtSize)
        let tableSize = Int(try u16(vt + 2))
        try check(pos, tableSize)
        return Table(reader: self, position: pos, vtable: vt, vtableSize: vtSize, tableSize: tableSize)
    }

    struct Table {
        let reader: FlatBufferReader
        let position: Int
        let vtable: Int
        let vtableSize: Int
        let tableSize: Int

        /// Byte position of field `id`, or nil when absent (default value applies).
        func fieldPosition(_ id: Int) throws(DSCError) -> Int? {
            let slot = 4 + 2 * id
            if slot + 2 > vtableSize { return nil }
            let off = Int(try reader.u16(vtable + slot))
            if off == 0 { return nil }
            guard off < tableSize || tableSize == 0 else { throw reader.fail("field \(id) offset \(off) beyond its table") }
            return position + off
        }

        /// Field `id` read as a scalar by `read` at its position, or `d` when the table omits it.
        private func scalar<T>(_ id: Int, _ d: T, _ read: (Int) throws(DSCError) -> T) throws(DSCError) -> T {
            guard let p = try fieldPosition(id) else { return d }
            return try read(p)
        }
        func u8(_ id: Int, default d: UInt8 = 0) throws(DSCError) -> UInt8 { try scalar(id, d, reader.u8) }
        func bool(_ id: Int, default d: Bool = false) throws(DSCError) -> Bool { try u8(id, default: d ? 1 : 0) != 0 }
        func i32(_ id: Int, default d: Int32 = 0) throws(DSCError) -> Int32 { try scalar(id, d, reader.i32) }
        func u32(_ id: Int, default d: UInt32 = 0) throws(DSCError) -> UInt32 { try scalar(id, d, reader.u32) }
        func u64(_ id: Int, default d: UInt64 = 0) throws(DSCError) -> UInt64 { try scalar(id, d, reader.u64) }
        func f32(_ id: Int, default d: Float = 0) throws(DSCError) -> Float { try scalar(id, d, reader.f32) }

        /// Follows the uoffset stored at field `id`.
        private func indirect(_ id: Int) throws(DSCError) -> Int? {
            guard let p = try fieldPosition(id) else { return nil }
            let target = p + Int(try reader.u32(p))
            try reader.check(target, 0)
            return target
        }

        func table(_ id: Int) throws(DSCError) -> Table? {
            guard let t = try indirect(id) else { return nil }
            return try reader.table(at: t)
        }

        /// A vector field: element count and the position of its first element.
        func vector(_ id: Int, elementSize: Int) throws(DSCError) -> Vector? {
            guard let v = try indirect(id) else { return nil }
            let count = Int(try reader.u32(v))
            let (bytes, o) = count.multipliedReportingOverflow(by: elementSize)
            if o { throw reader.fail("vector of \(count) elements overflows") }
            try reader.check(v + 4, bytes)
            return Vector(reader: reader, start: v + 4, count: count, elementSize: elementSize)
        }

        func string(_ id: Int) throws(DSCError) -> String? {
            guard let v = try vector(id, elementSize: 1) else { return nil }
            return String(decoding: UnsafeRawBufferPointer(rebasing: reader.bytes[v.start ..< v.start + v.count]), as: UTF8.self)
        }

        func int32s(_ id: Int) throws(DSCError) -> [Int32] {
            guard let v = try vector(id, elementSize: 4) else { return [] }
            return try (0..<v.count).map { (k) throws(DSCError) in try reader.i32(v.start + 4 * k) }
        }
        func int64s(_ id: Int) throws(DSCError) -> [Int64] {
            guard let v = try vector(id, elementSize: 8) else { return [] }
            return try (0..<v.count).map { (k) throws(DSCError) in try reader.i64(v.start + 8 * k) }
        }
        func floats(_ id: Int) throws(DSCError) -> [Float] {
            guard let v = try vector(id, elementSize: 4) else { return [] }
            return try (0..<v.count).map { (k) throws(DSCError) in try reader.f32(v.start + 4 * k) }
        }
        /// Tables of a vector of tables.
        func tables(_ id: Int) throws(DSCError) -> [Table] {
            guard let v = try vector(id, elementSize: 4) else { return [] }
            return try (0..<v.count).map { (k) throws(DSCError) in
                let p = v.start + 4 * k
                return try reader.table(at: p + Int(try reader.u32(p)))
            }
        }
    }

    struct Vector {
        let reader: FlatBufferReader
        let start: Int
        let count: Int
        let elementSize: Int
    }
}
