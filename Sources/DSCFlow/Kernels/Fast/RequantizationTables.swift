import CDSCFlowSIMD

/// Per-channel requantization tables of a fast kernel (`dscsimd_requant`: multiplier, shifts, masks,
/// narrow-form nudges), the channel bias and the bias a saturating accumulator adds after its clamp,
/// `padded` entries each, in memory the packed operator owns.
struct RequantizationTables {
    var multiplier: UnsafeMutablePointer<Int32>
    var left: UnsafeMutablePointer<Int32>
    var right: UnsafeMutablePointer<Int32>
    var total: UnsafeMutablePointer<Int32>
    var bias: UnsafeMutablePointer<Int32>
    var mask: UnsafeMutablePointer<Int32>
    /// `dscsimd_requant.post_bias` (saturating accumulators).
    var postBias: UnsafeMutablePointer<Int32>
    /// `dscsimd_requant.addend` (the multiply-add-shift requantizer's A[c]).
    var addend: UnsafeMutablePointer<Int32>
    /// `dscsimd_requant.narrow_nudge` ([padded / 16][even 8, odd 8]), filled by `markNarrow`.
    var nudge: UnsafeMutablePointer<Int64>
    let padded: Int
    var flags: Int32 = 0

    /// Bytes the tables take for `padded` channels (a multiple of 16; the base 64-byte aligned).
    static func bytes(_ padded: Int) -> Int { 8 * 4 * padded + 8 * padded }

    init(_ base: UnsafeMutableRawPointer, padded: Int) {
        self.padded = padded
        let n = (base + 8 * 4 * padded).bindMemory(to: Int64.self, capacity: padded)
        n.initialize(repeating: 0, count: padded)
        nudge = n
        let p = base.bindMemory(to: Int32.self, capacity: 8 * padded)
        p.initialize(repeating: 0, count: 8 * padded)
        multiplier = p
        left = p + padded
        right = p + 2 * padded
        total = p + 3 * padded
        bias = p + 4 * padded
        mask = p + 5 * padded
        postBias = p + 6 * padded
        addend = p + 7 * padded
    }

    /// Fills the first `count` entries from a requantizer (one entry broadcast, or one per channel):
    /// TFLite's multipliers and shifts, mul-shift's multipliers, ONNX Runtime's float scales (their bit
    /// patterns in `multiplier`, which `dscsimd_requant.ort_scale` then points at), nothing for the raw
    /// one; false when it has neither one entry nor `count`.
    mutating func fill(_ r: Requantizer, count: Int) -> Bool {
        switch r {
        case .fixedPoint(let q):
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
        case .mulShift(let q):
            guard q.multipliers.count == 1 || q.multipliers.count == count else { return false }
            for c in 0..<count { multiplier[c] = q.multipliers[q.multipliers.count == 1 ? 0 : c] }
            // DSCSIMD_RQ_MULSHIFT_NARROW: the cap of each channel (in `right`), multipliers >= 0.
            let s = Int64(q.shift), hi = Int64(q.outputMax)
            var narrow = q.reluBeforeMultiply && q.outputMin >= 0 && q.outputMax >= q.outputMin && s <= 30
            var caps = [Int32](repeating: 0, count: count)
            for c in 0..<count where narrow {
                let m = Int64(max(multiplier[c], 0))
                guard m > 0 else { continue }
                let limit = (hi + 1) << s
                let cap = (limit + m - 1) / m
                if cap * m >= Int64(1) << 31 || cap > Int64(Int32.max) { narrow = false } else { caps[c] = Int32(cap) }
            }
            if narrow {
                flags |= Int32(DSCSIMD_RQ_MULSHIFT_NARROW)
                for c in 0..<count {
                    right[c] = caps[c]
                    multiplier[c] = max(multiplier[c], 0)
                }
            }
        case .ortFloat(let q):
            guard q.scales.count == 1 || q.scales.count == count else { return false }
            for c in 0..<count { multiplier[c] = Int32(bitPattern: q.scales[q.scales.count == 1 ? 0 : c].bitPattern) }
        case .none:
            break
        case .multiplyAddShift(let q):
            guard q.multipliers.count == 1 || q.multipliers.count == count, q.addends.count == q.multipliers.count else { return false }
            for c in 0..<count {
                multiplier[c] = q.multipliers[q.multipliers.count == 1 ? 0 : c]
                addend[c] = q.addends[q.addends.count == 1 ? 0 : c]
            }
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
        postBias[e] = source.postBias[c]
        addend[e] = source.addend[c]
    }

    /// The kernel argument for requantizer `r` after an accumulator `sat` (nil: wrapping int32) in the
    /// session's rounding.
    func requant(_ r: Requantizer, saturation sat: FastSaturation?, rounding: RoundingMode) -> dscsimd_requant {
        var a = dscsimd_requant()
        a.multiplier = UnsafePointer(multiplier)
        a.left_shift = UnsafePointer(left)
        a.right_shift = UnsafePointer(right)
        a.total_shift = UnsafePointer(total)
        a.right_mask = UnsafePointer(mask)
        a.flags = flags
        a.single_rounding = rounding == .single ? 1 : 0
        a.narrow_nudge = flags & Int32(DSCSIMD_RQ_NARROW) != 0 ? UnsafePointer(nudge) : nil
        switch r {
        case .fixedPoint(let q):
            a.mode = Int32(DSCSIMD_RQ_MODE_TFLITE)
            a.zero_point = q.outputZeroPoint; a.lo = q.activationMin; a.hi = q.activationMax
        case .mulShift(let q):
            a.mode = Int32(DSCSIMD_RQ_MODE_MULSHIFT)
            a.mulshift_shift = q.shift; a.mulshift_relu = q.reluBeforeMultiply ? 1 : 0
            a.mulshift_cap = UnsafePointer(right)
            a.lo = q.outputMin; a.hi = q.outputMax
        case .none:
            a.mode = Int32(DSCSIMD_RQ_MODE_RAW)
        case .ortFloat(let q):
            a.mode = Int32(DSCSIMD_RQ_MODE_ORT)
            a.zero_point = q.outputZeroPoint; a.lo = q.outputMin; a.hi = q.outputMax
            a.ort_scale = UnsafeRawPointer(multiplier).assumingMemoryBound(to: Float.self)
        case .multiplyAddShift(let q):
            a.mode = Int32(DSCSIMD_RQ_MODE_MULADDSHIFT)
            a.mulshift_shift = q.shift
            a.addend = UnsafePointer(addend)
            a.lo = 0; a.hi = q.outputMax
        }
        if let sat {
            a.saturate = 1
            a.sat_lo = sat.lo; a.sat_hi = sat.hi
            a.post_bias = UnsafePointer(postBias)
        }
        return a
    }
}

/// A saturating accumulator as the fast kernels take it: clamped to [lo, hi] after every block of
/// `channelBlock` input channels (per tap) and at the end, starting from 0, the bias added after.
struct FastSaturation {
    let lo: Int32, hi: Int32
    let channelBlock: Int

