/// Reference int8 Add with NumPy broadcasting (TFLite `reference_integer_ops::Add` /
/// `BroadcastAdd4DSlow`): both inputs shifted left by `leftShift`, scaled to a common scale,
/// summed, rescaled to the output.
enum ReferenceAdd {
    static func run<T: QuantizedElement>(_ p: AddParameters, rounding: RoundingMode,
                                         a: UnsafePointer<T>, aShape: [Int],
                                         b: UnsafePointer<T>, bShape: [Int],
                                         output: UnsafeMutablePointer<T>, outputShape: [Int]) {
        let out = Dims6(outputShape)
        let da = Dims6(aShape), db = Dims6(bShape)
        var sa = da.strides, sb = db.strides
        for i in 0..<6 {
            if da[i] == 1 { sa[i] = 0 }
            if db[i] == 1 { sb[i] = 0 }
        }
        let lo = max(p.activationMin, Int32(T.min)), hi = min(p.activationMax, Int32(T.max))
        var o = 0
        Dims6.forEach(out) { idx in
            let x1 = (Int32(a[idx.dot(sa)]) &+ p.input1Offset) &<< p.leftShift
            let x2 = (Int32(b[idx.dot(sb)]) &+ p.input2Offset) &<< p.leftShift
            let s1 = multiplyByQuantizedMultiplier(x1, p.input1Multiplier, p.input1Shift, rounding: rounding)
            let s2 = multiplyByQuantizedMultiplier(x2, p.input2Multiplier, p.input2Shift, rounding: rounding)
            let v = multiplyByQuantizedMultiplier(s1 &+ s2, p.outputMultiplier, p.outputShift, rounding: rounding)
                &+ p.outputOffset
            output[o] = T(truncatingIfNeeded: min(max(v, lo), hi))
            o &+= 1
        }
    }
}
