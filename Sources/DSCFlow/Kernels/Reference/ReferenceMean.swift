/// Reference Mean (TFLite Micro `QuantizedMeanOrSum`, integer path): per output,
/// `MBQM(sum − zp_in·n, M', S') + zp_out` clamped, where (M, S) = QuantizeMultiplier(s_in/s_out),
/// k = min(63 − clz64(n), 32, 31 + S), M' = (M << k) / n, S' = S − k.
enum ReferenceMean {
    static func run<T: QuantizedElement>(_ p: MeanParameters, rounding: RoundingMode,
                                         input: UnsafePointer<T>, inputShape: [Int],
                                         output: UnsafeMutablePointer<T>) {
        let dims = Dims6(inputShape)
        let offset = 6 - inputShape.count
        var kept = dims, reduced = Dims6()
        for a in p.axes {
            kept[offset + a] = 1
            reduced[offset + a] = dims[offset + a]
        }
        let strides = dims.strides
        let n = Int64(reduced.product)
        var k = 63 - UInt64(n).leadingZeroBitCount
        k = min(k, 32)
        k = min(k, 31 + Int(p.shift))
        let multiplier = Int32(truncatingIfNeeded: (Int64(p.multiplier) << Int64(max(k, 0))) / n)
        let shift = p.shift - Int32(max(k, 0))
        let lo = Int32(T.min), hi = Int32(T.max)
        var o = 0
        Dims6.forEach(kept) { outer in
            let base = outer.dot(strides)
            var sum: Int32 = 0
            Dims6.forEach(reduced) { inner in
                sum &+= Int32(input[base &+ inner.dot(strides)])
            }
            let shifted = sum &- p.inputZeroPoint &* Int32(truncatingIfNeeded: n)
            let v = multiplyByQuantizedMultiplier(shifted, multiplier, shift, rounding: rounding) &+ p.outputZeroPoint
            output[o] = T(truncatingIfNeeded: min(max(v, lo), hi))
            o &+= 1
        }
    }
}
