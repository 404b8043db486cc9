import CDSCFlowSIMD

/// What the conv-like packings share: the arithmetic the fast kernels implement (a TFLite, mul-shift or
/// raw requantizer on a wrapping or saturating accumulator, `FastSaturation`) and a constant int8
/// filter. Otherwise the reason the reference kernel runs the operator.
struct ConvolutionOperands {
    let requantizer: Requantizer
    let saturation: FastSaturation?
    let input: Tensor
    let filter: Tensor
    let fdata: ConstantData
    let inS: Shape4
    let outS: Shape4

    /// The TFLite requantizer, if that is the operator's (the narrow form applies to it only).
    var tflite: FixedPointRequantizer? {
        if case .fixedPoint(let q) = requantizer { return q }
        return nil
    }

    static func make(_ requantizer: Requantizer, _ accumulator: Accumulator, inputOffset: Int32,
                     _ c: OperatorContext, depthwise: Bool = false) -> Result<ConvolutionOperands, FastDecline> {
        let raw: Bool
        if case .none = requantizer { raw = true } else { raw = false }
        if let why = FastPacking.byteActivations(c, int32Output: raw) { return .failure(FastDecline(why)) }
        let saturation: FastSaturation?
        if raw && depthwise { return .failure(FastDecline("raw int32 depthwise output")) }
        switch FastSaturation.make(accumulator, inputOffset: inputOffset, inputType: c.input().type, wholeWindow: depthwise) {
        case .success(let s): saturation = s
        case .failure(let d): return .failure(d)
        }
        let filter = c.input(1)
        guard filter.type == .int8 || filter.type == .int4, let fdata = filter.data else {
            return .failure(FastDecline("the filter is not a constant int8 or int4 tensor"))
        }
        return .success(ConvolutionOperands(requantizer: requantizer, saturation: saturation, input: c.input(),
                                            filter: filter, fdata: fdata, inS: Shape4(extending: c.input().shape),
                                            outS: Shape4(extending: c.output.shape)))
    }
}

/// Why a fast path declines an operator (shown by `dscflow info` / `bench` as "reference: why").
struct FastDecline: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}

/// Conv2D (groups = 1) packed for the conv microkernels: a u8 x s8 GEMM whose rows are output pixels
/// and columns output channels, the input flipped to u8 (x ^ 0x80 for int8) and the zero-point
/// correction folded into the bias. Chooses the row-runs layout (DSCSIMD_KERNEL_CONV_ROWRUNS) where
/// it applies, else the indirect GEMM (DSCSIMD_KERNEL_CONV_IGEMM).
enum ConvolutionPacking {
    /// Largest reduction length (k) a packed conv accepts.
    static let maxDepth = 1 << 20
    /// Largest padded input copy (bytes) the row-runs conv layout makes.
    static let maxPaddedCopy = 1 << 26
    /// Largest block-diagonal filter (bytes) a grouped conv is expanded to.
    static let maxExpandedWeights = 1 << 26

