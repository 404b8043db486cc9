/// The dispatch over ONNX operators, and the QDQ groups: which DequantizeLinear nodes feed a computing
/// node, which QuantizeLinear takes its output, and whether ONNX Runtime fuses the group into its QLinear
/// operator at its default optimisation level (docs/ONNX.md, "Which groups ONNX Runtime fuses").
extension ONNXGraphBuilder {
    mutating func importNode(_ n: ONNXNode) throws(DSCError) {
        guard n.domain.isEmpty || n.domain == "ai.onnx" || n.domain == "com.microsoft" else {
            throw unsupported("operator domain '\(n.domain)'")
        }
        switch n.opType {
        case "QuantizeLinear": try importQuantizeLinear()
        case "DequantizeLinear": try importDequantizeLinear()
        case "QLinearConv": try importQLinearConv()
        case "QGemm": try importQGemm()
        case "QLinearMatMul": try importQLinearMatMul()
        case "QLinearAdd": try importQLinearAdd()
        case "QLinearAveragePool": try importQLinearAveragePool()
        case "QLinearGlobalAveragePool": try importQLinearGlobalAveragePool()
        case "QLinearConcat": try importQLinearConcat()
        case "QLinearSoftmax": try importQLinearSoftmax()
        case "Conv": try importQDQConv()
        case "Gemm", "MatMul": try importQDQGemm()
        case "Add": try importQDQAdd()
        case "AveragePool", "GlobalAveragePool": try importQDQAveragePool()
        case "Concat": try importQDQConcat()
        case "Softmax": try importQDQSoftmax()
        case "MaxPool", "Flatten", "Reshape", "Transpose", "Squeeze", "Unsqueeze", "Identity", "Relu", "Clip", "Pad", "Resize":
            try importDataMovement()
        default:
            throw unsupported("operator \(n.opType) is not supported (docs/ONNX.md lists the supported operators)")
        }
    }

    // MARK: QDQ groups

    /// The DequantizeLinear node writing `name`, if one does.
    func dequantizeNode(writing name: String) -> Int? {
        guard let p = producer[name], graph.nodes[p].opType == "DequantizeLinear" else { return nil }
        return p
    }

    /// The 8-bit tensor a DequantizeLinear of an activation reads, with its quantization (per tensor).
    func dequantized(_ name: String) throws(DSCError) -> ONNXQuantized? {
        guard let d = dequantizeNode(writing: name) else { return nil }
        let dq = graph.nodes[d]
        guard dq.inputs.count >= 2 else { throw malformed("DequantizeLinear '\(dq.name)' has \(dq.inputs.count) inputs") }
        let src = dq.inputs[0]
        guard constants[src] == nil else { return nil }  // a weight: read by the computing node itself
        let (params, zpType) = try quantization(scale: dq.inputs[1], zeroPoint: dq.inputs.count > 2 ? dq.inputs[2] : nil,
                                                of: "'\(src)'")
        let type = try sourceType(src, declared: zpType)
        return ONNXQuantized(name: src, params: params, type: type)
    }

    /// The 8-bit type of a bound tensor (checked against a zero point's type when one is given).
    func sourceType(_ name: String, declared: ElementType?) throws(DSCError) -> ElementType {
        guard let b = bound[name] else { throw unsupported("input '\(name)' is not an 8-bit tensor DSCFlow computed") }
        let t = tensors[b.index].type
        guard t == .int8 || t == .uint8 else { throw unsupported("'\(name)' has type \(t.name); expected int8 or uint8") }
        if let declared, declared != t { throw malformed("'\(name)' is \(t.name) but its zero point is \(declared.name)") }
        return t
    }

    /// The activation inputs of the current node, each read through a DequantizeLinear (nil where an
    /// input is not: a constant, or absent).
    func dequantizedInputs() throws(DSCError) -> [ONNXQuantized?] {
        var out: [ONNXQuantized?] = []
        for x in node.inputs { out.append(x.isEmpty ? nil : try dequantized(x)) }
        return out
    }

