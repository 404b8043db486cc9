/// Sub-byte values packed densely into bytes, as `.dscm` stores 4-bit constants (docs/FORMAT.md):
/// element i occupies bits (i·b) mod 8 … (i·b) mod 8 + b − 1 of byte ⌊i·b / 8⌋ for b-bit elements, so
/// for 4 bits element 2i is the low nibble and element 2i+1 the high nibble of byte i (the order of
/// TFLite's and ONNX's packed int4). Unused bits of the last byte are zero. In memory DSCFlow holds one
/// element per byte (`ElementType`); these functions convert between the two forms.
public enum SubBytePacking {
    /// Bytes that `count` packed elements of `type` take (`type` sub-byte; `count` ≥ 0, no overflow
    /// for counts a validated tensor can have).
    public static func packedByteCount(_ count: Int, _ type: ElementType) -> Int {
        (count &* type.bitWidth &+ 7) / 8
    }

    /// The packed bytes of `values`, one element of the sub-byte `type` per byte as held in memory
    /// (each byte's low `bitWidth` bits are taken).
    public static func pack(_ values: UnsafeRawBufferPointer, type: ElementType) -> [UInt8] {
        let bits = type.bitWidth
        let mask = UInt8(truncatingIfNeeded: (1 << bits) - 1)
        var out = [UInt8](repeating: 0, count: packedByteCount(values.count, type))
        for i in 0..<values.count {
            let bit = i &* bits
            out[bit / 8] |= (values[i] & mask) << UInt8(bit % 8)
        }
        return out
    }

    /// Writes the `out.count` elements held packed in `packed` one per byte (sign-extended for signed
    /// types). Returns false, writing nothing defined, when `packed` does not have exactly
    /// `packedByteCount(out.count, type)` bytes or the unused bits of its last byte are not zero.
    public static func unpack(_ packed: UnsafeRawBufferPointer, type: ElementType,
                              into out: UnsafeMutableRawBufferPointer) -> Bool {
        let bits = type.bitWidth
        guard bits < 8, packed.count == packedByteCount(out.count, type) else { return false }
        let used = out.count &* bits % 8
        if used != 0, let last = packed.last, last >> UInt8(used) != 0 { return false }
        let mask = UInt8(truncatingIfNeeded: (1 << bits) - 1)
        let signed = type.range.lowerBound < 0
        let spare = UInt8(8 - bits)
        for i in 0..<out.count {
            let bit = i &* bits
            let v = (packed[bit / 8] >> UInt8(bit % 8)) & mask
            // Sign extension: the value's top bit moved to bit 7, then an arithmetic shift back.
            out[i] = signed ? UInt8(bitPattern: Int8(bitPattern: v << spare) >> Int8(spare)) : v
        }
        return true
    }
}