    static func pack(_ p: ConvolutionParameters, _ c: OperatorContext, _ target: FastTarget,
                     inputShape: Shape4? = nil, outputShape: Shape4? = nil, filterShape: [Int]? = nil) -> FastPreparation {
        let o: ConvolutionOperands
        switch ConvolutionOperands.make(p.requantizer, p.accumulator, inputOffset: p.inputOffset, c) {
        case .success(let v): o = v
        case .failure(let d): return .reference(d.reason)
        }
        let input = o.input, fdata = o.fdata
        let saturation = o.saturation
        let inS = inputShape ?? o.inS, outS = outputShape ?? o.outS
        let w = p.window
        let f = filterShape ?? o.filter.shape
        guard f.count == 4 else { return .reference("the filter is not 4-D") }
        let outC = f[0], kh = f[1], kw = f[2], groupC = f[3]
        guard groupC >= 1, inS.c % groupC == 0 else { return .reference("filter channels do not divide the input's") }
        let groups = inS.c / groupC, inC = inS.c
        // Grouped conv: one GEMM with block-diagonal weights (zero outside each output channel's group),
        // so `groups` times the MACs; a saturating accumulator's blocks must then fall on group edges.
        var expanded: [Int8] = []
        if groups > 1 {
            guard outC % groups == 0, outC * kh * kw * inC <= maxExpandedWeights else {
                return .reference("grouped conv with \(groups) groups too large for a block-diagonal GEMM")
            }
            if let sat = saturation, groupC % sat.channelBlock != 0 {
                return .reference("saturating blocks of \(sat.channelBlock) channels across groups of \(groupC)")
            }
            let g = o.fdata.pointer.assumingMemoryBound(to: Int8.self)
            let perGroup = outC / groups
            expanded = [Int8](repeating: 0, count: outC * kh * kw * inC)
            for oc in 0..<outC {
                let base = oc / perGroup * groupC
                for tap in 0..<(kh * kw) {
                    for ic in 0..<groupC { expanded[(oc * kh * kw + tap) * inC + base + ic] = g[(oc * kh * kw + tap) * groupC + ic] }
                }
            }
        }
        guard outC == outS.c, kh == w.kernelHeight, kw == w.kernelWidth,
              FastPacking.windowFits(w, input: inS, output: outS) else { return .reference("shapes out of the kernels' range") }
        guard input.type.range.contains(p.paddingValue) else { return .reference("padding value \(p.paddingValue) outside \(input.type.name)") }
        guard p.bias.isEmpty || p.bias.count == outC else { return .reference("bias count") }
        return expanded.withUnsafeBufferPointer { e in
            pack(p, c, target, o, saturation: saturation, inS: inS, outS: outS, outC: outC, kh: kh, kw: kw, inC: inC,
                 src: groups > 1 ? e.baseAddress! : fdata.pointer.assumingMemoryBound(to: Int8.self))
        }
    }

