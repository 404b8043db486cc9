/// Conv, Gemm and MatMul: as QLinearConv / QGemm / QLinearMatMul (QOperator format) or as the QDQ groups
/// ONNX Runtime fuses into them. All become conv-like IR operators with ONNX Runtime's requantization
/// (`ORTFloatRequantizer`) and int8 weights.
extension ONNXGraphBuilder {
    /// Constant 8-bit weights, their zero point subtracted (each value must then fit int8, as the
    /// kernels take int8 weights), with their scales.
    struct Weights {
        /// w − zp in the file's order.
        var values: [Int8]
        var dims: [Int]
        /// One scale, or one per output channel.
        var scales: [Float]
        /// The type in the file.
        var type: ElementType
    }

    /// Reads weights `name` with their `scale` and `zeroPoint` constants; `channels` scales are allowed
    /// besides one.
    func weights(_ name: String, scale: String, zeroPoint: String?, channels: Int) throws(DSCError) -> Weights {
        let w = try constant(name, "weights")
        let type = try byteType(w.dataType, "weights '\(name)'")
        let values = try integers(w)
        let scales = try floats(try constant(scale, "weight scale"))
        guard scales.count == 1 || scales.count == channels else {
            throw unsupported("\(scales.count) weight scales for \(channels) channels")
        }
        for s in scales where !(s.isFinite && s > 0 && s.isNormal) { throw unsupported("weight scale \(s)") }
        var zp: Int64 = 0
        if let zeroPoint, !zeroPoint.isEmpty {
            let z = try integers(try constant(zeroPoint, "weight zero point"))
            guard z.count == 1 || z.count == channels, let first = z.first else { throw unsupported("\(z.count) weight zero points") }
            // ONNX Runtime's QLinearConv: "zero point of per-channel filter must be same".
            guard z.allSatisfy({ $0 == first }) else { throw unsupported("per-channel weight zero points differ") }
            zp = first
        }
        var out = [Int8]()
        out.reserveCapacity(values.count)
        for v in values {
            let d = v - zp
            guard d >= -128 && d <= 127 else {
                throw unsupported("weight \(v) minus zero point \(zp) does not fit int8 (DSCFlow's kernels take int8 weights)")
            }
            out.append(Int8(d))
        }
        return Weights(values: out, dims: w.dims.map { Int($0) }, scales: scales, type: type)
    }

    /// An int32 bias constant of `count` values (nil name: none).
    func bias(_ name: String?, count: Int) throws(DSCError) -> [Int32] {
        guard let name, !name.isEmpty else { return [] }
        let t = try constant(name, "bias")
        guard t.dataType == ONNXSchema.DataType.int32 else { throw unsupported("bias of type \(ONNXSchema.DataType.name(t.dataType)); expected int32") }
        let v = try integers(t)
        guard v.count == count else { throw unsupported("\(v.count) bias values for \(count) channels") }
        return v.map { Int32(truncatingIfNeeded: $0) }
    }

    /// ONNX Runtime's requantizer for an output quantized as `y`: scale[c] = x_scale · w_scale[c] / y_scale
    /// in float32, in that order (QLinearConv's ComputeOutputScale; QGemm multiplies alpha in first).
    func requantizer(inputScale: Float, weightScales: [Float], alpha: Float = 1, _ y: ONNXQuantized) -> Requantizer {
        let range = y.type.range
        let scales = weightScales.map { (alpha * inputScale) * $0 / y.params.scale }
        return .ortFloat(ORTFloatRequantizer(scales: scales, outputZeroPoint: y.params.zeroPoint,
                                             outputMin: range.lowerBound, outputMax: range.upperBound))
    }

