/// Add, the pools, Concat and Softmax (QLinear operators, or their QDQ groups).
extension ONNXGraphBuilder {
    // MARK: Add

    mutating func importQLinearAdd() throws(DSCError) {
        let n = node
        guard n.inputs.count >= 7 else { throw malformed("QLinearAdd has \(n.inputs.count) inputs; expected 8") }
        try emitAdd(try qlinearInput(0), try qlinearInput(3), try qlinearOutput(scaleSlot: 6))
    }

    mutating func importQDQAdd() throws(DSCError) {
        let ins = try dequantizedInputs()
        guard ins.count == 2, let a = ins[0], let b = ins[1] else { throw unsupported("Add whose inputs are not both dequantized (a float Add)") }
        guard let out = try quantizedOutput() else { throw unfusedFloat("its output is not quantized by one QuantizeLinear") }
        let au = effectivelyUnsigned(a), bu = effectivelyUnsigned(b), yu = effectivelyUnsigned(out.q)
        let fused = au == bu && bu == yu
        // Fused on int8 pairs ONNX Runtime turned into uint8: its QLinearAdd then runs on uint8 values with
        // zero points + 128, which its float arithmetic does not treat the same (docs/ONNX.md).
        if fused && au && a.type == .int8 {
            try emitInUnsignedDomain([a, b], out.q) { (b, ins, y) throws(DSCError) in try b.emitAdd(ins[0], ins[1], y) }
        } else {
            try emitAdd(a, b, out.q, floatPath: !fused)
        }
        absorb(out)
    }

    /// QLinearAdd of two same-shape tensors (or, `floatPath`, ONNX Runtime's unfused float Add between
    /// DequantizeLinear and QuantizeLinear).
    mutating func emitAdd(_ a: ONNXQuantized, _ b: ONNXQuantized, _ y: ONNXQuantized, floatPath: Bool = false) throws(DSCError) {
        guard a.type == y.type, b.type == y.type else { throw unsupported("inputs \(a.type.name), \(b.type.name) and output \(y.type.name) differ") }
        guard let sa = onnxShape(a.name), let sb = onnxShape(b.name), sa == sb else {
            throw unsupported("inputs of shapes \(onnxShape(a.name) ?? []) and \(onnxShape(b.name) ?? []): DSCFlow adds same-shape tensors only")
        }
        let layout = try current(a.name).layout
        let x1 = try tensor(a.name, layout), x2 = try tensor(b.name, layout)
        var p = ORTAddParameters(a: a.params, b: b.params, c: y.params)
        p.floatPath = floatPath
        let out = addTensor(y.name, y.type, tensors[x1].shape)
        emit(.ortAdd(p), [x1, x2], out)
        bind(y.name, out, layout, y)
    }

    // MARK: pools

    mutating func importQLinearAveragePool() throws(DSCError) {
        guard node.inputs.count >= 4 else { throw malformed("QLinearAveragePool has \(node.inputs.count) inputs") }
        guard try int("channels_last", default: 0) == 0 else { throw unsupported("channels_last") }
        let x = try qlinearInput(0), y = try qlinearOutput(scaleSlot: 3)
        try emitAveragePool(x, y, global: false)
    }

    mutating func importQLinearGlobalAveragePool() throws(DSCError) {
        guard node.inputs.count >= 4 else { throw malformed("QLinearGlobalAveragePool has \(node.inputs.count) inputs") }
        guard try int("channels_last", default: 0) == 0 else { throw unsupported("channels_last") }
        let x = try qlinearInput(0), y = try qlinearOutput(scaleSlot: 3)
        try emitAveragePool(x, y, global: true)
    }

    mutating func importQDQAveragePool() throws(DSCError) {
        let ins = try dequantizedInputs()
        guard let x = ins.first ?? nil else {
            // A float AveragePool of a float tensor DSCFlow computes (a float graph input, or a float pool's output).
            if node.opType == "AveragePool", let xn = node.inputs.first, let b = bound[xn], tensors[b.index].type == .float32 {
                try importFloatPool(floatInput: xn)
                return
            }
            throw unsupported("\(node.opType) whose input is not dequantized (a float pool)")
        }
        guard let out = try quantizedOutput() else { throw unfusedFloat("its output is not quantized by one QuantizeLinear") }
        let xu = effectivelyUnsigned(x)
        guard xu == effectivelyUnsigned(out.q) else {
            // ONNX Runtime leaves the group unfused: DequantizeLinear, float AveragePool, QuantizeLinear.
            if node.opType == "AveragePool" { return try emitUnfusedFloatPool(x, out) }
            throw unfusedFloat("input and output types differ once int8 pairs are converted to uint8")
        }
        if xu && x.type == .int8 {
            let global = node.opType == "GlobalAveragePool"
            try emitInUnsignedDomain([x], out.q) { (b, ins, y) throws(DSCError) in try b.emitAveragePool(ins[0], y, global: global) }
        } else {
            try emitAveragePool(x, out.q, global: node.opType == "GlobalAveragePool")
        }
        absorb(out)
    }

