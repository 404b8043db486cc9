/// Reference QLinearAdd: per element t = fma(a, Rac, fma(b, Rbc, F)) in float32, converted like
/// `cvtps2dq` (round half to even; NaN or out of int32 range gives INT32_MIN) and saturated to the
/// 8-bit type (`packssdw` + `packuswb`/`packsswb`).
enum ReferenceORTAdd {
    static func run(_ p: ORTAddParameters, a: UnsafeRawPointer, b: UnsafeRawPointer, output: UnsafeMutableRawPointer,
                    count: Int, signed: Bool) {
        let x = a.assumingMemoryBound(to: UInt8.self), y = b.assumingMemoryBound(to: UInt8.self)
        let out = output.assumingMemoryBound(to: UInt8.self)
        let lo: Int32 = signed ? -128 : 0, hi: Int32 = signed ? 127 : 255
        for i in 0..<count {
            let va = signed ? Float(Int8(bitPattern: x[i])) : Float(x[i])
            let vb = signed ? Float(Int8(bitPattern: y[i])) : Float(y[i])
            if p.floatPath {
                let t = p.a.scale * (va - Float(p.a.zeroPoint)) + p.b.scale * (vb - Float(p.b.zeroPoint))
                out[i] = UInt8(truncatingIfNeeded: ORTArithmetic.quantize(t, scale: p.c.scale, zeroPoint: p.c.zeroPoint, min: lo, max: hi))
                continue
            }
            let t = p.fixedPart.addingProduct(vb, p.ratioB).addingProduct(va, p.ratioA)
            out[i] = UInt8(truncatingIfNeeded: min(max(convertToInt32(t), lo), hi))
        }
    }

    /// `cvtps2dq` with the default rounding: round half to even; NaN and values outside int32 give
    /// the "integer indefinite" INT32_MIN.
    @inline(__always)
    static func convertToInt32(_ v: Float) -> Int32 {
        guard v.isFinite, v >= -2147483648.0, v < 2147483648.0 else { return Int32.min }
        return Int32(v.rounded(.toNearestOrEven))
    }
}
