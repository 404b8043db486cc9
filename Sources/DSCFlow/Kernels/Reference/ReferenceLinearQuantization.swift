/// Reference QuantizeLinear and DequantizeLinear between float32 and 8 bits (ONNX Runtime's arithmetic,
/// `ORTArithmetic`); floats are read and written as little-endian bit patterns.
enum ReferenceLinearQuantization {
    static func quantize(_ p: LinearQuantizationParameters, input: UnsafeRawPointer, output: UnsafeMutableRawPointer,
                         count: Int, signed: Bool) {
        let lo: Int32 = signed ? -128 : 0, hi: Int32 = signed ? 127 : 255
        let out = output.assumingMemoryBound(to: UInt8.self)
        for i in 0..<count {
            let x = Float(bitPattern: UInt32(littleEndian: input.loadUnaligned(fromByteOffset: 4 &* i, as: UInt32.self)))
            out[i] = UInt8(truncatingIfNeeded: ORTArithmetic.quantize(x, scale: p.scale, zeroPoint: p.zeroPoint, min: lo, max: hi))
        }
    }

    static func dequantize(_ p: LinearQuantizationParameters, input: UnsafeRawPointer, output: UnsafeMutableRawPointer,
                           count: Int, signed: Bool) {
        let x = input.assumingMemoryBound(to: UInt8.self)
        for i in 0..<count {
            let q = signed ? Int32(Int8(bitPattern: x[i])) : Int32(x[i])
            let v = ORTArithmetic.dequantize(q, scale: p.scale, zeroPoint: p.zeroPoint)
            output.storeBytes(of: v.bitPattern.littleEndian, toByteOffset: 4 &* i, as: UInt32.self)
        }
    }
}