    /// Emits a QLinearConv: x (8-bit, NCHW in ONNX) * weights [M, C/group, kh, kw] + bias → y.
    mutating func emitConvolution(_ x: ONNXQuantized, _ w: Weights, bias: [Int32], _ y: ONNXQuantized) throws(DSCError) {
        guard x.type == y.type else { throw unsupported("input \(x.type.name) and output \(y.type.name) differ (ONNX Runtime's QLinearConv needs one type)") }
        guard let xs = onnxShape(x.name), xs.count == 4 else { throw unsupported("input '\(x.name)' is not 4-D (NCHW)") }
        guard w.dims.count == 4 else { throw unsupported("weights of rank \(w.dims.count); expected 4 (2-D convolution)") }
        let (n, c, h, wd) = (xs[0], xs[1], xs[2], xs[3])
        let (m, cg, kh, kw) = (w.dims[0], w.dims[1], w.dims[2], w.dims[3])
        let group = try int("group", default: 1, in: 1...Int64(1 << 20))
        if let k = ints("kernel_shape"), k.map({ Int($0) }) != [kh, kw] { throw unsupported("kernel_shape \(k) differs from the weights \(w.dims)") }
        guard c % group == 0, m % group == 0, cg == c / group, m >= 1 else {
            throw unsupported("weights \(w.dims) do not fit \(c) input channels in \(group) groups")
        }
        guard w.scales.count == 1 || w.scales.count == m else { throw unsupported("\(w.scales.count) weight scales for \(m) channels") }
        guard bias.isEmpty || bias.count == m else { throw unsupported("\(bias.count) bias values for \(m) channels") }
        let win = try window(height: h, width: wd, kernel: [kh, kw])
        let (oh, ow) = try outputSize(win, height: h, width: wd)
        let rq = requantizer(inputScale: x.params.scale, weightScales: w.scales, y)
        let depthwise = group == c && cg == 1 && group > 1
        // IR filters: OHWI for conv (I = C / group), [1, kh, kw, M] for depthwise.
        var filter = [UInt8](repeating: 0, count: w.values.count)
        var filterShape: [Int]
        if depthwise {
            filterShape = [1, kh, kw, m]
            for o in 0..<m { for t in 0..<(kh * kw) { filter[t * m + o] = UInt8(bitPattern: w.values[o * kh * kw + t]) } }
        } else {
            filterShape = [m, kh, kw, cg]
            for o in 0..<m {
                for i in 0..<cg {
                    for t in 0..<(kh * kw) { filter[(o * kh * kw + t) * cg + i] = UInt8(bitPattern: w.values[(o * cg + i) * kh * kw + t]) }
                }
            }
        }
        let input = try tensor(x.name, .nhwc)
        let f = addTensor(node.inputs.count > 3 && node.opType == "QLinearConv" ? node.inputs[3] : x.name + "#weights", .int8, filterShape,
                          data: ConstantData(bytes: filter))
        let p = ConvolutionParameters(window: win, depthMultiplier: depthwise ? m / c : 1, inputOffset: -x.params.zeroPoint,
                                      paddingValue: x.params.zeroPoint, bias: bias, requantizer: rq)
        let out = addTensor(y.name, y.type, [n, oh, ow, m])
        emit(depthwise ? .depthwiseConv2D(p) : .conv2D(p), [input, f], out)
        bind(y.name, out, .nhwc, y)
    }

    /// Emits a QGemm / QLinearMatMul: a [rows, K] 8-bit matrix times constant weights `w` ([K, N], or
    /// [N, K] with `transposed`) plus an int32 bias → y [rows, N].
    mutating func emitMatrixProduct(_ a: ONNXQuantized, _ w: Weights, transposed: Bool, bias: [Int32], alpha: Float,
                                    _ y: ONNXQuantized) throws(DSCError) {
        guard a.type == y.type else { throw unsupported("input \(a.type.name) and output \(y.type.name) differ") }
        guard let shape = onnxShape(a.name), shape.count >= 2 else { throw unsupported("input '\(a.name)' is not a matrix") }
        guard w.dims.count == 2 else { throw unsupported("weights of rank \(w.dims.count); expected 2") }
        let k = transposed ? w.dims[1] : w.dims[0], units = transposed ? w.dims[0] : w.dims[1]
        guard shape.last == k else { throw unsupported("input \(shape) does not end in the weights' depth \(k)") }
        guard w.scales.count == 1 || w.scales.count == units else { throw unsupported("\(w.scales.count) weight scales for \(units) columns") }
        guard bias.isEmpty || bias.count == units else { throw unsupported("\(bias.count) bias values for \(units) columns") }
        var filter = [UInt8](repeating: 0, count: w.values.count)
        for u in 0..<units {
            for d in 0..<k { filter[u * k + d] = UInt8(bitPattern: w.values[transposed ? u * k + d : d * units + u]) }
        }
        let input = try tensor(a.name, .onnx)
        let f = addTensor(y.name + "#weights", .int8, [units, k], data: ConstantData(bytes: filter))
        let p = FullyConnectedParameters(inputOffset: -a.params.zeroPoint, bias: bias,
                                         requantizer: requantizer(inputScale: a.params.scale, weightScales: w.scales, alpha: alpha, y))
        let out = addTensor(y.name, y.type, Array(shape.dropLast()) + [units])
        emit(.fullyConnected(p), [input, f], out)
        bind(y.name, out, .onnx, y)
    }

