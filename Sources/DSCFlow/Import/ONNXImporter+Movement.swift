/// Operators that move or select bytes (MaxPool, Flatten, Reshape, Transpose, Squeeze, Unsqueeze,
/// Identity, Pad, nearest Resize) and Relu/Clip, on an 8-bit tensor directly (QOperator format) or inside a QDQ group.
/// In a QDQ group ONNX Runtime either drops the DequantizeLinear/QuantizeLinear pair (same parameters)
/// or computes in float; both give QuantizeLinear(DequantizeLinear(x)) of the moved bytes, so the group is
/// the byte operation plus ONNX Runtime's requantization table where the parameters differ (monotone
/// for a positive scale, so it commutes with MaxPool).
extension ONNXGraphBuilder {
    mutating func importDataMovement() throws(DSCError) {
        let n = node
        guard let xName = n.inputs.first, let outName = n.outputs.first else { throw malformed("no input or output") }
        if let src = try dequantized(xName) {
            guard let out = try quantizedOutput() else {
                throw unsupported("\(n.opType) of a dequantized tensor whose output is not quantized again (a float output)")
            }
            var x = src
            if n.opType == "Relu" || n.opType == "Clip" {
                let (lo, hi) = n.opType == "Relu" ? (Float(0), Float.infinity) : try clipBounds(n)
                try emitRequantization(src, to: out.q) { v in
                    let a = v > lo ? v : lo
                    return a < hi ? a : hi
                }
                absorb(out)
                return
            }
            if src.params != out.q.params || src.type != out.q.type {
                x = ONNXQuantized(name: outName + "#requantized", params: out.q.params, type: out.q.type)
                try emitRequantization(src, to: x)
            }
            let pad = n.opType == "Pad" ? try padValue(out.q) : 0
            try emitMovement(x, outputName: out.q.name, padValue: pad)
            absorb(out)
            return
        }
        if let b = bound[xName], tensors[b.index].type == .float32, ["MaxPool", "Pad", "Resize"].contains(n.opType),
           let out = try quantizedOutput(), out.clipNode == nil {
            // A float MaxPool, Pad or nearest Resize of a float graph input, then QuantizeLinear: QuantizeLinear
            // is elementwise and monotone, so Q(maxpool(x)) = maxpool(Q(x)), Q(pad(x, c)) = pad(Q(x), Q(c))
            // and Q(resize(x)) = resize(Q(x)) (a selection) exactly.
            let q = ONNXQuantized(name: xName + "#quantized", params: out.q.params, type: out.q.type)
            let t = addTensor(q.name, q.type, tensors[b.index].shape)
            emit(.quantize(q.params), [b.index], t)
            bind(q.name, t, b.layout, q)
            let pad = n.opType == "Pad" ? try padValue(out.q) : 0
            try emitMovement(q, outputName: out.q.name, padValue: pad)
            absorb(out)
            return
        }
        if n.opType == "MaxPool", let b = bound[xName], tensors[b.index].type == .float32 {
            try importFloatPool(floatInput: xName)  // a float MaxPool whose output stays float
            return
        }
        guard let b = bound[xName], tensors[b.index].type == .int8 || tensors[b.index].type == .uint8 else {
            throw unsupported("\(n.opType) of '\(xName)', which is not an 8-bit tensor (a float \(n.opType))")
        }
        let q = ONNXQuantized(name: xName, params: quantization[xName]?.params ?? LinearQuantizationParameters(scale: 1, zeroPoint: 0),
                              type: tensors[b.index].type)
        if n.opType == "Relu" || n.opType == "Clip" {
            throw unsupported("\(n.opType) on 8-bit values (ONNX Runtime quantizes it away; DSCFlow does not take it)")
        }
        let pad = n.opType == "Pad" ? try rawPadValue(q.type) : 0
        try emitMovement(q, outputName: outName, padValue: pad)
    }

