import CDSCFlowSIMD

/// FLOAT_CONV: a QDQ Conv ONNX Runtime leaves unfused, computed as it computes it in float32
/// (`ORTFloatConvParameters`): the same float operations in the same order, so the same bytes.
enum ORTFloatConv: OperatorDefinition {
    typealias Parameters = ORTFloatConvParameters
    static let dscmKind: UInt32 = 40

    static func validate(_ p: Parameters, _ c: OperatorContext) throws(DSCError) {
        try c.requireInputs(2...2)
        let x = c.input(0), w = c.input(1), out = c.output
        _ = try c.requireByteType(x)
        _ = try c.requireByteType(out)
        try c.requireType(w, [.float32])
        guard x.shape.count == 4 else { throw c.fail(x, "rank \(x.shape.count); expected 4 (NHWC)") }
        guard w.shape.count == 4, w.isConstant else { throw c.fail(w, "the weights must be a constant 4-D float tensor") }
        let (m, kh, kw, cg) = (w.shape[0], w.shape[1], w.shape[2], w.shape[3])
        guard p.groups >= 1, x.shape[3] == cg * p.groups, m % p.groups == 0 else {
            throw c.fail(w, "weights \(w.shape) do not fit \(x.shape[3]) channels in \(p.groups) groups")
        }
        guard kh == p.window.kernelHeight, kw == p.window.kernelWidth, p.window.dilationHeight == 1, p.window.dilationWidth == 1 else {
            throw c.fail(w, "weights \(w.shape) do not match the window")
        }
        guard p.blockSize >= 1, p.blockSize <= 64 else { throw c.unsupported("block size \(p.blockSize)") }
        if p.algorithm == .depthwise && (cg != 1 || m != p.groups) { throw c.unsupported("depthwise algorithm on \(w.shape)") }
        try c.validateWindow(p.window, input: x)
        let (oh, ow) = p.window.outputSize(inputHeight: x.shape[1], inputWidth: x.shape[2])
        try c.requireShape(out, [x.shape[0], oh, ow, m])
        guard p.bias.isEmpty || p.bias.count == m else { throw c.unsupported("\(p.bias.count) bias values for \(m) channels") }
        try c.validateQuantization(p.input, of: x, as: x.type)
        try c.validateQuantization(p.output, of: out, as: out.type)
        guard !p.activationMin.isNaN, !p.activationMax.isNaN, p.activationMin <= p.activationMax else { throw c.unsupported("activation range") }
    }

