import CDSCFlowSIMD

/// Decides which operators a fast kernel covers and prepares them (see `PackedOperator`).
/// Anything not covered exactly — int16/int32 tensors, saturating accumulators, the mulShift
/// requantizer, raw int32 outputs, groups, depth multipliers on several channels, broadcasting —
/// returns nil so that the reference kernel runs it.
enum FastOperatorPacker {
    /// Largest reduction length (k) a packed conv accepts.
    static let maxDepth = 1 << 20
    /// Largest padded input copy (bytes) the row-runs conv layout makes.
    static let maxPaddedCopy = 1 << 26

    static func pack(_ op: Operator, index: Int, tensors: [Tensor]) -> PackedOperator? {
        guard let first = op.inputs.first, first >= 0, op.outputs.count == 1 else { return nil }
        let input = tensors[first], output = tensors[op.outputs[0]]
        guard !input.isConstant, isByte(input.type), isByte(output.type) else { return nil }
        switch op.kind {
        case .conv2D(let p):
            return packConv(p, op: op, tensors: tensors)
        case .depthwiseConv2D(let p):
            return packDepthwise(p, op: op, tensors: tensors)
        case .fullyConnected(let p):
            return packFullyConnected(p, op: op, tensors: tensors)
        case .averagePool2D(let p):
            return packPool(p, average: true, op: op, tensors: tensors)
        case .maxPool2D(let p):
            return packPool(p, average: false, op: op, tensors: tensors)
        case .add(let p):
            return packAdd(p, op: op, tensors: tensors)
        case .softmax(let p):
            return packSoftmax(p, input: input, output: output)
        case .reshape:
            guard input.type == output.type, input.byteCount == output.byteCount else { return nil }
            var t = dscsimd_op()
            t.kind = Int32(DSCSIMD_OP_COPY)
            t.copy_bytes = Int64(output.byteCount)
            return PackedOperator(template: t, scratchBytes: 0, memory: nil)
        default:
            return nil
        }
    }

    private static func isByte(_ t: ElementType) -> Bool { t == .int8 || t == .uint8 }

    private static func fits(_ v: Int) -> Bool { v >= 0 && v <= Int(Int32.max) }