    /// The byte operation of the current node from `x` into a tensor called `outputName` (same type
    /// and quantization); `padValue` is the raw byte a Pad writes.
    mutating func emitMovement(_ x: ONNXQuantized, outputName: String, padValue: Int32) throws(DSCError) {
        let n = node
        guard let s = onnxShape(x.name) else { throw unsupported("input '\(x.name)' has no shape") }
        let y = ONNXQuantized(name: outputName, params: x.params, type: x.type)
        switch n.opType {
        case "MaxPool":
            guard s.count == 4, let k = ints("kernel_shape"), k.count == 2 else { throw unsupported("MaxPool needs a 4-D input and a 2-D kernel_shape") }
            guard x.params.scale > 0 else { throw unsupported("non-positive scale") }
            guard try int("storage_order", default: 0) == 0 else { throw unsupported("storage_order 1") }
            let win = try window(height: s[2], width: s[3], kernel: k.map { Int($0) })
            guard win.dilationHeight == 1, win.dilationWidth == 1 else { throw unsupported("dilated MaxPool") }
            guard win.padTop < win.kernelHeight, win.padBottom < win.kernelHeight, win.padLeft < win.kernelWidth,
                  win.padRight < win.kernelWidth else { throw unsupported("padding as large as the kernel") }
            try requireFloorOutput(win, height: s[2], width: s[3])
            let (oh, ow) = try outputSize(win, height: s[2], width: s[3])
            let input = try tensor(x.name, .nhwc)
            let r = x.type.range
            let out = addTensor(y.name, y.type, [s[0], oh, ow, s[1]])
            emit(.maxPool2D(PoolParameters(window: win, activationMin: r.lowerBound, activationMax: r.upperBound)), [input], out)
            bind(y.name, out, .nhwc, y)
        case "Identity":
            try emitReshape(x, y, shape: s)
        case "Flatten":
            var axis = Int(try int("axis", default: 1))
            if axis < 0 { axis += s.count }
            guard axis >= 0, axis <= s.count else { throw unsupported("axis \(axis) for rank \(s.count)") }
            try emitReshape(x, y, shape: [s[..<axis].reduce(1, *), s[axis...].reduce(1, *)])
        case "Reshape":
            guard n.inputs.count >= 2 else { throw malformed("Reshape without a shape") }
            try emitReshape(x, y, shape: try reshapeTarget(try integers(try constant(n.inputs[1], "shape")), of: s))
        case "Squeeze", "Unsqueeze":
            let axes = try squeezeAxes()
            try emitReshape(x, y, shape: try squeezed(s, axes: axes, unsqueeze: n.opType == "Unsqueeze"))
        case "Transpose":
            try emitTranspose(x, y, shape: s)
        case "Pad":
            try emitPad(x, y, shape: s, value: padValue)
        case "Resize":
            try emitResize(x, y, shape: s)
        default:
            throw unsupported("operator \(n.opType)")
        }
    }

    /// A reshape in the graph's own (NCHW) order.
    mutating func emitReshape(_ x: ONNXQuantized, _ y: ONNXQuantized, shape: [Int]) throws(DSCError) {
        guard shape.reduce(1, *) == onnxShape(x.name)?.reduce(1, *) else { throw unsupported("shape \(shape) does not hold the input") }
        let input = try tensor(x.name, .onnx)
        let out = addTensor(y.name, y.type, shape)
        emit(.reshape, [input], out)
        bind(y.name, out, .onnx, y)
    }

    /// ONNX Reshape's target: 0 copies the input's dimension, one −1 is inferred.
    func reshapeTarget(_ raw: [Int64], of s: [Int]) throws(DSCError) -> [Int] {
        guard raw.count <= 6 else { throw unsupported("reshape to rank \(raw.count)") }
        if try int("allowzero", default: 0) != 0, raw.contains(0) { throw unsupported("allowzero with a 0 dimension") }
        var shape: [Int] = []
        var infer: Int?
        for (d, v) in raw.enumerated() {
            if v == 0 {
                guard d < s.count else { throw unsupported("dimension 0 at \(d) beyond the input's rank") }
                shape.append(s[d])
            } else if v == -1 {
                guard infer == nil else { throw unsupported("two inferred dimensions") }
                infer = d
                shape.append(1)
            } else {
                guard v >= 1, v <= 1 << 30 else { throw unsupported("dimension \(v)") }
                shape.append(Int(v))
            }
        }
        let total = s.reduce(1, *), known = shape.reduce(1, *)
        if let i = infer {
            guard known > 0, total % known == 0 else { throw unsupported("cannot infer the dimension of \(raw)") }
            shape[i] = total / known
        }
        return shape
    }

    /// Squeeze/Unsqueeze axes: the attribute (opset < 13) or the second input.
    func squeezeAxes() throws(DSCError) -> [Int]? {
        if let a = ints("axes") { return a.map { Int($0) } }
        if node.inputs.count > 1, !node.inputs[1].isEmpty { return try integers(try constant(node.inputs[1], "axes")).map { Int($0) } }
        return nil
    }