    /// QLinearAveragePool / QLinearGlobalAveragePool on a 4-D tensor. An average pool whose kernel covers
    /// the whole image without padding is ONNX Runtime's global average (its QLinearAveragePool falls
    /// back to it).
    mutating func emitAveragePool(_ x: ONNXQuantized, _ y: ONNXQuantized, global: Bool) throws(DSCError) {
        guard x.type == y.type else { throw unsupported("input \(x.type.name) and output \(y.type.name) differ") }
        guard let s = onnxShape(x.name), s.count == 4 else { throw unsupported("input '\(x.name)' is not 4-D (NCHW)") }
        let (n, c, h, w) = (s[0], s[1], s[2], s[3])
        let input = try tensor(x.name, .nhwc)
        var isGlobal = global
        var win = Window2D(kernelHeight: h, kernelWidth: w, strideHeight: 1, strideWidth: 1, padding: .valid)
        var countIncludePad = false
        if !global {
            guard let k = ints("kernel_shape"), k.count == 2 else { throw unsupported("kernel_shape") }
            win = try window(height: h, width: w, kernel: k.map { Int($0) })
            guard win.dilationHeight == 1, win.dilationWidth == 1 else { throw unsupported("dilated average pool") }
            countIncludePad = try int("count_include_pad", default: 0) != 0
            try requireFloorOutput(win, height: h, width: w)
            isGlobal = win.kernelHeight == h && win.kernelWidth == w && win.padTop + win.padLeft + win.padBottom + win.padRight == 0
        }
        if isGlobal {
            let pixels = h * w
            // MLAS: scale = x_scale / (y_scale · N); it refuses N ≥ 2^24 and scales outside [2^-32, 256).
            let scale = x.params.scale / (y.params.scale * Float(pixels))
            guard pixels < 1 << 24, scale >= 0x1p-32, scale < 256 else {
                throw unsupported("scale \(scale) or size \(pixels) outside ONNX Runtime's QLinearGlobalAveragePool range")
            }
            let p = ORTGlobalAveragePoolParameters(inputZeroPoint: x.params.zeroPoint, scale: scale, outputZeroPoint: y.params.zeroPoint)
            let out = addTensor(y.name, y.type, [n, 1, 1, c])
            emit(.ortGlobalAveragePool(p), [input], out)
            bind(y.name, out, .nhwc, y)
            return
        }
        let (oh, ow) = try outputSize(win, height: h, width: w)
        let p = ORTAveragePoolParameters(window: win, countIncludePad: countIncludePad, input: x.params, output: y.params)
        let out = addTensor(y.name, y.type, [n, oh, ow, c])
        emit(.ortAveragePool(p), [input], out)
        bind(y.name, out, .nhwc, y)
    }

    /// `ceil_mode` is accepted where it gives the same output size as the floor.
    func requireFloorOutput(_ win: Window2D, height: Int, width: Int) throws(DSCError) {
        guard try int("ceil_mode", default: 0) != 0 else { return }
        for (size, k, s, pads) in [(height, win.kernelHeight, win.strideHeight, win.padTop + win.padBottom),
                                   (width, win.kernelWidth, win.strideWidth, win.padLeft + win.padRight)] {
            let span = size + pads - k
            guard span >= 0, span % s == 0 else { throw unsupported("ceil_mode with a partial last window") }
        }
    }

    // MARK: Concat

    mutating func importQLinearConcat() throws(DSCError) {
        let n = node
        guard n.inputs.count >= 5, (n.inputs.count - 2) % 3 == 0 else { throw malformed("QLinearConcat has \(n.inputs.count) inputs") }
        let y = try qlinearOutput(scaleSlot: 0)
        var parts: [ONNXQuantized] = []
        for k in stride(from: 2, to: n.inputs.count, by: 3) { parts.append(try qlinearInput(k)) }
        try emitConcat(parts, y)
    }

    mutating func importQDQConcat() throws(DSCError) {
        let ins = try dequantizedInputs()
        guard !ins.isEmpty, ins.allSatisfy({ $0 != nil }) else { throw unsupported("Concat of inputs that are not all dequantized (a float Concat)") }
        guard let out = try quantizedOutput() else { throw unfusedFloat("its output is not quantized by one QuantizeLinear") }
        // Fused (QLinearConcat's per-input tables) or not (DequantizeLinear, float copy, QuantizeLinear):
        // both give QuantizeLinear(DequantizeLinear(x)) per input.
        try emitConcat(ins.compactMap { $0 }, out.q)
        absorb(out)
    }