    /// The kernels' form of `a`, or the reason they cannot take it: at most 30 bits (so the int32
    /// accumulator plus one block's products cannot wrap), blocks a multiple of 4 channels (the
    /// kernels' groups), and no zero-point correction (the kernels' accumulator must start at 0: input
    /// offset 0 for uint8, 128 for int8, which the kernels flip to uint8).
    /// `wholeWindow`: depthwise, whose window is one block whatever `channelBlock` says.
    static func make(_ a: Accumulator, inputOffset: Int32, inputType: ElementType,
                     wholeWindow: Bool = false) -> Result<FastSaturation?, FastDecline> {
        guard case .saturating(let bits, let block) = a else { return .success(nil) }
        guard bits <= 30 else { return .failure(FastDecline("\(bits)-bit saturating accumulator")) }
        guard wholeWindow || block % 4 == 0 else { return .failure(FastDecline("saturation every \(block) channels (not a multiple of 4)")) }
        guard inputOffset == (inputType.isUnsigned ? 0 : 128) else {
            return .failure(FastDecline("saturating accumulator with input offset \(inputOffset)"))
        }
        return .success(FastSaturation(lo: -(Int32(1) << (bits - 1)), hi: (Int32(1) << (bits - 1)) - 1, channelBlock: block))
    }

    /// True when no clamp can change a byte, so the kernels may accumulate without them: every partial
    /// sum of a channel lies between the sum of its negative weights times 255 and the sum of its
    /// positive weights times 255 (the accumulated values x + offset are in 0...255, padding included,
    /// since the correction is 0), and for every channel both bounds lie inside [lo, hi].
    /// `weights(c)` are channel c's weights.
    func cannotSaturate(channels: Int, weights: (Int) -> StridedWeights) -> Bool {
        for c in 0..<channels {
            let (positive, negative) = weights(c).signedSums
            if 255 * positive > Int(hi) || 255 * negative < Int(lo) { return false }
        }
        return true
    }
}

/// One output channel's weights in a filter: `count` bytes `stride` apart from `base` (a conv channel's
/// kh·kw·inC contiguous bytes, or a depthwise channel's taps, `channels` apart).
struct StridedWeights {
    let base: UnsafePointer<Int8>
    let count: Int
    let stride: Int

    /// The sums of the positive and of the negative weights.
    var signedSums: (positive: Int, negative: Int) {
        var positive = 0, negative = 0
        for i in 0..<count {
            let w = Int(base[i &* stride])
            if w > 0 { positive &+= w } else { negative &+= w }
        }
        return (positive, negative)
    }

    /// The sum of the weights.
    var sum: Int {
        var total = 0
        for i in 0..<count { total &+= Int(base[i &* stride]) }
        return total
    }
}

/// Small helpers the packings share.
enum FastPacking {
    /// The largest magnitude of a fast kernel's accumulator `bias + sum(u8 * w)` over inputs u8 in 0...255
    /// (the bias with the zero-point correction folded in), for DSCSIMD_RQ_NARROW.
    static func accumulatorBound(bias: Int32, weights: StridedWeights) -> Int {
        let (positive, negative) = weights.signedSums
        // In Int64: on a 32-bit device Int would overflow for large biases (the result then clamps,
        // which only declines the narrow path).
        return Int(clamping: max(abs(Int64(bias) + 255 * Int64(positive)), abs(Int64(bias) + 255 * Int64(negative))))
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
    /// kernels over int8/uint8 activations (and int32 outputs where `int32Output`).
    static func byteActivations(_ c: OperatorContext, int32Output: Bool = false) -> String? {
        let input = c.input(), output = c.output
        if input.isConstant { return "constant input" }
        // One byte per element: int8, uint8 and the 4-bit types (held one per byte).
        if input.type.byteSize != 1 { return "\(input.type.name) tensor '\(input.name)'" }
        if int32Output ? output.type != .int32 : output.type.byteSize != 1 {
            return "\(output.type.name) output '\(output.name)'"
        }
        return nil
    }
}
