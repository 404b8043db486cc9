import CDSCFlowSIMD

/// QDQ Conv groups ONNX Runtime does not fuse: it runs DequantizeLinear, a float32 Conv on its MLAS NCHWc
/// kernels (NchwcTransformer) and QuantizeLinear. DSCFlow repeats those float operations in their order
/// (`ORTFloatConv`), or on MLAS's generic im2col + SGEMM Conv for the convolutions NchwcTransformer leaves.
extension ONNXGraphBuilder {
    /// Where the current node's output goes through an optional Relu or Clip (redundant or not) to one
    /// QuantizeLinear, with the activation's float bounds.
    func quantizedOutputThroughActivation() throws(DSCError) -> (out: (q: ONNXQuantized, qNode: Int, clipNode: Int?), lo: Float, hi: Float)? {
        guard let out = node.outputs.first, !graphOutputs.contains(out), let u = uses[out], u.count == 1 else { return nil }
        let next = graph.nodes[u[0].node]
        var clip: Int?
        var qIndex = u[0].node
        var (lo, hi) = (-Float.infinity, Float.infinity)
        if next.opType == "Relu" || next.opType == "Clip" {
            guard let cout = next.outputs.first, !graphOutputs.contains(cout), let cu = uses[cout], cu.count == 1 else { return nil }
            clip = u[0].node
            qIndex = cu[0].node
            (lo, hi) = next.opType == "Relu" ? (0, .infinity) : try clipBounds(next)
        }
        let qn = graph.nodes[qIndex]
        guard qn.opType == "QuantizeLinear", qn.inputs.count >= 2, let qout = qn.outputs.first else { return nil }
        let (params, zpType) = try quantization(scale: qn.inputs[1], zeroPoint: qn.inputs.count > 2 ? qn.inputs[2] : nil, of: "'\(qout)'")
        return ((ONNXQuantized(name: qout, params: params, type: zpType ?? .uint8), qIndex, clip), lo, hi)
    }

    /// The MLAS algorithm ONNX Runtime 1.32's NchwcTransformer and MlasNchwcConv choose for this Conv;
    /// `.generic` when the NchwcTransformer leaves it to MLAS's generic Conv (measured: group 1 needs fewer
    /// input channels than the block or a multiple of 4; depthwise a multiple of 4 channels and multiplier 1;
    /// other groups multiples of the block in and out per group); nil for a dilation DSCFlow does not follow.
    static func floatAlgorithm(channels c: Int, outputs m: Int, groups: Int, kernel: (Int, Int), window w: Window2D,
                               block: Int) -> ORTFloatConvAlgorithm? {
        guard block > 0, w.dilationHeight == 1, w.dilationWidth == 1 else { return nil }
        let cg = c / groups, mg = m / groups
        let pointwise = kernel == (1, 1) && w.padTop + w.padLeft + w.padBottom + w.padRight == 0
        if groups == 1 {
            if c < block { return .nchw }
            guard c % 4 == 0 else { return .generic }
            return pointwise ? .pointwise : .nchwc
        }
        if cg == 1 && mg == 1 { return c % 4 == 0 ? .depthwise : .generic }
        guard cg % block == 0, mg % block == 0 else { return .generic }
        return pointwise ? .pointwise : .nchwc
    }