    /// The packing proper, once the filter is [outC][kh][kw][inC] at `src` (block-diagonal when grouped).
    private static func pack(_ p: ConvolutionParameters, _ c: OperatorContext, _ target: FastTarget, _ o: ConvolutionOperands,
                             saturation sat: FastSaturation?, inS: Shape4, outS: Shape4, outC: Int, kh: Int, kw: Int,
                             inC: Int, src: UnsafePointer<Int8>) -> FastPreparation {
        var saturation = sat
        let input = o.input
        let w = p.window
        let unsigned = input.type.isUnsigned
        let delta: Int32 = unsigned ? 0 : 128
        let c4 = (inC + 3) / 4 * 4
        let k = kh * kw * inC
        // Proved per operator from the weights: no block can saturate, so no clamps are needed.
        if let sat = saturation, sat.cannotSaturate(channels: outC, weights: { oc in StridedWeights(base: src + oc &* k, count: k, stride: 1) }) {
            saturation = nil
        }
        guard k >= 1, kh * kw * c4 <= maxDepth, inS.n * inS.h * inS.w <= 1 << 28 else {
            return .reference("reduction or input too large for the packed GEMM")
        }
        // Row runs (see `dscsimd_conv.row_runs`): a kernel row's taps are one contiguous run in a padded
        // copy of the input, so each pixel needs kernel_h pointers instead of kernel_h * kernel_w, and
        // few channels are padded per run instead of per tap (kws's 1-channel 10x4 conv: 4x fewer MACs).
        // A strided 1x1 conv without padding copies only the pixels it reads (then runs at stride 1).
        let subsample = kh == 1 && kw == 1 && (w.strideHeight > 1 || w.strideWidth > 1) && w.padTop == 0 && w.padLeft == 0
            && (outS.h - 1) * w.strideHeight < inS.h && (outS.w - 1) * w.strideWidth < inS.w
            && target.tuning.convKernel != DSCSIMD_KERNEL_CONV_IGEMM
        let paddedH = subsample ? outS.h : (outS.h - 1) * w.strideHeight + (kh - 1) * w.dilationHeight + 1
        let paddedW = subsample ? outS.w : (outS.w - 1) * w.strideWidth + kw
        let copyBytes = [inS.n, paddedH, paddedW, inC].reduce(Optional(1)) { acc, x in
            guard let acc else { return nil }
            let (r, o) = acc.multipliedReportingOverflow(by: x)
            return o ? nil : r
        }
        // A saturating accumulator's blocks restart at every tap: the indirect GEMM keeps taps apart.
        let runsApply = w.dilationWidth == 1 && paddedH >= 1 && paddedW >= 1 && (copyBytes ?? Int.max) <= maxPaddedCopy
            && saturation == nil
        var runs = runsApply && (kw > 1 || subsample)
        // 4-bit weights on the builds that have the int16-accumulating nibble tiles (conv4/).
        let groups = saturation == nil && o.filter.type == .int4 ? nibbleGroups(input: input.type, weights: src, count: outC * k) : nil
        // Measured on UltraNet: the portable tile's widening costs more than it saves when it comes every
        // few groups (8-bit inputs: 4 groups), the AVX2 tile's does not.
        var nibble = (groups ?? 0) >= (target.path == .portable ? 16 : 1) && target.kernel(DSCSIMD_KERNEL_CONV_IGEMM_NIBBLE) != nil
        if let forced = target.tuning.convKernel {
            let forcedRuns = forced == DSCSIMD_KERNEL_CONV_ROWRUNS || forced == DSCSIMD_KERNEL_CONV_ROWRUNS_NIBBLE
            guard !forcedRuns || runsApply else { return .reference("the row-runs layout does not apply") }
            runs = forcedRuns
            nibble = forced == DSCSIMD_KERNEL_CONV_IGEMM_NIBBLE || forced == DSCSIMD_KERNEL_CONV_ROWRUNS_NIBBLE
            guard !nibble || groups != nil else { return .reference("the nibble tiles do not apply") }
        }
        let id = runs ? (nibble ? DSCSIMD_KERNEL_CONV_ROWRUNS_NIBBLE : DSCSIMD_KERNEL_CONV_ROWRUNS)
                      : (nibble ? DSCSIMD_KERNEL_CONV_IGEMM_NIBBLE : DSCSIMD_KERNEL_CONV_IGEMM)
        guard let kernel = target.kernel(id) else {
            return .reference("no conv kernel on \(target.path.rawValue)")
        }
        let run4 = (kw * inC + 3) / 4 * 4
        let k4 = runs ? kh * run4 : kh * kw * c4
        let blocks = (outC + 15) / 16, padded = blocks * 16
        let F = FastPacking.fits
        guard F(inS.n), F(inS.h), F(inS.w), F(outS.h), F(outS.w), F(outC), F(w.strideHeight), F(w.strideWidth),
              F(w.dilationHeight), F(w.dilationWidth), F(w.padTop), F(w.padLeft) else {
            return .reference("shapes out of the kernels' range")
        }
        let weightBytes = blocks * k4 * 16
        let wideBytes = target.isa == Int32(DSCSIMD_ISA_AVX2) ? 2 * weightBytes : 0  // `packed_weights16`
        guard let mem = target.allocate(weightBytes + RequantizationTables.bytes(padded) + wideBytes) else { return .reference("out of memory") }
        let packed = mem.bindMemory(to: Int8.self, capacity: weightBytes)
        packed.initialize(repeating: 0, count: weightBytes)
        var tables = RequantizationTables(mem + weightBytes, padded: padded)
        guard tables.fill(o.requantizer, count: outC) else { mem.deallocate(); return .reference("requantizer channel count") }
        let correction = p.inputOffset &- delta
        for oc in 0..<outC {
            var sum: Int32 = 0
            for kk in 0..<k {
                let v = src[oc &* k &+ kk]
                sum &+= Int32(v)
                let kp = runs ? kk / (kw * inC) * run4 + kk % (kw * inC) : kk / inC * c4 + kk % inC
                packed[((oc / 16 * (k4 / 4) + kp / 4) * 16 + oc % 16) * 4 + kp % 4] = v
            }
            let bias = p.bias.isEmpty ? 0 : p.bias[oc]
            if saturation != nil {
                tables.postBias[oc] = bias  // after the clamp; the correction is 0 (`FastSaturation`)
            } else {
                tables.bias[oc] = bias &+ correction &* sum
            }
        }
        if let q = o.tflite, saturation == nil {
            let accBound = (0..<outC).map { oc in
                FastPacking.accumulatorBound(bias: tables.bias[oc], weights: StridedWeights(base: src + oc &* k, count: k, stride: 1))
            }
            tables.markNarrow(count: outC, zeroPoint: q.outputZeroPoint) { accBound[$0] }
        }
        var a = dscsimd_conv()
        a.batches = Int32(inS.n); a.in_h = Int32(inS.h); a.in_w = Int32(inS.w); a.in_c = Int32(inC)
        a.out_h = Int32(outS.h); a.out_w = Int32(outS.w); a.out_c = Int32(outC)
        a.kernel_h = Int32(kh); a.kernel_w = Int32(kw)
        a.stride_h = Int32(w.strideHeight); a.stride_w = Int32(w.strideWidth)
        if runs && subsample {
            a.subsample_h = Int32(w.strideHeight); a.subsample_w = Int32(w.strideWidth)
            a.stride_h = 1; a.stride_w = 1
        }
        a.dilation_h = Int32(w.dilationHeight); a.dilation_w = Int32(w.dilationWidth)
        a.pad_top = Int32(w.padTop); a.pad_left = Int32(w.padLeft)
        a.k4 = Int32(k4)
        a.input_xor = unsigned ? 0 : 0x8080_8080
        a.pad_byte = UInt8(truncatingIfNeeded: p.paddingValue)
        a.packed_weights = UnsafePointer(packed)
        if wideBytes > 0 {
            let wide = (mem + weightBytes + RequantizationTables.bytes(padded)).bindMemory(to: Int16.self, capacity: weightBytes)
            for i in 0..<weightBytes { wide[i] = Int16(packed[i]) }
            a.packed_weights16 = UnsafePointer(wide)
        }
        a.bias = UnsafePointer(tables.bias)
        a.rq = tables.requant(o.requantizer, saturation: saturation, rounding: target.rounding)
        a.sat_block_q = Int32((saturation?.channelBlock ?? 0) / 4)
        a.out_pixel_stride = Int32(outC)
        a.nibble_groups = nibble ? Int32(groups ?? 1) : 0
        a.row_runs = runs ? 1 : 0
        a.padded_h = runs ? Int32(paddedH) : 0
        a.padded_w = runs ? Int32(paddedW) : 0
        var t = dscsimd_op()
        t.kind = Int32(DSCSIMD_OP_CONV)
        t.isa = target.isa
        t.conv = a
        let scratch = runs ? dscsimd_conv_runs_scratch_bytes(&a)
            : dscsimd_conv_scratch_bytes(Int32(inC), Int32(kh), Int32(kw), Int64(inS.n * inS.h * inS.w))
        return .kernel(PackedOperator(template: t, kernel: kernel, scratchBytes: Int(scratch), memory: mem,
                                      note: saturation.map { "clamps every \($0.channelBlock) ch" }))
    }

    /// The nibble tiles' int16 period (`dscsimd_conv.nibble_groups`): with every product |x · w| at most
    /// `bound` (x an input byte as the kernels read it, flipped to u8 for int8: at most the type's
    /// maximum, or 255; w the `count` weights at `weights`), a 4-byte group adds at most 4·bound to an
    /// int16 lane, so 32767 / (4·bound) groups cannot wrap (nor saturate AVX2's pair sums, 2·bound).
    /// Nil when not even one group fits.
    static func nibbleGroups(input: ElementType, weights: UnsafePointer<Int8>, count: Int) -> Int? {
        let maxInput = input.isUnsigned ? Int(input.range.upperBound) : 255
        var maxWeight = 0
        for i in 0..<count { maxWeight = max(maxWeight, abs(Int(weights[i]))) }
        let bound = max(maxInput * maxWeight, 1)
        let groups = 32767 / (4 * bound)
        return groups >= 1 ? groups : nil
    }
}