    /// Concatenation of 8-bit tensors along the `axis` attribute, each input requantized to the output's
    /// parameters by ONNX Runtime's table where its own differ.
    mutating func emitConcat(_ parts: [ONNXQuantized], _ y: ONNXQuantized) throws(DSCError) {
        guard let first = parts.first, let s0 = onnxShape(first.name) else { throw unsupported("no inputs") }
        let rank = s0.count
        var axis = Int(try int("axis", default: 1))
        if axis < 0 { axis += rank }
        guard axis >= 0, axis < rank else { throw unsupported("axis \(axis) for rank \(rank)") }
        let layout: ONNXLayout = rank == 4 ? .nhwc : .onnx
        var inputs: [Int] = []
        var total = 0
        for (k, p) in parts.enumerated() {
            guard p.type == y.type else { throw unsupported("input '\(p.name)' is \(p.type.name); the output \(y.type.name)") }
            guard let s = onnxShape(p.name), s.count == rank,
                  (0..<rank).allSatisfy({ $0 == axis || s[$0] == s0[$0] }) else { throw unsupported("input '\(p.name)' does not fit the concatenation") }
            total += s[axis]
            var src = p
            if p.params != y.params {
                src = ONNXQuantized(name: "\(y.name)#input\(k)", params: y.params, type: y.type)
                try emitRequantization(p, to: src)
            }
            inputs.append(try tensor(src.name, layout))
        }
        var shape = s0
        shape[axis] = total
        let irAxis = layout == .nhwc ? [0, 3, 1, 2][axis] : axis
        let irShape = layout == .nhwc ? [shape[0], shape[2], shape[3], shape[1]] : shape
        let out = addTensor(y.name, y.type, irShape)
        emit(.concatenation(axis: irAxis), inputs, out)
        bind(y.name, out, layout, y)
    }

    // MARK: Softmax

    mutating func importQLinearSoftmax() throws(DSCError) {
        guard node.inputs.count >= 4 else { throw malformed("QLinearSoftmax has \(node.inputs.count) inputs") }
        try emitSoftmax(try qlinearInput(0), try qlinearOutput(scaleSlot: 3), opset: try int("opset", default: 13))
    }

    mutating func importQDQSoftmax() throws(DSCError) {
        let ins = try dequantizedInputs()
        guard let x = ins.first ?? nil else { throw unsupported("Softmax whose input is not dequantized (a float Softmax)") }
        guard let out = try quantizedOutput() else { throw unfusedFloat("its output is not quantized by one QuantizeLinear") }
        guard effectivelyUnsigned(x) == effectivelyUnsigned(out.q) else {
            throw unfusedFloat("input and output types differ once int8 pairs are converted to uint8")
        }
        try emitSoftmax(x, out.q, opset: opset)
        absorb(out)
    }

    /// QLinearSoftmax over the last axis (the only axis DSCFlow takes; for opset < 13 ONNX's coercion to
    /// 2-D is the same there).
    mutating func emitSoftmax(_ x: ONNXQuantized, _ y: ONNXQuantized, opset: Int64) throws(DSCError) {
        guard x.type == y.type else { throw unsupported("input \(x.type.name) and output \(y.type.name) differ") }
        guard let s = onnxShape(x.name), !s.isEmpty else { throw unsupported("input '\(x.name)' has no shape") }
        var axis = Int(try int("axis", default: opset < 13 ? 1 : -1))
        if axis < 0 { axis += s.count }
        guard axis == s.count - 1 else { throw unsupported("softmax over axis \(axis) of rank \(s.count) (DSCFlow takes the last axis)") }
        let input = try tensor(x.name, .onnx)
        let p = QLinearSoftmax.parameters(inputScale: x.params.scale, rowLength: s[axis], signed: x.type == .int8, output: y.params)
        let out = addTensor(y.name, y.type, s)
        emit(.ortSoftmax(p), [input], out)
        bind(y.name, out, .onnx, y)
    }
}

extension ONNXGraphBuilder {
    /// Emits an operator as ONNX Runtime runs it after its QDQS8ToU8Transformer turned the int8 tensors
    /// `inputs` and `output` into uint8 ones (values + 128, zero points + 128): each input flipped to
    /// uint8 (x XOR 0x80), `body` on those, its result flipped back to the int8 tensor the graph has.
    mutating func emitInUnsignedDomain(_ inputs: [ONNXQuantized], _ output: ONNXQuantized,
                                       _ body: (inout ONNXGraphBuilder, [ONNXQuantized], ONNXQuantized) throws(DSCError) -> Void) throws(DSCError) {
        let flip = LookupTableParameters(table: (0..<256).map { UInt8($0 ^ 0x80) })
        func shifted(_ q: ONNXQuantized, _ name: String) -> ONNXQuantized {
            ONNXQuantized(name: name, params: LinearQuantizationParameters(scale: q.params.scale, zeroPoint: q.params.zeroPoint + 128),
                          type: .uint8)
        }
        var converted: [ONNXQuantized] = []
        for q in inputs {
            let b = try current(q.name)
            let u = shifted(q, q.name + "#uint8")
            if bound[u.name] == nil {
                let t = addTensor(u.name, .uint8, tensors[b.index].shape)
                emit(.lookupTable(flip), [b.index], t)
                bind(u.name, t, b.layout, u)
            }
            converted.append(u)
        }
        let y = shifted(output, output.name + "#uint8")
        try body(&self, converted, y)
        let b = try current(y.name)
        let t = addTensor(output.name, .int8, tensors[b.index].shape)
        emit(.lookupTable(flip), [b.index], t)
        bind(output.name, t, b.layout, output)
    }
}
