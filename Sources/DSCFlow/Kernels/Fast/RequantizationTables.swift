import CDSCFlowSIMD

/// Per-channel requantization tables of a fast kernel (`dscsimd_requant`: multiplier, shifts, masks,
/// narrow-form nudges) and the channel bias, `padded` entries each, in memory the packed operator owns.
struct RequantizationTables {
    var multiplier: UnsafeMutablePointer<Int32>
    var left: UnsafeMutablePointer<Int32>
    var right: UnsafeMutablePointer<Int32>
    var total: UnsafeMutablePointer<Int32>
    var bias: UnsafeMutablePointer<Int32>
    var mask: UnsafeMutablePointer<Int32>
    /// `dscsimd_requant.narrow_nudge` ([padded / 16][even 8, odd 8]), filled by `markNarrow`.
    var nudge: UnsafeMutablePointer<Int64>
    let padded: Int
    var flags: Int32 = 0

    /// Bytes the tables take for `padded` channels (a multiple of 16; the base 64-byte aligned).
    static func bytes(_ padded: Int) -> Int { 6 * 4 * padded + 8 * padded }

    init(_ base: UnsafeMutableRawPointer, padded: Int) {
        self.padded = padded
        let n = (base + 6 * 4 * padded).bindMemory(to: Int64.self, capacity: padded)
        n.initialize(repeating: 0, count: padded)
        nudge = n
        let p = base.bindMemory(to: Int32.self, capacity: 6 * padded)
        p.initialize(repeating: 0, count: 6 * padded)
        multiplier = p
        left = p + padded
        right = p + 2 * padded
        total = p + 3 * padded
        bias = p + 4 * padded
        mask = p + 5 * padded
    }

    /// Fills the first `count` entries from a TFLite requantizer (one entry broadcast, or one per
    /// channel); false when the requantizer has neither.
    mutating func fill(_ q: FixedPointRequantizer, count: Int) -> Bool {
        guard q.multipliers.count == 1 || q.multipliers.count == count,
              q.shifts.count == 1 || q.shifts.count == count else { return false }
        for c in 0..<count {
            let m = q.multipliers[q.multipliers.count == 1 ? 0 : c]
            let s = Int64(q.shifts[q.shifts.count == 1 ? 0 : c])
            multiplier[c] = m
            left[c] = Int32(truncatingIfNeeded: (s > 0 ? s : 0) & 31)
            right[c] = Int32(min(s > 0 ? 0 : -s, 31))
            total[c] = Int32(31 - min(max(s, -31), 30))
            mask[c] = Int32(truncatingIfNeeded: (Int64(1) << Int64(right[c])) - 1)
            if left[c] != 0 { flags |= Int32(DSCSIMD_RQ_LEFT_SHIFT) }
            if m == Int32.min { flags |= Int32(DSCSIMD_RQ_MIN_MULTIPLIER) }
        }
        return true
    }

    /// Sets DSCSIMD_RQ_NARROW when every channel's requantization fits the kernels' narrow form:
    /// multiplier >= 0, no left shift, right shift r in 1...30, and |acc| + 2^(r-1) + |zp| * 2^r + 2
    /// < 2^31 for every accumulator the channel can produce (`bound(c)` is the largest |acc|).
    mutating func markNarrow(count: Int, zeroPoint: Int32, bound: (Int) -> Int) {
        for c in 0..<count {
            guard multiplier[c] >= 0, left[c] == 0,
                  dscsimd_narrow_fits(Int64(bound(c)), right[c], zeroPoint) != 0 else { return }
        }
        flags |= Int32(DSCSIMD_RQ_NARROW)
        for e in 0..<padded {
            let r = Int64(right[e])
            let k = (r > 0 ? Int64(1) << (r - 1) : 0) + Int64(zeroPoint) << r
            let lane = e % 16
            nudge[e / 16 * 16 + (lane % 2 == 0 ? lane / 2 : 8 + lane / 2)] = (Int64(1) << 30) &+ k &* (Int64(1) << 31)
        }
    }

    /// Entry `e` becomes `source`'s channel `c` (bias and requantization), for tables laid out
    /// in another order or repeated with a period.
    func copyEntry(_ e: Int, from source: RequantizationTables, channel c: Int) {
        bias[e] = source.bias[c]
        multiplier[e] = source.multiplier[c]
        left[e] = source.left[c]
        right[e] = source.right[c]
        total[e] = source.total[c]
        mask[e] = source.mask[c]
    }

    /// The kernel argument for requantizer `q` in the session's rounding.
    func requant(_ q: FixedPointRequantizer, rounding: RoundingMode) -> dscsimd_requant {
        dscsimd_requant(multiplier: multiplier, left_shift: left, right_shift: right, total_shift: total,
                        right_mask: mask, flags: flags, zero_point: q.outputZeroPoint, lo: q.activationMin,
                        hi: q.activationMax, single_rounding: rounding == .single ? 1 : 0,
                        narrow_nudge: flags & Int32(DSCSIMD_RQ_NARROW) != 0 ? UnsafePointer(nudge) : nil)
    }
}

/// Small helpers the packings share.
enum FastPacking {
    /// The largest magnitude of a fast kernel's accumulator `bias + sum(u8 * w)` over inputs u8 in 0...255
    /// (the bias with the zero-point correction folded in), for DSCSIMD_RQ_NARROW.
    static func accumulatorBound<W: Sequence>(bias: Int32, weights: W) -> Int where W.Element == Int8 {
        var positive = 0, negative = 0
        for w in weights {
            if w > 0 { positive += Int(w) } else { negative += Int(w) }
        }
        return max(abs(Int(bias) + 255 * positive), abs(Int(bias) + 255 * negative))
    }

    /// 64-byte aligned memory for a packed operator (at least 64 bytes).
    static func allocate(_ bytes: Int) -> UnsafeMutableRawPointer {
        UnsafeMutableRawPointer.allocate(byteCount: max(bytes, 64), alignment: 64)
    }

    /// `v` fits a C `int32_t` argument and is not negative.
    static func fits(_ v: Int) -> Bool { v >= 0 && v <= Int(Int32.max) }

    /// The C kernels compute window coordinates in 32-bit ints: every coordinate they can form
    /// (output position × stride − padding + tap × dilation) must stay far from overflow.
    static func windowFits(_ w: Window2D, input: Shape4, output: Shape4) -> Bool {
        let limit = 1 << 29
        func axis(_ inSize: Int, _ outSize: Int, _ k: Int, _ s: Int, _ d: Int, _ pad: Int) -> Bool {
            guard inSize < limit, outSize < limit, k < limit, s < limit, d < limit, pad < limit else { return false }
            let (span, o1) = (k - 1).multipliedReportingOverflow(by: d)
            let (reach, o2) = (outSize - 1).multipliedReportingOverflow(by: s)
            return !o1 && !o2 && span < limit && reach < limit && reach + span + pad < limit
        }
        return axis(input.h, output.h, w.kernelHeight, w.strideHeight, w.dilationHeight, w.padTop + w.padBottom)
            && axis(input.w, output.w, w.kernelWidth, w.strideWidth, w.dilationWidth, w.padLeft + w.padRight)
    }

    /// Why a fast kernel cannot take an operator's input/output element types (nil: it can), for the
    /// kernels over int8/uint8 activations.
    static func byteActivations(_ c: OperatorContext) -> String? {
        let input = c.input(), output = c.output
        if input.isConstant { return "constant input" }
        for t in [input, output] where t.type != .int8 && t.type != .uint8 {
            return "\(t.type.name) tensor '\(t.name)'"
        }
        return nil
    }
}