    /// The unfused QDQ Conv of the current node: x (8-bit) → DequantizeLinear → float Conv (+ Relu/Clip)
    /// → QuantizeLinear.
    mutating func emitFloatConvolution(_ x: ONNXQuantized, reason: String) throws(DSCError) {
        let n = node
        guard let (out, lo, hi) = try quantizedOutputThroughActivation() else { throw unfusedFloat("\(reason); its output is not quantized again") }
        let y = out.q
        guard let xs = onnxShape(x.name), xs.count == 4 else { throw unsupported("input '\(x.name)' is not 4-D (NCHW)") }
        let w = try dequantizedWeights(n.inputs[1], channelsOf: 0)
        guard w.dims.count == 4 else { throw unsupported("weights of rank \(w.dims.count)") }
        let (c, h, wd) = (xs[1], xs[2], xs[3])
        let (m, cg, kh, kw) = (w.dims[0], w.dims[1], w.dims[2], w.dims[3])
        let groups = try int("group", default: 1, in: 1...Int64(1 << 20))
        guard c % groups == 0, m % groups == 0, cg == c / groups else { throw unsupported("weights \(w.dims) do not fit \(c) channels in \(groups) groups") }
        let win = try window(height: h, width: wd, kernel: [kh, kw])
        let (oh, ow) = try outputSize(win, height: h, width: wd)
        let block = Int(dscsimd_ort_nchwc_block_size())
        guard let algorithm = Self.floatAlgorithm(channels: c, outputs: m, groups: groups, kernel: (kh, kw), window: win, block: block) else {
            throw unfusedFloat("\(reason); its dilation is not 1")
        }
        // MLAS's SGEMM takes another kernel (M1TransposeB) for a one-pixel output of several filters per group.
        if algorithm == .generic && oh * ow == 1 && m / groups > 1 {
            throw unfusedFloat("\(reason); its 1×1 output goes to MLAS's transposed M=1 SGEMM kernel, which DSCFlow does not reproduce")
        }
        // DequantizeLinear of the weights, OIHW → OHWI.
        var filter = [Float](repeating: 0, count: w.values.count)
        for o in 0..<m {
            let s = w.scales[w.scales.count == 1 ? 0 : o]
            for i in 0..<cg {
                for t in 0..<(kh * kw) { filter[(o * kh * kw + t) * cg + i] = Float(Int32(w.values[(o * cg + i) * kh * kw + t])) * s }
            }
        }
        let bias = try dequantizedFloatBias(n.inputs.count > 2 ? n.inputs[2] : nil, count: m)
        let input = try tensor(x.name, .nhwc)
        let bytes = filter.withUnsafeBytes { [UInt8]($0) }
        let f = addTensor(y.name + "#float_weights", .float32, [m, kh, kw, cg], data: ConstantData(bytes: bytes))
        let p = ORTFloatConvParameters(window: win, groups: groups, algorithm: algorithm, blockSize: block, input: x.params,
                                       output: y.params, bias: bias, activationMin: lo, activationMax: hi)
        let t = addTensor(y.name, y.type, [xs[0], oh, ow, m])
        emit(.ortFloatConv(p), [input, f], t)
        bind(y.name, t, .nhwc, y)
        absorb(out)
    }

    /// The DequantizeLinear values of a QDQ bias: Float(b − zp) · scale (per tensor or per channel).
    func dequantizedFloatBias(_ name: String?, count: Int) throws(DSCError) -> [Float] {
        guard let name, !name.isEmpty else { return [] }
        guard let d = dequantizeNode(writing: name) else { return try floats(try constant(name, "bias")) }
        let dq = graph.nodes[d]
        guard dq.inputs.count >= 2 else { throw malformed("DequantizeLinear '\(dq.name)' has \(dq.inputs.count) inputs") }
        let b = try integers(try constant(dq.inputs[0], "bias"))
        let s = try floats(try constant(dq.inputs[1], "bias scale"))
        let z = dq.inputs.count > 2 && !dq.inputs[2].isEmpty ? try integers(try constant(dq.inputs[2], "bias zero point")) : [0]
        guard b.count == count, s.count == 1 || s.count == count, z.count == 1 || z.count == count else {
            throw unsupported("bias of \(b.count) values, \(s.count) scales, \(z.count) zero points for \(count) channels")
        }
        return (0..<count).map { i in
            Float(Int32(truncatingIfNeeded: b[i]) &- Int32(truncatingIfNeeded: z[z.count == 1 ? 0 : i])) * s[s.count == 1 ? 0 : i]
        }
    }
}