    // MARK: QOperator format

    /// The 8-bit input at `slot` of a QLinear node, quantized by the constants at the next two slots.
    func qlinearInput(_ slot: Int) throws(DSCError) -> ONNXQuantized {
        let n = node
        guard n.inputs.count > slot + 1 else { throw malformed("missing input \(slot)") }
        let name = n.inputs[slot]
        let (params, zpType) = try quantization(scale: n.inputs[slot + 1], zeroPoint: n.inputs.count > slot + 2 ? n.inputs[slot + 2] : nil,
                                                of: "'\(name)'")
        return ONNXQuantized(name: name, params: params, type: try sourceType(name, declared: zpType))
    }

    /// The output of a QLinear node, quantized by the constants at `scaleSlot` and the next slot.
    func qlinearOutput(scaleSlot: Int) throws(DSCError) -> ONNXQuantized {
        let n = node
        guard n.inputs.count > scaleSlot, let out = n.outputs.first else { throw malformed("missing output scale") }
        let (params, zpType) = try quantization(scale: n.inputs[scaleSlot], zeroPoint: n.inputs.count > scaleSlot + 1 ? n.inputs[scaleSlot + 1] : nil,
                                                of: "'\(out)'")
        return ONNXQuantized(name: out, params: params, type: zpType ?? .uint8)
    }

    mutating func importQLinearConv() throws(DSCError) {
        let n = node
        guard n.inputs.count >= 8 else { throw malformed("QLinearConv has \(n.inputs.count) inputs; expected 8 or 9") }
        let x = try qlinearInput(0), y = try qlinearOutput(scaleSlot: 6)
        let wt = try constant(n.inputs[3], "weights")
        let m = Int(wt.dims.first ?? 0)
        let w = try weights(n.inputs[3], scale: n.inputs[4], zeroPoint: n.inputs[5], channels: m)
        try emitConvolution(x, w, bias: try bias(n.inputs.count > 8 ? n.inputs[8] : nil, count: m), y)
    }

    mutating func importQGemm() throws(DSCError) {
        let n = node
        guard n.inputs.count >= 9 else { throw unsupported("QGemm without an output scale (a float output)") }
        guard try int("transA", default: 0) == 0 else { throw unsupported("transA") }
        let transB = try int("transB", default: 0) != 0
        let a = try qlinearInput(0), y = try qlinearOutput(scaleSlot: 7)
        let wt = try constant(n.inputs[3], "weights")
        guard wt.dims.count == 2 else { throw unsupported("weights of rank \(wt.dims.count)") }
        let units = Int(transB ? wt.dims[0] : wt.dims[1])
        let w = try weights(n.inputs[3], scale: n.inputs[4], zeroPoint: n.inputs[5], channels: units)
        try emitMatrixProduct(a, w, transposed: transB, bias: try bias(n.inputs[6], count: units), alpha: float("alpha", default: 1), y)
    }

    mutating func importQLinearMatMul() throws(DSCError) {
        let n = node
        guard n.inputs.count >= 8 else { throw malformed("QLinearMatMul has \(n.inputs.count) inputs; expected 8") }
        let a = try qlinearInput(0), y = try qlinearOutput(scaleSlot: 6)
        let wt = try constant(n.inputs[3], "weights (the second matrix must be constant)")
        guard wt.dims.count == 2 else { throw unsupported("weights of rank \(wt.dims.count)") }
        let w = try weights(n.inputs[3], scale: n.inputs[4], zeroPoint: n.inputs[5], channels: Int(wt.dims[1]))
        try emitMatrixProduct(a, w, transposed: false, bias: [], alpha: 1, y)
    }

    // MARK: QDQ format