    /// Where the current node's (only) output goes in a QDQ group: the QuantizeLinear reading it (and a
    /// Relu or Clip between them that the QuantizeLinear makes redundant), or nil when the output is not
    /// requantized that way (then ONNX Runtime computes it in float and leaves it float).
    func quantizedOutput() throws(DSCError) -> (q: ONNXQuantized, qNode: Int, clipNode: Int?)? {
        guard node.outputs.count == 1, let out = node.outputs.first, !graphOutputs.contains(out) else { return nil }
        guard let u = uses[out], u.count == 1 else { return nil }
        var next = u[0].node
        var clip: Int?
        let nextOp = graph.nodes[next].opType
        if nextOp == "Relu" || nextOp == "Clip" {
            let c = graph.nodes[next]
            guard let cout = c.outputs.first, !graphOutputs.contains(cout), let cu = uses[cout], cu.count == 1 else { return nil }
            clip = next
            next = cu[0].node
        }
        let qn = graph.nodes[next]
        guard qn.opType == "QuantizeLinear", qn.inputs.count >= 2, let qout = qn.outputs.first else { return nil }
        let (params, zpType) = try quantization(scale: qn.inputs[1], zeroPoint: qn.inputs.count > 2 ? qn.inputs[2] : nil,
                                                of: "'\(qout)'")
        let q = ONNXQuantized(name: qout, params: params, type: zpType ?? .uint8)
        if let clip, !(try clipIsRedundant(graph.nodes[clip], q)) { return nil }
        return (q, next, clip)
    }

    /// ONNX Runtime's IsClipMadeRedundantByQ: a Relu when the zero point is the type's minimum, a Clip
    /// whose bounds, quantized, cover the type's range.
    func clipIsRedundant(_ c: ONNXNode, _ q: ONNXQuantized) throws(DSCError) -> Bool {
        let range = q.type.range
        if c.opType == "Relu" { return q.params.zeroPoint == range.lowerBound }
        let (lo, hi) = try clipBounds(c)
        let qlo = Int64((lo / q.params.scale).rounded(.toNearestOrEven)) + Int64(q.params.zeroPoint)
        let qhi = Int64((hi / q.params.scale).rounded(.toNearestOrEven)) + Int64(q.params.zeroPoint)
        return qlo <= Int64(range.lowerBound) && qhi >= Int64(range.upperBound)
    }

    /// A Clip's bounds (inputs 1 and 2, or the min/max attributes of opset < 11); ±infinity when absent.
    func clipBounds(_ c: ONNXNode) throws(DSCError) -> (Float, Float) {
        var lo = -Float.infinity, hi = Float.infinity
        if let a = c.attribute("min") { lo = a.f }
        if let a = c.attribute("max") { hi = a.f }
        if c.inputs.count > 1, !c.inputs[1].isEmpty {
            let v = try floats(try constant(c.inputs[1], "Clip min"))
            guard v.count == 1 else { throw unsupported("Clip min with \(v.count) values") }
            lo = v[0]
        }
        if c.inputs.count > 2, !c.inputs[2].isEmpty {
            let v = try floats(try constant(c.inputs[2], "Clip max"))
            guard v.count == 1 else { throw unsupported("Clip max with \(v.count) values") }
            hi = v[0]
        }
        guard !lo.isNaN, !hi.isNaN, lo <= hi else { throw unsupported("Clip range [\(lo), \(hi)]") }
        return (lo, hi)
    }

    /// Marks the group's QuantizeLinear (and redundant Relu/Clip) as done.
    mutating func absorb(_ out: (q: ONNXQuantized, qNode: Int, clipNode: Int?)) {
        absorbed.insert(out.qNode)
        if let c = out.clipNode { absorbed.insert(c) }
    }

    /// Whether `q`'s values are unsigned once ONNX Runtime's QDQS8ToU8Transformer (x86, where QDQ int8
    /// is not "allowed") has run: it turns an int8 QuantizeLinear → DequantizeLinear pair into uint8 when
    /// the QuantizeLinear feeds exactly one edge, to that DequantizeLinear (EnsureUniqueDQForNodeUnit
    /// has first given every consumer of a shared DequantizeLinear its own copy), and both zero points
    /// are the same int8 scalar. The values change by 128 and back; only the fusion rules see the types.
    func effectivelyUnsigned(_ q: ONNXQuantized) -> Bool {
        if q.type == .uint8 { return true }
        guard let p = producer[q.name], graph.nodes[p].opType == "QuantizeLinear", !graphOutputs.contains(q.name),
              let u = uses[q.name], u.count == 1, u[0].slot == 0 else { return false }
        let dq = graph.nodes[u[0].node]
        guard dq.opType == "DequantizeLinear", let dout = dq.outputs.first else { return false }
        let edges = uses[dout]?.count ?? 0
        let duplicates = graphOutputs.contains(dout) ? edges + 1 : edges
        guard duplicates <= 1 else { return false }
        // Both zero points: int8 scalar constants of one value.
        let qn = graph.nodes[p]
        guard qn.inputs.count > 2, dq.inputs.count > 2, let qz = constants[qn.inputs[2]], let dz = constants[dq.inputs[2]],
              qz.dims.isEmpty || qz.dims == [1], dz.dims.isEmpty || dz.dims == [1],
              qz.dataType == ONNXSchema.DataType.int8, dz.dataType == ONNXSchema.DataType.int8,
              let a = try? integers(qz), let b = try? integers(dz), a == b else { return false }
        return true
    }

