/// One zero entry for requantizers without a table (a global, so taking its address never allocates).
private let zeroTable: [Int32] = [0]

/// A requantizer unpacked for a kernel's inner loop: raw pointers to the per-channel tables, so that
/// applying it touches no reference counts and allocates nothing.
package struct ChannelRequantizer {
    package enum Mode { case fixedPoint, mulShift, raw, multiplyAddShift }
    package let mode: Mode
    package let multipliers: UnsafePointer<Int32>
    package let multiplierStride: Int
    package let shifts: UnsafePointer<Int32>
    package let shiftStride: Int
    package let zeroPoint: Int32
    package let lo: Int32
    package let hi: Int32
    package let mulShiftShift: Int64
    package let relu: Bool
    package let rounding: RoundingMode
    /// `.multiplyAddShift`: the addends A[c] (`multipliers` holds M[c], `mulShiftShift` the shift, `hi` the clip).
    package var addends: UnsafePointer<Int32>? = nil
    package var addendStride = 0

    /// acc (bias already added) → output value of channel `c`.
    @inline(__always)
    package func apply(_ acc: Int32, channel c: Int) -> Int32 {
        switch mode {
        case .fixedPoint:
            let m = multipliers[c &* multiplierStride]
            let s = shifts[c &* shiftStride]
            let v = multiplyByQuantizedMultiplier(acc, m, s, rounding: rounding) &+ zeroPoint
            return min(max(v, lo), hi)
        case .mulShift:
            var q = Int64(acc)
            if relu && q < 0 { q = 0 }
            let v = (q &* Int64(multipliers[c &* multiplierStride])) >> mulShiftShift
            return Int32(min(max(v, Int64(lo)), Int64(hi)))
        case .raw:
            return acc
        case .multiplyAddShift:
            let a = addends.map { $0[c &* addendStride] } ?? 0
            return MultiplyAddShiftRequantizer.apply(acc, multiplier: multipliers[c &* multiplierStride], addend: a,
                                                     shift: Int32(truncatingIfNeeded: mulShiftShift), outputMax: hi)
        }
    }

    /// Calls `body` with the requantizer's tables pinned.
    package static func with<R, E: Error>(_ r: Requantizer, rounding: RoundingMode, _ body: (ChannelRequantizer) throws(E) -> R) throws(E) -> R {
        switch r {
        case .fixedPoint(let q):
            return try q.multipliers.withUnsafeBufferPointer { (m) throws(E) in
                try q.shifts.withUnsafeBufferPointer { (s) throws(E) in
                    try body(ChannelRequantizer(mode: .fixedPoint, multipliers: m.baseAddress!,
                                                multiplierStride: m.count == 1 ? 0 : 1, shifts: s.baseAddress!,
                                                shiftStride: s.count == 1 ? 0 : 1, zeroPoint: q.outputZeroPoint,
                                                lo: q.activationMin, hi: q.activationMax, mulShiftShift: 0,
                                                relu: false, rounding: rounding))
                }
            }
        case .mulShift(let q):
            return try q.multipliers.withUnsafeBufferPointer { (m) throws(E) in
                try zeroTable.withUnsafeBufferPointer { (z) throws(E) in
                    try body(ChannelRequantizer(mode: .mulShift, multipliers: m.baseAddress!,
                                                multiplierStride: m.count == 1 ? 0 : 1, shifts: z.baseAddress!,
                                                shiftStride: 0, zeroPoint: 0, lo: q.outputMin, hi: q.outputMax,
                                                mulShiftShift: Int64(q.shift), relu: q.reluBeforeMultiply,
                                                rounding: rounding))
                }
            }
        case .multiplyAddShift(let q):
            return try q.multipliers.withUnsafeBufferPointer { (m) throws(E) in
                try q.addends.withUnsafeBufferPointer { (a) throws(E) in
                    try zeroTable.withUnsafeBufferPointer { (z) throws(E) in
                        try body(ChannelRequantizer(mode: .multiplyAddShift, multipliers: m.baseAddress!,
                                                    multiplierStride: m.count == 1 ? 0 : 1, shifts: z.baseAddress!,
                                                    shiftStride: 0, zeroPoint: 0, lo: 0, hi: q.outputMax,
                                                    mulShiftShift: Int64(q.shift), relu: true, rounding: rounding,
                                                    addends: a.baseAddress!, addendStride: a.count == 1 ? 0 : 1))
                    }
                }
            }
        case .none:
            return try zeroTable.withUnsafeBufferPointer { (z) throws(E) in
                try body(ChannelRequantizer(mode: .raw, multipliers: z.baseAddress!, multiplierStride: 0,
                                            shifts: z.baseAddress!, shiftStride: 0, zeroPoint: 0, lo: Int32.min,
                                            hi: Int32.max, mulShiftShift: 0, relu: false, rounding: rounding))
            }
        }
    }
}

/// Accumulator arithmetic shared by the conv-like reference kernels.
package struct AccumulatorRule {
    package let saturating: Bool
    package let lo: Int64
    package let hi: Int64
    package let block: Int

    package init(_ a: Accumulator) {
        switch a {
        case .int32:
            saturating = false; lo = 0; hi = 0; block = Int.max
        case .saturating(let bits, let channelBlock):
            saturating = true
            lo = -(Int64(1) << Int64(bits - 1))
            hi = (Int64(1) << Int64(bits - 1)) - 1
            block = channelBlock
        }
    }

    /// acc ← acc + partial: wrapping to 32 bits, or saturating to the accumulator's width.
    @inline(__always)
    package func add(_ acc: Int64, _ partial: Int64) -> Int64 {
        if saturating { return min(max(acc &+ partial, lo), hi) }
        return Int64(Int32(truncatingIfNeeded: acc &+ partial))
    }

    /// acc + Σ product(i) for i < count, folding the partial sum into the accumulator after every
    /// block of `block` terms and after the last (the order the SkrSkr pointwise engine saturates in).
    @inline(__always)
    package func accumulate(_ start: Int64, count: Int, _ product: (Int) -> Int64) -> Int64 {
        var acc = start, partial: Int64 = 0, inBlock = 0
        for i in 0..<count {
            partial &+= product(i)
            inBlock &+= 1
            if inBlock == block {
                acc = add(acc, partial)
                partial = 0
                inBlock = 0
            }
        }
        return inBlock > 0 ? add(acc, partial) : acc
    }
}
