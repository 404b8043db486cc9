import CDSCFlowSIMD

/// Depthwise conv (any depth multiplier) packed for one of the depthwise microkernels, chosen per ISA
/// (the rules below were measured per layer on the shared models; docs/FAST_PATH.md):
/// - one input channel, kernel_w <= 4, C dividing or a multiple of the vector's lanes (16 on AVX-512,
///   8 on AVX-VNNI): DSCSIMD_KERNEL_DWCONV_IC1 (tap words per column);
/// - several input channels at stride 1, or >= 64 channels, or stride 2 with multiplier 1 and C a
///   multiple of 16, with tables of at most 4 MB: DSCSIMD_KERNEL_DWCONV_PHASE (natural order; it beats
///   regrouping except for one input channel and strided rows of fewer than 64 channels whose phase
///   split is per pixel);
/// - otherwise with kernel_w <= 4 on AVX-512: DSCSIMD_KERNEL_DWCONV_REGROUP;
/// - otherwise DSCSIMD_KERNEL_DWCONV_GENERIC (int32 weights per tap; every build).
/// Every channel table repeats with period lcm(C, 16) (lcm(C, 64) for the phase tables) so a vector's
/// lanes never straddle a pattern edge.
enum DepthwisePacking {
    static func pack(_ p: ConvolutionParameters, _ c: OperatorContext, _ target: FastTarget) -> FastPreparation {
        let o: ConvolutionOperands
        switch ConvolutionOperands.make(p.requantizer, p.accumulator, inputOffset: p.inputOffset, c, depthwise: true) {
        case .success(let v): o = v
        case .failure(let d): return .reference(d.reason)
        }
        let input = o.input, filter = o.filter, inS = o.inS, outS = o.outS
        let w = p.window
        let m = p.depthMultiplier
        guard filter.shape.count == 4 else { return .reference("the filter is not 4-D") }
        let kh = filter.shape[1], kw = filter.shape[2], channels = filter.shape[3]
        let F = FastPacking.fits
        guard m >= 1, m <= 1 << 16, inS.c <= 1 << 16, channels == inS.c * m, channels == outS.c,
              kh == w.kernelHeight, kw == w.kernelWidth, kh * kw <= 64,
              FastPacking.windowFits(w, input: inS, output: outS),
              F(inS.n), F(inS.h), F(inS.w), F(outS.h), F(outS.w), outS.w <= 1 << 20,
              w.strideWidth <= 1 << 10, w.dilationWidth <= 1 << 10,
              F(w.strideHeight), F(w.dilationHeight), F(w.padTop), F(w.padLeft) else {
            return .reference("window or shapes out of the kernels' range")
        }
        guard input.type.range.contains(p.paddingValue) else { return .reference("padding value \(p.paddingValue) outside \(input.type.name)") }
        guard p.bias.isEmpty || p.bias.count == channels else { return .reference("bias count") }
        let taps = kh * kw
        let period = lcm(channels, 16), phasePeriod = lcm(channels, 64)
        let phaseFits = phasePeriod <= (1 << 22) / (4 * taps + 28)
        var id = kernel(target, inChannels: inS.c, channels: channels, kernelWidth: kw, stride: w.strideWidth,
                        multiplier: m, phaseFits: phaseFits)
        if let forced = target.tuning.depthwiseKernel {
            let lanes = target.isa == Int32(DSCSIMD_ISA_AVX512VNNI) ? 16 : 8
            let applies: Bool
            switch forced {
            case DSCSIMD_KERNEL_DWCONV_IC1: applies = inS.c == 1 && kw <= 4 && (lanes % channels == 0 || channels % lanes == 0)
            case DSCSIMD_KERNEL_DWCONV_PHASE: applies = phaseFits
            case DSCSIMD_KERNEL_DWCONV_REGROUP: applies = kw <= 4
            default: applies = true
            }
            guard applies else { return .reference("the forced depthwise kernel does not apply") }
            id = forced
        }
        guard let kernel = target.kernel(id) else { return .reference("no depthwise kernel on \(target.path.rawValue)") }
        let vnniBytes = id == DSCSIMD_KERNEL_DWCONV_IC1 || id == DSCSIMD_KERNEL_DWCONV_REGROUP ? kh * period * 4 + 4 * period : 0
        let genericBytes = id == DSCSIMD_KERNEL_DWCONV_GENERIC ? 4 * taps * period : 0
        let phaseBytes = id == DSCSIMD_KERNEL_DWCONV_PHASE ? 4 * taps * phasePeriod + RequantizationTables.bytes(phasePeriod) : 0
        let tableBytes = RequantizationTables.bytes(period)
        guard let mem = target.allocate(tableBytes + genericBytes + vnniBytes + phaseBytes) else { return .reference("out of memory") }
        var tables = RequantizationTables(mem, padded: period)
        guard tables.fill(o.requantizer, count: channels) else { mem.deallocate(); return .reference("requantizer channel count") }
        let src = o.fdata.pointer.assumingMemoryBound(to: Int8.self)
        // Per channel: the sum of its taps, and the bias with the zero-point correction of the kernels
        // that flip int8 input to u8 (input offset - 128 instead of the input offset).
        let tapSums = (0..<channels).map { c in Int32(truncatingIfNeeded: StridedWeights(base: src + c, count: taps, stride: channels).sum) }
        let delta: Int32 = input.type.isUnsigned ? 0 : 128
        // A saturating accumulator starts at 0 (its correction is 0, `FastSaturation`); its bias comes
        // after the clamp (`postBias`).
        // Proved per operator from the weights: the window's sum cannot saturate, so no clamp is needed.
        var saturation = o.saturation
        if let s = saturation, s.cannotSaturate(channels: channels, weights: { c in StridedWeights(base: src + c, count: taps, stride: channels) }) {
            saturation = nil
        }
        let sat = saturation != nil
        let bias = (0..<channels).map { c in p.bias.isEmpty ? 0 : p.bias[c] }
        let u8Bias = (0..<channels).map { c in (sat ? 0 : bias[c]) &+ (p.inputOffset &- delta) &* tapSums[c] }
        for c in 0..<channels {
            tables.bias[c] = (sat ? 0 : bias[c]) &+ p.inputOffset &* tapSums[c]
            if sat { tables.postBias[c] = bias[c] }
        }
        for j in channels..<period { tables.copyEntry(j, from: tables, channel: j % channels) }
        // Every depthwise kernel computes the same accumulator value (wrapping like the reference; the
        // bound says it does not wrap), so the u8-domain bias bounds them all.
        let accBound = (0..<channels).map { c in
            FastPacking.accumulatorBound(bias: u8Bias[c], weights: StridedWeights(base: src + c, count: taps, stride: channels))
        }
        if let q = o.tflite, !sat { tables.markNarrow(count: period, zeroPoint: q.outputZeroPoint) { accBound[$0 % channels] } }
        var d = dscsimd_dwconv()
        let xor: UInt32 = input.type.isUnsigned ? 0 : 0x8080_8080
        var base = mem + tableBytes
        if genericBytes > 0 {
            let weights = base.bindMemory(to: Int32.self, capacity: taps * period)
            for j in 0..<period {
                for t in 0..<taps { weights[t &* period &+ j] = Int32(src[t &* channels &+ j % channels]) }
            }
            d.weights = UnsafePointer(weights)
            base += genericBytes
        }
        if vnniBytes > 0 {
            // Kernel rows as 4-byte groups for vpdpbusd on u8 inputs (x ^ 0x80 for int8).
            let vbias = base.bindMemory(to: Int32.self, capacity: period)
            let vw = (base + 4 * period).bindMemory(to: Int8.self, capacity: kh * period * 4)
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
            d.vnni_xor = xor
            base += vnniBytes
        }
        if phaseBytes > 0 {
            // Natural-order tables: entry e = chunk*64 + 16k + lane of phase k is byte chunk*64 + 4*lane + k,
            // i.e. channel (chunk*64 + 4*lane + k) % C.
            let pw = base.bindMemory(to: Int8.self, capacity: 4 * taps * phasePeriod)
            pw.initialize(repeating: 0, count: 4 * taps * phasePeriod)
            var ptables = RequantizationTables(base + 4 * taps * phasePeriod, padded: phasePeriod)
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
            if let q = o.tflite, !sat {
                ptables.markNarrow(count: phasePeriod, zeroPoint: q.outputZeroPoint) { e in
                    accBound[(e / 64 * 64 + 4 * (e % 16) + (e % 64) / 16) % channels]
                }
            }
            d.phase_weights = UnsafePointer(pw)
            d.phase_bias = UnsafePointer(ptables.bias)
            d.phase_rq = ptables.requant(o.requantizer, saturation: saturation, rounding: target.rounding)
            d.phase_period = Int32(phasePeriod)
            d.vnni_xor = xor
        }
        d.batches = Int32(inS.n); d.in_h = Int32(inS.h); d.in_w = Int32(inS.w); d.in_c = Int32(inS.c)
        d.depth_multiplier = Int32(m); d.channels = Int32(channels); d.period = Int32(period)
        d.out_h = Int32(outS.h); d.out_w = Int32(outS.w)
        d.kernel_h = Int32(kh); d.kernel_w = Int32(kw)
        d.stride_h = Int32(w.strideHeight); d.stride_w = Int32(w.strideWidth)
        d.dilation_h = Int32(w.dilationHeight); d.dilation_w = Int32(w.dilationWidth)
        d.pad_top = Int32(w.padTop); d.pad_left = Int32(w.padLeft)
        d.input_unsigned = input.type.isUnsigned ? 1 : 0
        d.pad_value = p.paddingValue
        d.bias = UnsafePointer(tables.bias)
        d.rq = tables.requant(o.requantizer, saturation: saturation, rounding: target.rounding)
        var t = dscsimd_op()
        t.kind = Int32(DSCSIMD_OP_DWCONV)
        t.isa = target.isa
        t.dw = d
        let scratch = dscsimd_dwconv_scratch_bytes(Int32(channels), Int32(outS.w), Int32(w.strideWidth), Int32(kw),
                                                   Int32(w.dilationWidth), Int32(kh))
        return .kernel(PackedOperator(template: t, kernel: kernel, scratchBytes: Int(scratch), memory: mem,
                                      note: sat ? "clamps the window sum" : nil))
    }