    /// The C kernels compute window coordinates in 32-bit ints: every coordinate they can form
    /// (output position × stride − padding + tap × dilation) must stay far from overflow.
    private static func windowFits(_ w: Window2D, input: Shape4, output: Shape4) -> Bool {
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

    /// Per-channel requantization tables (`count` entries, padded to `padded`) in `memory`.
    private struct Tables {
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
        func copyEntry(_ e: Int, from source: Tables, channel c: Int) {
            bias[e] = source.bias[c]
            multiplier[e] = source.multiplier[c]
            left[e] = source.left[c]
            right[e] = source.right[c]
            total[e] = source.total[c]
            mask[e] = source.mask[c]
        }

        func requant(_ q: FixedPointRequantizer) -> dscsimd_requant {
            dscsimd_requant(multiplier: multiplier, left_shift: left, right_shift: right, total_shift: total,
                            right_mask: mask, flags: flags, zero_point: q.outputZeroPoint, lo: q.activationMin,
                            hi: q.activationMax, single_rounding: 0,
                            narrow_nudge: flags & Int32(DSCSIMD_RQ_NARROW) != 0 ? UnsafePointer(nudge) : nil)
        }
    }

    /// The largest magnitude of a fast kernel's accumulator `bias + sum(u8 * w)` over inputs u8 in 0...255
    /// (the bias with the zero-point correction folded in), for DSCSIMD_RQ_NARROW.
    private static func accumulatorBound<W: Sequence>(bias: Int32, weights: W) -> Int where W.Element == Int8 {
        var positive = 0, negative = 0
        for w in weights {
            if w > 0 { positive += Int(w) } else { negative += Int(w) }
        }
        return max(abs(Int(bias) + 255 * positive), abs(Int(bias) + 255 * negative))
    }

    private static func allocate(_ bytes: Int) -> UnsafeMutableRawPointer {
        UnsafeMutableRawPointer.allocate(byteCount: max(bytes, 64), alignment: 64)
    }

    /// What the conv-like packers share: a TFLite requantizer, an int32 accumulator, a constant
    /// int8 4-D filter.
    private struct ConvOperands {
        let q: FixedPointRequantizer
        let input: Tensor
        let filter: Tensor
        let fdata: ConstantData
        let inS: Shape4
        let outS: Shape4

        init?(_ p: ConvolutionParameters, _ op: Operator, _ tensors: [Tensor]) {
            guard p.accumulator == .int32, case .fixedPoint(let q) = p.requantizer, op.inputs.count >= 2 else { return nil }
            let filter = tensors[op.inputs[1]]
            guard filter.type == .int8, let fdata = filter.data, filter.shape.count == 4 else { return nil }
            self.q = q
            self.input = tensors[op.inputs[0]]
            self.filter = filter
            self.fdata = fdata
            inS = Shape4(extending: input.shape)
            outS = Shape4(extending: tensors[op.outputs[0]].shape)
        }
    }

    /// Conv2D with groups = 1 as a packed u8 x s8 GEMM.
    private static func packConv(_ p: ConvolutionParameters, op: Operator, tensors: [Tensor]) -> PackedOperator? {
        guard let o = ConvOperands(p, op, tensors) else { return nil }
        let q = o.q, input = o.input, fdata = o.fdata, inS = o.inS, outS = o.outS
        let w = p.window
        let f = o.filter.shape
        let outC = f[0], kh = f[1], kw = f[2], inC = f[3]
        guard inC == inS.c, outC == outS.c, kh == w.kernelHeight, kw == w.kernelWidth,
              windowFits(w, input: inS, output: outS) else { return nil }
        let unsigned = input.type == .uint8
        let delta: Int32 = unsigned ? 0 : 128
        let typeRange = input.type.range
        guard typeRange.contains(p.paddingValue) else { return nil }
        guard p.bias.isEmpty || p.bias.count == outC else { return nil }
        let c4 = (inC + 3) / 4 * 4
        let k = kh * kw * inC
        guard k >= 1, kh * kw * c4 <= maxDepth, inS.n * inS.h * inS.w <= 1 << 28 else { return nil }
        // Row runs (see `dscsimd_conv.row_runs`): a kernel row's taps are one contiguous run in a padded
        // copy of the input, so each pixel needs kernel_h pointers instead of kernel_h * kernel_w, and
        // few channels are padded per run instead of per tap (kws's 1-channel 10x4 conv: 4x fewer MACs).
        // A strided 1x1 conv without padding copies only the pixels it reads (then runs at stride 1).
        let subsample = kh == 1 && kw == 1 && (w.strideHeight > 1 || w.strideWidth > 1) && w.padTop == 0 && w.padLeft == 0
            && (outS.h - 1) * w.strideHeight < inS.h && (outS.w - 1) * w.strideWidth < inS.w
        let paddedH = subsample ? outS.h : (outS.h - 1) * w.strideHeight + (kh - 1) * w.dilationHeight + 1
        let paddedW = subsample ? outS.w : (outS.w - 1) * w.strideWidth + kw
        let copyBytes = [inS.n, paddedH, paddedW, inC].reduce(Optional(1)) { acc, x in
            guard let acc else { return nil }
            let (r, o) = acc.multipliedReportingOverflow(by: x)
            return o ? nil : r
        }
        let runs = w.dilationWidth == 1 && (kw > 1 || subsample) && paddedH >= 1 && paddedW >= 1 && (copyBytes ?? Int.max) <= maxPaddedCopy
        let run4 = (kw * inC + 3) / 4 * 4
        let k4 = runs ? kh * run4 : kh * kw * c4
        let blocks = (outC + 15) / 16, padded = blocks * 16
        guard fits(inS.n), fits(inS.h), fits(inS.w), fits(outS.h), fits(outS.w), fits(outC),
              fits(w.strideHeight), fits(w.strideWidth), fits(w.dilationHeight), fits(w.dilationWidth),
              fits(w.padTop), fits(w.padLeft) else { return nil }
        let weightBytes = blocks * k4 * 16
        let mem = allocate(weightBytes + Tables.bytes(padded))
        let packed = mem.bindMemory(to: Int8.self, capacity: weightBytes)
        packed.initialize(repeating: 0, count: weightBytes)
        var tables = Tables(mem + weightBytes, padded: padded)
        guard tables.fill(q, count: outC) else { mem.deallocate(); return nil }
        let src = fdata.pointer.assumingMemoryBound(to: Int8.self)
        let correction = p.inputOffset &- delta
        for oc in 0..<outC {
            var sum: Int32 = 0
            for kk in 0..<k {
                let v = src[oc &* k &+ kk]
                sum &+= Int32(v)
                let kp = runs ? kk / (kw * inC) * run4 + kk % (kw * inC) : kk / inC * c4 + kk % inC
                packed[((oc / 16 * (k4 / 4) + kp / 4) * 16 + oc % 16) * 4 + kp % 4] = v
            }
            tables.bias[oc] = (p.bias.isEmpty ? 0 : p.bias[oc]) &+ correction &* sum
        }
        let accBound = (0..<outC).map { oc in
            accumulatorBound(bias: tables.bias[oc], weights: (0..<k).lazy.map { src[oc &* k &+ $0] })
        }
        tables.markNarrow(count: outC, zeroPoint: q.outputZeroPoint) { accBound[$0] }
        var c = dscsimd_conv()
        c.batches = Int32(inS.n); c.in_h = Int32(inS.h); c.in_w = Int32(inS.w); c.in_c = Int32(inC)
        c.out_h = Int32(outS.h); c.out_w = Int32(outS.w); c.out_c = Int32(outC)
        c.kernel_h = Int32(kh); c.kernel_w = Int32(kw)
        c.stride_h = Int32(w.strideHeight); c.stride_w = Int32(w.strideWidth)
        if runs && subsample {
            c.subsample_h = Int32(w.strideHeight); c.subsample_w = Int32(w.strideWidth)
            c.stride_h = 1; c.stride_w = 1
        }
        c.dilation_h = Int32(w.dilationHeight); c.dilation_w = Int32(w.dilationWidth)
        c.pad_top = Int32(w.padTop); c.pad_left = Int32(w.padLeft)
        c.k4 = Int32(k4)
        c.input_xor = unsigned ? 0 : 0x8080_8080
        c.pad_byte = UInt8(truncatingIfNeeded: p.paddingValue)
        c.packed_weights = UnsafePointer(packed)
        c.bias = UnsafePointer(tables.bias)
        c.rq = tables.requant(q)
        c.row_runs = runs ? 1 : 0
        c.padded_h = runs ? Int32(paddedH) : 0
        c.padded_w = runs ? Int32(paddedW) : 0
        var t = dscsimd_op()
        t.kind = Int32(DSCSIMD_OP_CONV)
        t.conv = c
        let scratch = runs ? dscsimd_conv_runs_scratch_bytes(&c)
            : dscsimd_conv_scratch_bytes(Int32(inC), Int32(kh), Int32(kw), Int64(inS.n * inS.h * inS.w))
        return PackedOperator(template: t, scratchBytes: Int(scratch), memory: mem)
    }

    /// FullyConnected as a 1x1 conv over `batches` pixels (weights [units, depth] are OHWI).
    private static func packFullyConnected(_ p: FullyConnectedParameters, op: Operator, tensors: [Tensor]) -> PackedOperator? {
        guard p.weightOffset == 0, op.inputs.count >= 2 else { return nil }
        let weights = tensors[op.inputs[1]]
        guard weights.shape.count == 2 else { return nil }
        let units = weights.shape[0], depth = weights.shape[1]
        let input = tensors[op.inputs[0]]
        guard depth >= 1, input.elementCount % depth == 0 else { return nil }
        let batches = input.elementCount / depth
        guard tensors[op.outputs[0]].elementCount == batches * units else { return nil }
        let window = Window2D(kernelHeight: 1, kernelWidth: 1, strideHeight: 1, strideWidth: 1, padding: .valid)
        let conv = ConvolutionParameters(window: window, inputOffset: p.inputOffset, paddingValue: 0, bias: p.bias,
                                         accumulator: p.accumulator, requantizer: p.requantizer)
        var fake = tensors
        fake[op.inputs[0]].shape = [1, 1, batches, depth]
        fake[op.outputs[0]].shape = [1, 1, batches, units]
        fake[op.inputs[1]].shape = [units, 1, 1, depth]
        return packConv(conv, op: op, tensors: fake)
    }

    /// Depthwise conv (any depth multiplier): weights widened to int32 per tap, every channel table
    /// repeated with period lcm(C, 16) so the kernel's 16-lane blocks never straddle a pattern edge.
    private static func packDepthwise(_ p: ConvolutionParameters, op: Operator, tensors: [Tensor]) -> PackedOperator? {
        guard let o = ConvOperands(p, op, tensors) else { return nil }
        let q = o.q, input = o.input, filter = o.filter, fdata = o.fdata, inS = o.inS, outS = o.outS
        let w = p.window
        let m = p.depthMultiplier
        let kh = filter.shape[1], kw = filter.shape[2], channels = filter.shape[3]
        guard m >= 1, m <= 1 << 16, inS.c <= 1 << 16, channels == inS.c * m, channels == outS.c,
              kh == w.kernelHeight, kw == w.kernelWidth, kh * kw <= 64,
              windowFits(w, input: inS, output: outS) else { return nil }
        guard input.type.range.contains(p.paddingValue) else { return nil }
        guard p.bias.isEmpty || p.bias.count == channels else { return nil }
        guard fits(inS.n), fits(inS.h), fits(inS.w), fits(outS.h), fits(outS.w), outS.w <= 1 << 20,
              w.strideWidth <= 1 << 10, w.dilationWidth <= 1 << 10,
              fits(w.strideHeight), fits(w.dilationHeight), fits(w.padTop), fits(w.padLeft) else { return nil }
        let taps = kh * kw
        var a = channels, b = 16
        while b != 0 { (a, b) = (b, a % b) }
        let period = channels / a * 16
        let vnni = kw <= 4
        let vnniBytes = vnni ? kh * period * 4 + 4 * period : 0
        // The natural-order VNNI kernel's tables repeat with period lcm(C, 64); skipped when that is long.
        var g = channels, h = 64
        while h != 0 { (g, h) = (h, g % h) }
        let phasePeriod = channels / g * 64
        // It beats regrouping (measured per layer on the shared models) except for one input channel
        // (regrouping computes the tap group once per column) and strided rows of fewer than 64
        // channels whose stride-phase split is per pixel (all but stride 2 with C a multiple of 16).
        let phase = phasePeriod <= (1 << 22) / (4 * taps + 28) && inS.c > 1
            && (w.strideWidth == 1 || channels >= 64 || (w.strideWidth == 2 && m == 1 && channels % 16 == 0))
        let phaseBytes = phase ? 4 * taps * phasePeriod + Tables.bytes(phasePeriod) : 0
        let mem = allocate(4 * taps * period + Tables.bytes(period) + vnniBytes + phaseBytes)
        let weights = mem.bindMemory(to: Int32.self, capacity: taps * period)
        var tables = Tables(mem + 4 * taps * period, padded: period)
        guard tables.fill(q, count: channels) else { mem.deallocate(); return nil }
        let src = fdata.pointer.assumingMemoryBound(to: Int8.self)
        // Per channel: the sum of its taps, and the bias with the zero-point correction of the kernels
        // that flip int8 input to u8 (input offset - 128 instead of the input offset).
        let tapSums = (0..<channels).map { c in (0..<taps).reduce(Int32(0)) { $0 &+ Int32(src[$1 &* channels &+ c]) } }
        let delta: Int32 = input.type == .uint8 ? 0 : 128
        let u8Bias = (0..<channels).map { c in (p.bias.isEmpty ? 0 : p.bias[c]) &+ (p.inputOffset &- delta) &* tapSums[c] }
        for c in 0..<channels {
            tables.bias[c] = (p.bias.isEmpty ? 0 : p.bias[c]) &+ p.inputOffset &* tapSums[c]
        }
        for j in 0..<period {
            let c = j % channels
            for t in 0..<taps { weights[t &* period &+ j] = Int32(src[t &* channels &+ c]) }
            if j >= channels { tables.copyEntry(j, from: tables, channel: c) }
        }
        // Every depthwise kernel computes the same accumulator value (wrapping like the reference; the
        // bound says it does not wrap), so the u8-domain bias bounds them all.
        let accBound = (0..<channels).map { c in
            accumulatorBound(bias: u8Bias[c], weights: (0..<taps).lazy.map { src[$0 &* channels &+ c] })
        }
        tables.markNarrow(count: period, zeroPoint: q.outputZeroPoint) { accBound[$0 % channels] }
        var d = dscsimd_dwconv()
        if vnni {
            // kernel rows as 4-byte groups for vpdpbusd on u8 inputs (x ^ 0x80 for int8).
            let vbase = mem + 4 * taps * period + Tables.bytes(period)
            let vbias = vbase.bindMemory(to: Int32.self, capacity: period)
            let vw = (vbase + 4 * period).bindMemory(to: Int8.self, capacity: kh * period * 4)
            vw.initialize(repeating: 0, count: kh * period * 4)
            for j in 0..<period {
                let c = j % channels
                vbias[j] = u8Bias[c]
                for ky in 0..<kh {
                    for kx in 0..<kw { vw[(ky * period + j) * 4 + kx] = src[(ky * kw + kx) &* channels &+ c] }
                }
            }
            d.vnni_weights = UnsafePointer(vw)
            d.vnni_bias = UnsafePointer(vbias)
            d.vnni_xor = input.type == .uint8 ? 0 : 0x8080_8080
        }
        if phase {
            // Natural-order tables: entry e = chunk*64 + 16k + lane of phase k is byte chunk*64 + 4*lane + k,
            // i.e. channel (chunk*64 + 4*lane + k) % C.
            let pbase = mem + 4 * taps * period + Tables.bytes(period) + vnniBytes
            let pw = pbase.bindMemory(to: Int8.self, capacity: 4 * taps * phasePeriod)
            pw.initialize(repeating: 0, count: 4 * taps * phasePeriod)
            var ptables = Tables(pbase + 4 * taps * phasePeriod, padded: phasePeriod)
            for e in 0..<phasePeriod {
                let chunk = e / 64, k = (e % 64) / 16, lane = e % 16
                let c = (chunk * 64 + 4 * lane + k) % channels
                ptables.copyEntry(e, from: tables, channel: c)
                ptables.bias[e] = u8Bias[c]  // the kernel reads u8-flipped input
                for t in 0..<taps {
                    // Tap t, chunk, phase k: 64 bytes; byte 4*lane + k holds the weight.
                    pw[t * 4 * phasePeriod + chunk * 256 + k * 64 + 4 * lane + k] = src[t &* channels &+ c]
                }
            }
            ptables.flags = tables.flags & ~Int32(DSCSIMD_RQ_NARROW)
            ptables.markNarrow(count: phasePeriod, zeroPoint: q.outputZeroPoint) { e in
                accBound[(e / 64 * 64 + 4 * (e % 16) + (e % 64) / 16) % channels]
            }
            d.phase_weights = UnsafePointer(pw)
            d.phase_bias = UnsafePointer(ptables.bias)
            d.phase_rq = ptables.requant(q)
            d.phase_period = Int32(phasePeriod)
            if !vnni { d.vnni_xor = input.type == .uint8 ? 0 : 0x8080_8080 }
        }
        d.batches = Int32(inS.n); d.in_h = Int32(inS.h); d.in_w = Int32(inS.w); d.in_c = Int32(inS.c)
        d.depth_multiplier = Int32(m); d.channels = Int32(channels); d.period = Int32(period)
        d.out_h = Int32(outS.h); d.out_w = Int32(outS.w)
        d.kernel_h = Int32(kh); d.kernel_w = Int32(kw)
        d.stride_h = Int32(w.strideHeight); d.stride_w = Int32(w.strideWidth)
        d.dilation_h = Int32(w.dilationHeight); d.dilation_w = Int32(w.dilationWidth)
        d.pad_top = Int32(w.padTop); d.pad_left = Int32(w.padLeft)
        d.input_unsigned = input.type == .uint8 ? 1 : 0
        d.pad_value = p.paddingValue
        d.weights = UnsafePointer(weights)
        d.bias = UnsafePointer(tables.bias)
        d.rq = tables.requant(q)
        var t = dscsimd_op()
        t.kind = Int32(DSCSIMD_OP_DWCONV)
        t.dw = d
        let scratch = dscsimd_dwconv_scratch_bytes(Int32(channels), Int32(outS.w), Int32(w.strideWidth), Int32(kw),
                                                   Int32(w.dilationWidth), Int32(kh))
        return PackedOperator(template: t, scratchBytes: Int(scratch), memory: mem)
    }

    private static func packPool(_ p: PoolParameters, average: Bool, op: Operator, tensors: [Tensor]) -> PackedOperator? {
        let input = tensors[op.inputs[0]], output = tensors[op.outputs[0]]
        guard input.type == output.type else { return nil }
        let inS = Shape4(extending: input.shape), outS = Shape4(extending: output.shape)
        let w = p.window
        guard inS.c == outS.c, inS.n == outS.n, fits(inS.n), fits(inS.h), fits(inS.w), fits(inS.c),
              fits(outS.h), fits(outS.w), fits(w.kernelHeight), fits(w.kernelWidth),
              fits(w.strideHeight), fits(w.strideWidth), fits(w.padTop), fits(w.padLeft),
              w.kernelHeight <= 1 << 12, w.kernelWidth <= 1 << 12, windowFits(w, input: inS, output: outS) else { return nil }
        var a = dscsimd_pool()
        a.batches = Int32(inS.n); a.in_h = Int32(inS.h); a.in_w = Int32(inS.w); a.channels = Int32(inS.c)
        a.out_h = Int32(outS.h); a.out_w = Int32(outS.w)
        a.kernel_h = Int32(w.kernelHeight); a.kernel_w = Int32(w.kernelWidth)
        a.stride_h = Int32(w.strideHeight); a.stride_w = Int32(w.strideWidth)
        a.pad_top = Int32(w.padTop); a.pad_left = Int32(w.padLeft)
        a.input_unsigned = input.type == .uint8 ? 1 : 0
        a.average = average ? 1 : 0
        a.lo = p.activationMin; a.hi = p.activationMax
        var t = dscsimd_op()
        t.kind = Int32(DSCSIMD_OP_POOL)
        t.pool = a
        return PackedOperator(template: t, scratchBytes: 0, memory: nil)
    }

    /// Softmax (int8 → int8): the reference's per-value work tabulated by d = max(row) − x (see
    /// `dscsimd_softmax`), computed with the reference's own fixed-point functions.
    private static func packSoftmax(_ p: SoftmaxParameters, input: Tensor, output: Tensor) -> PackedOperator? {
        guard input.type == .int8, output.type == .int8, input.elementCount == output.elementCount,
              let depth = input.shape.last, depth >= 1, depth <= Int(Int32.max), input.elementCount % depth == 0
        else { return nil }
        typealias F = GemmlowpFixedPoint
        let mem = allocate(2 * 4 * 256)
        let tables = mem.bindMemory(to: Int32.self, capacity: 2 * 256)
        for d in 0..<256 {
            let diff = Int32(-d)
            var e: Int32 = 0
            if diff >= p.diffMin {
                let rescaled = saturatingRoundingDoublingHighMul(diff &* (1 &<< p.inputLeftShift), p.inputMultiplier)
                e = F.expOnNegativeValues(rescaled, integerBits: ReferenceSoftmax.scaledDiffIntegerBits)
            }
            tables[d] = e
            tables[256 + d] = diff >= p.diffMin ? F.rescale(e, from: 0, to: ReferenceSoftmax.accumulationIntegerBits) : 0
        }
        var s = dscsimd_softmax()
        s.rows = Int64(input.elementCount / depth)
        s.depth = Int32(depth)
        s.exp_table = UnsafePointer(tables)
        s.sum_table = UnsafePointer(tables + 256)
        var t = dscsimd_op()
        t.kind = Int32(DSCSIMD_OP_SOFTMAX)
        t.softmax = s
        return PackedOperator(template: t, scratchBytes: 0, memory: mem)
    }

    private static func packAdd(_ p: AddParameters, op: Operator, tensors: [Tensor]) -> PackedOperator? {
        guard op.inputs.count == 2 else { return nil }
        let a = tensors[op.inputs[0]], b = tensors[op.inputs[1]], out = tensors[op.outputs[0]]
        guard !b.isConstant, a.type == b.type, a.type == out.type, a.shape == b.shape, a.shape == out.shape else { return nil }
        let r = a.type.range
        var s = dscsimd_add()
        s.count = Int64(out.elementCount)
        s.input_unsigned = a.type == .uint8 ? 1 : 0
        s.input1_offset = p.input1Offset; s.input2_offset = p.input2Offset; s.left_shift = p.leftShift
        s.input1_multiplier = p.input1Multiplier; s.input1_shift = p.input1Shift
        s.input2_multiplier = p.input2Multiplier; s.input2_shift = p.input2Shift
        s.output_multiplier = p.outputMultiplier; s.output_shift = p.outputShift; s.output_offset = p.outputOffset
        s.lo = max(p.activationMin, r.lowerBound); s.hi = min(p.activationMax, r.upperBound)
        // Rescaled inputs per raw byte, for double rounding then single rounding: [rounding][input][256].
        // Then the double-rounding tables as byte planes, [input][plane][256] (`dscsimd_add.planes1/2`).
        let mem = allocate(4 * 4 * 256 + 2 * 4 * 256)
        let tables = mem.bindMemory(to: Int32.self, capacity: 4 * 256)
        for (ri, rounding) in [RoundingMode.double, .single].enumerated() {
            for v in 0..<256 {
                let x = Int32(a.type == .uint8 ? Int32(v) : Int32(Int8(truncatingIfNeeded: v)))
                let x1 = (x &+ p.input1Offset) &<< p.leftShift
                let x2 = (x &+ p.input2Offset) &<< p.leftShift
                tables[(ri * 2) * 256 + v] = multiplyByQuantizedMultiplier(x1, p.input1Multiplier, p.input1Shift, rounding: rounding)
                tables[(ri * 2 + 1) * 256 + v] = multiplyByQuantizedMultiplier(x2, p.input2Multiplier, p.input2Shift, rounding: rounding)
            }
        }
        s.table1 = UnsafePointer(tables)
        s.table2 = UnsafePointer(tables + 256)
        let planes = (mem + 4 * 4 * 256).bindMemory(to: UInt8.self, capacity: 2 * 4 * 256)
        var bound = 0
        for input in 0..<2 {
            var largest = 0
            for v in 0..<256 {
                let value = tables[input * 256 + v]
                largest = max(largest, Int(value.magnitude))
                let bits = UInt32(bitPattern: value)
                for plane in 0..<4 { planes[(input * 4 + plane) * 256 + v] = UInt8(truncatingIfNeeded: bits >> (8 * plane)) }
            }
            bound += largest
        }
        s.planes1 = UnsafePointer(planes)
        s.planes2 = UnsafePointer(planes + 4 * 256)
        s.table_bound = Int64(bound)
        var t = dscsimd_op()
        t.kind = Int32(DSCSIMD_OP_ADD)
        t.add = s
        return PackedOperator(template: t, scratchBytes: 0, memory: mem)
    }
}
