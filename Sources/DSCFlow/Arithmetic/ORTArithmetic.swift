/// ONNX Runtime's CPU arithmetic on scalars, as its MLAS kernels compute it (docs/ONNX.md, "Arithmetic").
/// Every function is one float32 operation per step in ONNX Runtime's order; Swift never fuses a
/// multiply and an add on its own, so each rounding happens where ONNX Runtime's does.
package enum ORTArithmetic {
    /// `_mm_max_ps(v, lo)` then `_mm_min_ps(·, hi)`: a NaN `v` becomes `lo` (MAXPS returns its second
    /// operand when the first is NaN).
    @inline(__always)
    package static func clamp(_ v: Float, _ lo: Float, _ hi: Float) -> Float {
        let a = v > lo ? v : lo
        return a < hi ? a : hi
    }

    /// MlasRequantizeOutput on one value: roundHalfEven(clamp(Float(acc) · scale, min − zp, max − zp)) + zp.
    @inline(__always)
    package static func requantize(_ acc: Int32, scale: Float, zeroPoint: Int32, min: Int32, max: Int32) -> Int32 {
        let v = clamp(Float(acc) * scale, Float(min &- zeroPoint), Float(max &- zeroPoint))
        return Int32(v.rounded(.toNearestOrEven)) &+ zeroPoint
    }

    /// QuantizeLinear (MlasQuantizeLinear): roundHalfEven(clamp(x / scale, min − zp, max − zp)) + zp,
    /// with a division (not a multiplication by the reciprocal).
    @inline(__always)
    package static func quantize(_ x: Float, scale: Float, zeroPoint: Int32, min: Int32, max: Int32) -> Int32 {
        let v = clamp(x / scale, Float(min &- zeroPoint), Float(max &- zeroPoint))
        return Int32(v.rounded(.toNearestOrEven)) &+ zeroPoint
    }

    /// DequantizeLinear: Float(q − zp) · scale (one rounding; exact conversion for 8-bit q).
    @inline(__always)
    package static func dequantize(_ q: Int32, scale: Float, zeroPoint: Int32) -> Float {
        Float(q &- zeroPoint) * scale
    }

    /// The lookup table ONNX Runtime builds for a requantizing byte copy (QLinearConcat's
    /// `QlinearBuildLookupTable`; a DequantizeLinear → QuantizeLinear pair computes the same):
    /// entry v = QuantizeLinear(x_scale · (v − x_zp)) for every raw byte v of the input type.
    package static func requantizationTable(inputSigned: Bool, inputScale: Float, inputZeroPoint: Int32,
                                            outputSigned: Bool, outputScale: Float, outputZeroPoint: Int32,
                                            transform: (Float) -> Float = { $0 }) -> [UInt8] {
        let lo: Int32 = outputSigned ? -128 : 0, hi: Int32 = outputSigned ? 127 : 255
        return (0..<256).map { b -> UInt8 in
            let v = inputSigned ? Int32(Int8(truncatingIfNeeded: b)) : Int32(b)
            let x = transform(inputScale * Float(v &- inputZeroPoint))
            return UInt8(truncatingIfNeeded: quantize(x, scale: outputScale, zeroPoint: outputZeroPoint, min: lo, max: hi))
        }
    }
}