    /// The microkernel for these dimensions on `target` (see the type's documentation).
    static func kernel(_ target: FastTarget, inChannels: Int, channels: Int, kernelWidth kw: Int, stride: Int,
                       multiplier m: Int, phaseFits: Bool) -> Int {
        let avx512 = target.isa == Int32(DSCSIMD_ISA_AVX512VNNI), avxvnni = target.isa == Int32(DSCSIMD_ISA_AVXVNNI)
        guard avx512 || avxvnni else { return DSCSIMD_KERNEL_DWCONV_GENERIC }
        let lanes = avx512 ? 16 : 8
        if inChannels == 1 && kw <= 4 && (lanes % channels == 0 || channels % lanes == 0) {
            return DSCSIMD_KERNEL_DWCONV_IC1
        }
        if phaseFits && inChannels > 1 && (stride == 1 || channels >= 64 || (stride == 2 && m == 1 && channels % 16 == 0)) {
            return DSCSIMD_KERNEL_DWCONV_PHASE
        }
        return avx512 && kw <= 4 ? DSCSIMD_KERNEL_DWCONV_REGROUP : DSCSIMD_KERNEL_DWCONV_GENERIC
    }

    private static func lcm(_ a: Int, _ b: Int) -> Int {
        var x = a, y = b
        while y != 0 { (x, y) = (y, x % y) }
        return a / x * b
    }
}
