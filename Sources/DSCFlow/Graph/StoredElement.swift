extension UnsafeRawBufferPointer {
    /// Element `i` of raw tensor bytes holding `type` values (little-endian), sign- or
    /// zero-extended. The caller guarantees `(i + 1) · type.byteSize <= count`.
    @inlinable public func element(_ i: Int, as type: ElementType) -> Int32 {
        switch type {
        case .int8, .int4: return Int32(Int8(bitPattern: self[i]))
        case .uint8, .uint4: return Int32(self[i])
        case .int16: return Int32(Int16(littleEndian: loadUnaligned(fromByteOffset: 2 * i, as: Int16.self)))
        case .int32: return Int32(littleEndian: loadUnaligned(fromByteOffset: 4 * i, as: Int32.self))
        }
    }
}