    func squeezed(_ s: [Int], axes: [Int]?, unsqueeze: Bool) throws(DSCError) -> [Int] {
        if unsqueeze {
            guard let axes else { throw unsupported("Unsqueeze without axes") }
            let rank = s.count + axes.count
            let norm = Set(axes.map { $0 < 0 ? $0 + rank : $0 })
            guard norm.count == axes.count, norm.allSatisfy({ $0 >= 0 && $0 < rank }) else { throw unsupported("axes \(axes)") }
            var out: [Int] = []
            var k = 0
            for d in 0..<rank {
                if norm.contains(d) { out.append(1) } else { out.append(s[k]); k += 1 }
            }
            return out
        }
        guard let axes else { return s.filter { $0 != 1 } }
        let norm = Set(axes.map { $0 < 0 ? $0 + s.count : $0 })
        guard norm.allSatisfy({ $0 >= 0 && $0 < s.count && s[$0] == 1 }) else { throw unsupported("axes \(axes) of \(s)") }
        return s.enumerated().filter { !norm.contains($0.offset) }.map { $0.element }
    }

    /// ONNX Transpose, composed with the input's layout: a copy when no byte moves.
    mutating func emitTranspose(_ x: ONNXQuantized, _ y: ONNXQuantized, shape s: [Int]) throws(DSCError) {
        let perm = ints("perm").map { $0.map { Int($0) } } ?? Array((0..<s.count).reversed())
        guard perm.count == s.count, Set(perm) == Set(0..<s.count) else { throw unsupported("perm \(perm)") }
        let b = try current(x.name)
        // Storage axis of each ONNX axis of the input.
        let storageOf = b.layout == .nhwc ? [0, 3, 1, 2] : Array(0..<s.count)
        let storagePerm = perm.map { storageOf[$0] }
        let outShape = perm.map { s[$0] }
        let out = addTensor(y.name, y.type, outShape)
        let moves = storagePerm.enumerated().filter { tensors[b.index].shape[$0.element] != 1 }.map { $0.element }
        emit(moves == moves.sorted() ? .reshape : .transpose(permutation: storagePerm), [b.index], out)
        bind(y.name, out, .onnx, y)
    }

    /// Pad (constant mode) of an NCHW or other tensor, new cells holding `value` (a raw byte value).
    mutating func emitPad(_ x: ONNXQuantized, _ y: ONNXQuantized, shape s: [Int], value: Int32) throws(DSCError) {
        guard string("mode", default: "constant") == "constant" else { throw unsupported("Pad mode \(string("mode", default: ""))") }
        let raw: [Int64]
        if let p = ints("pads") { raw = p } else {
            guard node.inputs.count > 1 else { throw unsupported("Pad without pads") }
            raw = try integers(try constant(node.inputs[1], "pads"))
        }
        guard raw.count == 2 * s.count, raw.allSatisfy({ $0 >= 0 && $0 <= 1 << 16 }) else { throw unsupported("pads \(raw)") }
        let pads = (0..<s.count).map { (Int(raw[$0]), Int(raw[$0 + s.count])) }
        let layout: ONNXLayout = s.count == 4 ? .nhwc : .onnx
        let order = layout == .nhwc ? [0, 2, 3, 1] : Array(0..<s.count)
        let input = try tensor(x.name, layout)
        let irPads = order.map { pads[$0] }
        let irShape = order.map { s[$0] + pads[$0].0 + pads[$0].1 }
        let out = addTensor(y.name, y.type, irShape)
        emit(.pad(PadParameters(paddings: irPads.map { (before: $0.0, after: $0.1) }, value: value)), [input], out)
        bind(y.name, out, layout, y)
    }

    /// The byte a QDQ Pad writes: QuantizeLinear of its float constant with the output's parameters.
    func padValue(_ y: ONNXQuantized) throws(DSCError) -> Int32 {
        var c: Float = 0
        if let a = attribute("value") { c = a.f }
        if node.inputs.count > 2, !node.inputs[2].isEmpty {
            let v = try floats(try constant(node.inputs[2], "constant_value"))
            guard v.count == 1 else { throw unsupported("constant_value with \(v.count) values") }
            c = v[0]
        }
        let r = y.type.range
        return ORTArithmetic.quantize(c, scale: y.params.scale, zeroPoint: y.params.zeroPoint, min: r.lowerBound, max: r.upperBound)
    }

    /// The byte a Pad of an 8-bit tensor writes: its 8-bit constant_value (0 when absent).
    func rawPadValue(_ type: ElementType) throws(DSCError) -> Int32 {
        guard node.inputs.count > 2, !node.inputs[2].isEmpty else { return 0 }
        let v = try integers(try constant(node.inputs[2], "constant_value"))
        guard v.count == 1, type.range.contains(Int32(clamping: v[0])) else { throw unsupported("constant_value \(v)") }
        return Int32(v[0])
    }
}