    /// The weights of a QDQ group: `name` written by a DequantizeLinear of a constant.
    func dequantizedWeights(_ name: String, channelsOf dim: Int) throws(DSCError) -> Weights {
        guard let d = dequantizeNode(writing: name) else { throw unsupported("weights '\(name)' must be a DequantizeLinear of a constant") }
        let dq = graph.nodes[d]
        guard dq.inputs.count >= 2 else { throw malformed("DequantizeLinear '\(dq.name)' has \(dq.inputs.count) inputs") }
        let wt = try constant(dq.inputs[0], "weights")
        guard dim < wt.dims.count else { throw unsupported("weights of rank \(wt.dims.count)") }
        if try floats(try constant(dq.inputs[1], "weight scale")).count > 1 {
            var axis = dq.attribute("axis")?.i ?? 1
            if axis < 0 { axis += Int64(wt.dims.count) }
            guard axis == Int64(dim) else { throw unsupported("weights quantized per channel along axis \(axis); expected \(dim)") }
        }
        return try weights(dq.inputs[0], scale: dq.inputs[1], zeroPoint: dq.inputs.count > 2 ? dq.inputs[2] : nil,
                           channels: Int(wt.dims[dim]))
    }

    /// The int32 bias of a QDQ group (a DequantizeLinear of an int32 constant; ONNX Runtime uses the
    /// integers and ignores that DequantizeLinear's scale).
    func dequantizedBias(_ name: String?, count: Int) throws(DSCError) -> [Int32] {
        guard let name, !name.isEmpty else { return [] }
        guard let d = dequantizeNode(writing: name), let src = graph.nodes[d].inputs.first else {
            throw unsupported("float bias '\(name)' (ONNX Runtime fuses only an int32 bias)")
        }
        return try bias(src, count: count)
    }

    mutating func importQDQConv() throws(DSCError) {
        let n = node
        let ins = try dequantizedInputs()
        guard n.inputs.count >= 2, let x = ins[0] else { throw unsupported("Conv whose input is not dequantized (a float Conv)") }
        guard let out = try quantizedOutput() else {
            return try emitFloatConvolution(x, reason: "its output does not go to one QuantizeLinear through a redundant Relu/Clip")
        }
        let y = out.q
        let xu = effectivelyUnsigned(x), yu = effectivelyUnsigned(y)
        guard xu == yu else { return try emitFloatConvolution(x, reason: "input and output types differ once int8 pairs are converted to uint8") }
        guard xu else { return try emitFloatConvolution(x, reason: "int8 activations") }
        let w = try dequantizedWeights(n.inputs[1], channelsOf: 0)
        let b = try dequantizedBias(n.inputs.count > 2 ? n.inputs[2] : nil, count: w.dims.first ?? 0)
        try emitConvolution(x, w, bias: b, y)
        absorb(out)
    }

    mutating func importQDQGemm() throws(DSCError) {
        let n = node
        let ins = try dequantizedInputs()
        guard n.inputs.count >= 2, let a = ins[0] else { throw unsupported("\(n.opType) whose input is not dequantized (a float \(n.opType))") }
        guard let out = try quantizedOutput() else { throw unfusedFloat("its output is not quantized by one QuantizeLinear") }
        let matmul = n.opType == "MatMul"
        let transB = matmul ? false : try int("transB", default: 0) != 0
        if !matmul {
            guard try int("transA", default: 0) == 0 else { throw unsupported("transA") }
            if n.inputs.count > 2, !n.inputs[2].isEmpty, float("beta", default: 1) != 1 { throw unfusedFloat("beta ≠ 1") }
        }
        let w = try dequantizedWeights(n.inputs[1], channelsOf: transB ? 0 : 1)
        let au = effectivelyUnsigned(a), yu = effectivelyUnsigned(out.q)
        guard au == yu else { throw unfusedFloat("input and output types differ once int8 pairs are converted to uint8") }
        if !au {
            // MatMul needs int8 "allowed" (not on x86); Gemm needs int8 weights with int8 input.
            guard !matmul else { throw unfusedFloat("int8 activations") }
            guard w.type == .int8 else { throw unfusedFloat("int8 input with uint8 weights") }
        }
        let units = transB ? (w.dims.first ?? 0) : (w.dims.last ?? 0)
        let b = try dequantizedBias(matmul || n.inputs.count < 3 ? nil : n.inputs[2], count: units)
        try emitMatrixProduct(a, w, transposed: transB, bias: b, alpha: matmul ? 1 : float("alpha", default: 1), out.q)
        absorb(out)
    }
}