    /// The error for a group ONNX Runtime leaves unfused and computes in float32 where DSCFlow does not
    /// reproduce that float operator.
    func unfusedFloat(_ why: String) -> DSCError {
        unsupported("ONNX Runtime does not fuse this QDQ group (\(why)) and runs it in float32; DSCFlow does not reproduce that float \(node.opType) (docs/ONNX.md)")
    }

    // MARK: QuantizeLinear and DequantizeLinear at the graph's edges

    /// A QuantizeLinear of a float graph input (one inside a group was absorbed by its group), or of a
    /// DequantizeLinear's output (a requantization: a lookup table).
    mutating func importQuantizeLinear() throws(DSCError) {
        let n = node
        guard n.inputs.count >= 2, let out = n.outputs.first else { throw malformed("QuantizeLinear needs an input and a scale") }
        let (params, zpType) = try quantization(scale: n.inputs[1], zeroPoint: n.inputs.count > 2 ? n.inputs[2] : nil, of: "'\(out)'")
        let type = zpType ?? .uint8
        if let src = try dequantized(n.inputs[0]) {
            try emitRequantization(src, to: ONNXQuantized(name: out, params: params, type: type))
            return
        }
        guard let b = bound[n.inputs[0]], tensors[b.index].type == .float32 else {
            throw unsupported("QuantizeLinear of '\(n.inputs[0])', a float tensor DSCFlow does not compute (only the graph's float inputs are quantized)")
        }
        let t = addTensor(out, type, tensors[b.index].shape)
        emit(.quantize(params), [b.index], t)
        bind(out, t, b.layout, ONNXQuantized(name: out, params: params, type: type))
    }

    /// A DequantizeLinear whose output is a graph output (float32, in the graph's layout). Others are
    /// read by their groups.
    mutating func importDequantizeLinear() throws(DSCError) {
        let n = node
        guard let out = n.outputs.first else { throw malformed("DequantizeLinear without an output") }
        if constants[n.inputs.first ?? ""] != nil { return }  // a weight or bias, read by its group
        guard graphOutputs.contains(out) else { return }
        guard let src = try dequantized(out) else { throw unsupported("DequantizeLinear of a constant as a graph output") }
        let x = try tensor(src.name, .onnx)
        let t = addTensor(out, .float32, tensors[x].shape)
        emit(.dequantize(src.params), [x], t)
        bind(out, t, .onnx)
    }

    /// out = QuantizeLinear(DequantizeLinear(x)) with other parameters: a table (or nothing when they
    /// agree: ONNX Runtime's round trip then gives the byte back).
    mutating func emitRequantization(_ src: ONNXQuantized, to out: ONNXQuantized,
                                     transform: (Float) -> Float = { $0 }) throws(DSCError) {
        let b = try current(src.name)
        let table = ORTArithmetic.requantizationTable(inputSigned: src.type == .int8, inputScale: src.params.scale,
                                                      inputZeroPoint: src.params.zeroPoint, outputSigned: out.type == .int8,
                                                      outputScale: out.params.scale, outputZeroPoint: out.params.zeroPoint,
                                                      transform: transform)
        let t = addTensor(out.name, out.type, tensors[b.index].shape)
        let same = (0..<256).allSatisfy { table[$0] == UInt8($0) }
        emit(same ? .reshape : .lookupTable(LookupTableParameters(table: table)), [b.index], t)
        bind(out.name, t, b.layout, out)
    }
}