    static func prepareFast(_ p: Parameters, _ c: OperatorContext, _ target: FastTarget) -> FastPreparation {
        let x = c.input(), w = c.input(1), out = c.output
        guard !x.isConstant, let data = w.data else { return .reference("constant input") }
        let (m, kh, kw, cg) = (w.shape[0], w.shape[1], w.shape[2], w.shape[3])
        let mg = m / p.groups, taps = kh * kw, blocks = (m + 15) / 16
        // The kernel's 16 lanes share one group's input channels (or are depthwise lanes).
        // (The generic algorithm's lanes each gather their own group's channels.)
        guard p.algorithm == .depthwise || p.algorithm == .generic || p.groups == 1 || mg % 16 == 0 else { return .reference("groups of \(mg) output channels") }
        let src = data.pointer.assumingMemoryBound(to: Float.self)
        return ORTPacking.prepare(target, mode: Int32(DSCSIMD_ORT_FLOAT_CONV), perISA: true,
                                  floats: 256 + blocks * taps * cg * 16 + blocks * 16) { a, t, _ in
            ORTPacking.dequantizationTable(p.input, signed: x.type == .int8, into: t)
            let packed = t + 256, bias = packed + blocks * taps * cg * 16
            for b in 0..<blocks {
                for j in 0..<16 where b * 16 + j < m {
                    let oc = b * 16 + j
                    for tap in 0..<taps {
                        for ch in 0..<cg { packed[((b * taps + tap) * cg + ch) * 16 + j] = src[(oc * taps + tap) * cg + ch] }
                    }
                    if !p.bias.isEmpty { bias[oc] = p.bias[oc] }
                }
            }
            a.table = UnsafePointer(t)
            a.weights = UnsafePointer(packed)
            a.bias = p.bias.isEmpty ? nil : UnsafePointer(bias)
            a.batches = Int32(x.shape[0]); a.in_h = Int32(x.shape[1]); a.in_w = Int32(x.shape[2]); a.channels = Int32(x.shape[3])
            a.out_h = Int32(out.shape[1]); a.out_w = Int32(out.shape[2]); a.out_c = Int32(m)
            a.kernel_h = Int32(kh); a.kernel_w = Int32(kw)
            a.stride_h = Int32(p.window.strideHeight); a.stride_w = Int32(p.window.strideWidth)
            a.pad_top = Int32(p.window.padTop); a.pad_left = Int32(p.window.padLeft)
            a.input_signed = x.type == .int8 ? 1 : 0
            a.groups = Int32(p.groups)
            a.algorithm = Int32(p.algorithm.rawValue)
            switch p.algorithm {
            case .pointwise: a.chunk = 128
            case .nchw, .depthwise: a.chunk = 1
            case .nchwc: a.chunk = Int32(p.blockSize)
            case .generic: a.chunk = Int32(ReferenceORTFloatConv.sgemmStrideK(k: cg * taps, n: out.shape[1] * out.shape[2]))
            }
            a.act_lo = p.activationMin; a.act_hi = p.activationMax
            a.scale = p.output.scale
            ORTPacking.output(&a, out, zeroPoint: p.output.zeroPoint)
        }
    }

    static func runReference(_ p: Parameters, _ b: OperatorBinding, rounding: RoundingMode) {
        ReferenceORTFloatConv.run(p, input: b.inputs[0], inputShape: b.inputShape, signed: b.inputType == .int8,
                                  weights: b.inputs[1].assumingMemoryBound(to: Float.self), weightShape: b.inputShapes[1],
                                  output: b.output, outputShape: b.outputShape, outputSigned: b.outputType == .int8)
    }

    static func encode(_ p: Parameters, into s: inout DSCMSink) {
        DSCMOperationCodec.window(p.window, &s)
        s.i32(Int32(truncatingIfNeeded: p.groups)); s.u8(p.algorithm.rawValue); s.i32(Int32(truncatingIfNeeded: p.blockSize))
        DSCMOperationCodec.linearQuantization(p.input, &s); DSCMOperationCodec.linearQuantization(p.output, &s)
        DSCMOperationCodec.floats(p.bias, &s); s.u32(p.activationMin.bitPattern); s.u32(p.activationMax.bitPattern)
    }

    static func decode(_ c: inout DSCMCursor, index: Int) throws(DSCError) -> Parameters {
        let w = try DSCMOperationCodec.window(&c, index), groups = Int(try c.i32()), code = try c.u8()
        guard let algorithm = ORTFloatConvAlgorithm(rawValue: code) else {
            throw DSCError.malformedModel(".dscm: operator \(index): unknown float conv algorithm \(code)")
        }
        let block = Int(try c.i32())
        let i = try DSCMOperationCodec.linearQuantization(&c), o = try DSCMOperationCodec.linearQuantization(&c)
        let bias = try DSCMOperationCodec.floats(&c)
        let lo = Float(bitPattern: try c.u32()), hi = Float(bitPattern: try c.u32())
        return ORTFloatConvParameters(window: w, groups: groups, algorithm: algorithm, blockSize: block, input: i, output: o,
                                      bias: bias, activationMin: lo, activationMax: hi)
    }

    static func macs(_ p: Parameters, _ c: OperatorContext) -> Int {
        let f = c.input(1).shape
        return c.output.elementCount &* f[1] &* f[2] &* f[3]
    }
}
