/// Checks everything the kernels rely on, once, at load time: indices in range, execution order,
/// shapes that agree with each operator's parameters, sizes without overflow, constant data of the
/// right length. After this passes, kernels may loop with wrapping arithmetic without trapping.
enum ModelValidator {
    /// No single tensor may exceed this many bytes (2 GiB): larger models are not edge models.
    static let maxTensorBytes = 1 << 31
    static let maxRank = 6

    static func validate(tensors: [Tensor], operations: [Operator], inputs: [Int], outputs: [Int]) throws {
        for (i, t) in tensors.enumerated() {
            if t.shape.count > maxRank {
                throw DSCError.invalidTensor(op: -1, tensor: t.name, reason: "rank \(t.shape.count) exceeds \(maxRank)")
            }
            for d in t.shape where d < 1 {
                throw DSCError.invalidTensor(op: -1, tensor: t.name, reason: "dimension \(d) in shape \(t.shape) (every dimension must be ≥ 1)")
            }
            let count = try checkedElementCount(t.shape, "tensor \(i) '\(t.name)' size")
            let bytes = try checkedMul(count, t.type.byteSize, "tensor \(i) '\(t.name)' size")
            if bytes > maxTensorBytes {
                throw DSCError.invalidTensor(op: -1, tensor: t.name, reason: "\(bytes) bytes exceed the \(maxTensorBytes)-byte limit")
            }
            if let d = t.data, d.count != bytes {
                throw DSCError.invalidTensor(op: -1, tensor: t.name, reason: "constant data has \(d.count) bytes, shape \(t.signature) needs \(bytes)")
            }
            if let d = t.data, d.offset < 0 || d.offset > d.storage.count || d.count > d.storage.count - d.offset {
                throw DSCError.malformedModel("constant data of tensor '\(t.name)' lies outside its storage")
            }
        }
        func checkIndex(_ t: Int, op: Int) throws {
            guard t >= 0 && t < tensors.count else {
                throw DSCError.malformedModel(op >= 0 ? "operator \(op) refers to tensor \(t); the model has \(tensors.count)"
                                                      : "model input/output refers to tensor \(t); the model has \(tensors.count)")
            }
        }
        if inputs.isEmpty { throw DSCError.malformedModel("the model declares no input") }
        if outputs.isEmpty { throw DSCError.malformedModel("the model declares no output") }
        var available = [Bool](repeating: false, count: tensors.count)
        for t in inputs {
            try checkIndex(t, op: -1)
            if tensors[t].isConstant { throw DSCError.invalidTensor(op: -1, tensor: tensors[t].name, reason: "a model input cannot be constant") }
            available[t] = true
        }
        for (i, op) in operations.enumerated() {
            for t in op.inputs { try checkIndex(t, op: i) }
            for t in op.outputs { try checkIndex(t, op: i) }
            if op.outputs.count != 1 {
                throw DSCError.unsupported(op: i, name: op.name, reason: "\(op.outputs.count) outputs; exactly 1 is supported")
            }
            for t in op.inputs where !tensors[t].isConstant && !available[t] {
                throw DSCError.malformedModel("operator \(i) (\(op.name)) reads tensor \(t) '\(tensors[t].name)' before any operator writes it")
            }
            for t in op.outputs {
                if tensors[t].isConstant { throw DSCError.invalidTensor(op: i, tensor: tensors[t].name, reason: "an operator output cannot be constant") }
                if available[t] { throw DSCError.malformedModel("tensor \(t) '\(tensors[t].name)' is written twice (operator \(i))") }
                available[t] = true
            }
            try validateOperation(i, op, tensors)
        }
        for t in outputs {
            try checkIndex(t, op: -1)
            if !available[t] { throw DSCError.malformedModel("model output tensor \(t) '\(tensors[t].name)' is never written") }
        }
    }

    private static func fail(_ i: Int, _ t: Tensor, _ why: String) -> DSCError {
        .invalidTensor(op: i, tensor: t.name, reason: why)
    }

    private static func requireInputs(_ i: Int, _ op: Operator, _ range: ClosedRange<Int>) throws {
        if !range.contains(op.inputs.count) {
            throw DSCError.unsupported(op: i, name: op.name, reason: "\(op.inputs.count) inputs; expected \(range.lowerBound)…\(range.upperBound)")
        }
    }

    private static func requireType(_ i: Int, _ t: Tensor, _ allowed: [ElementType]) throws {
        if !allowed.contains(t.type) {
            throw fail(i, t, "type \(t.type.name); expected \(allowed.map(\.name).joined(separator: " or "))")
        }
    }

    private static func requireShape(_ i: Int, _ t: Tensor, _ expected: [Int]) throws {
        if t.shape != expected { throw fail(i, t, "shape \(t.shape); expected \(expected)") }
    }

    private static func validateRequantizer(_ i: Int, _ op: Operator, _ r: Requantizer, bias: [Int32],
                                            accumulator: Accumulator, channels: Int, output: Tensor) throws {
        func perChannel(_ n: Int, _ what: String) throws {
            if n != 1 && n != channels {
                throw DSCError.unsupported(op: i, name: op.name, reason: "\(n) \(what); expected 1 or \(channels)")
            }
        }
        if !bias.isEmpty && bias.count != channels {
            throw DSCError.invalidTensor(op: i, tensor: output.name, reason: "\(bias.count) bias values for \(channels) channels")
        }
        if case .saturating(let bits, let block) = accumulator, !(2...32).contains(bits) || block < 1 {
            throw DSCError.unsupported(op: i, name: op.name, reason: "accumulator \(bits) bits / \(block) channels")
        }
        switch r {
        case .fixedPoint(let q):
            try requireType(i, output, [.int8, .uint8, .int16])
            try perChannel(q.multipliers.count, "multipliers")
            try perChannel(q.shifts.count, "shifts")
            if q.multipliers.count != q.shifts.count {
                throw DSCError.unsupported(op: i, name: op.name, reason: "multiplier and shift counts differ")
            }
            for s in q.shifts where s < -31 || s > 31 {
                throw DSCError.unsupported(op: i, name: op.name, reason: "requantization shift \(s) outside −31…31")
            }
            if q.activationMin > q.activationMax {
                throw DSCError.unsupported(op: i, name: op.name, reason: "activation range [\(q.activationMin), \(q.activationMax)] is empty")
            }
        case .mulShift(let q):
            try requireType(i, output, [.int8, .uint8, .int16])
            try perChannel(q.multipliers.count, "multipliers")
            if q.shift < 0 || q.shift > 62 {
                throw DSCError.unsupported(op: i, name: op.name, reason: "mul-shift shift \(q.shift) outside 0…62")
            }
            if q.outputMin > q.outputMax {
                throw DSCError.unsupported(op: i, name: op.name, reason: "output range is empty")
            }
        case .none:
            try requireType(i, output, [.int32])
        }
    }

    private static func validateWindow(_ i: Int, _ op: Operator, _ w: Window2D, input: Tensor) throws {
        guard w.kernelHeight >= 1, w.kernelWidth >= 1, w.strideHeight >= 1, w.strideWidth >= 1,
              w.dilationHeight >= 1, w.dilationWidth >= 1, w.padTop >= 0, w.padLeft >= 0,
              w.padBottom >= 0, w.padRight >= 0,
              w.kernelHeight <= 1 << 16, w.kernelWidth <= 1 << 16, w.dilationHeight <= 1 << 16,
              w.dilationWidth <= 1 << 16, w.strideHeight <= 1 << 20, w.strideWidth <= 1 << 20,
              w.padTop <= 1 << 20, w.padLeft <= 1 << 20, w.padBottom <= 1 << 20, w.padRight <= 1 << 20 else {
            throw DSCError.unsupported(op: i, name: op.name, reason: "window parameters out of range: \(w)")
        }
        let eh = (w.kernelHeight - 1) * w.dilationHeight + 1
        let ew = (w.kernelWidth - 1) * w.dilationWidth + 1
        if input.shape[1] + w.padTop + w.padBottom < eh || input.shape[2] + w.padLeft + w.padRight < ew {
            throw DSCError.unsupported(op: i, name: op.name, reason: "window \(eh)×\(ew) larger than the padded input \(input.shape)")
        }
    }

    static func validateOperation(_ i: Int, _ op: Operator, _ tensors: [Tensor]) throws {
        let out = tensors[op.outputs[0]]
        switch op.kind {
        case .conv2D(let p), .depthwiseConv2D(let p):
            try requireInputs(i, op, 2...3)
            let x = tensors[op.inputs[0]], f = tensors[op.inputs[1]]
            try requireType(i, x, [.int8, .uint8])
            try requireType(i, f, [.int8])
            guard x.shape.count == 4 else { throw fail(i, x, "rank \(x.shape.count); expected 4 (NHWC)") }
            guard f.shape.count == 4, f.isConstant else { throw fail(i, f, "the filter must be a constant 4-D tensor") }
            try validateWindow(i, op, p.window, input: x)
            if f.shape[1] != p.window.kernelHeight || f.shape[2] != p.window.kernelWidth {
                throw fail(i, f, "filter \(f.shape) does not match the \(p.window.kernelHeight)×\(p.window.kernelWidth) window")
            }
            let (oh, ow) = p.window.outputSize(inputHeight: x.shape[1], inputWidth: x.shape[2])
            let channels: Int
            if case .conv2D = op.kind {
                let inC = f.shape[3]
                guard x.shape[3] % inC == 0, f.shape[0] % (x.shape[3] / inC) == 0 else {
                    throw fail(i, f, "filter \(f.shape) does not fit \(x.shape[3]) input channels")
                }
                channels = f.shape[0]
            } else {
                guard f.shape[0] == 1, p.depthMultiplier >= 1, x.shape[3] <= Int.max / p.depthMultiplier,
                      f.shape[3] == x.shape[3] * p.depthMultiplier else {
                    throw fail(i, f, "depthwise filter \(f.shape) does not fit \(x.shape[3]) channels × multiplier \(p.depthMultiplier)")
                }
                channels = f.shape[3]
            }
            try requireShape(i, out, [x.shape[0], oh, ow, channels])
            try validateRequantizer(i, op, p.requantizer, bias: p.bias, accumulator: p.accumulator, channels: channels, output: out)
        case .fullyConnected(let p):
            try requireInputs(i, op, 2...3)
            let x = tensors[op.inputs[0]], w = tensors[op.inputs[1]]
            try requireType(i, x, [.int8, .uint8])
            try requireType(i, w, [.int8])
            guard w.shape.count == 2, w.isConstant else { throw fail(i, w, "weights must be a constant 2-D tensor") }
            let depth = w.shape[1], units = w.shape[0]
            guard x.elementCount % depth == 0 else { throw fail(i, x, "\(x.elementCount) elements are not a multiple of depth \(depth)") }
            let batches = x.elementCount / depth
            guard out.elementCount == batches * units, out.shape.last == units else {
                throw fail(i, out, "shape \(out.shape); expected \(batches)×\(units) elements ending in \(units)")
            }
            try validateRequantizer(i, op, p.requantizer, bias: p.bias, accumulator: p.accumulator, channels: units, output: out)
        case .averagePool2D(let p), .maxPool2D(let p):
            try requireInputs(i, op, 1...1)
            let x = tensors[op.inputs[0]]
            try requireType(i, x, [.int8, .uint8, .int16])
            guard x.shape.count == 4 else { throw fail(i, x, "rank \(x.shape.count); expected 4 (NHWC)") }
            try validateWindow(i, op, p.window, input: x)
            if p.window.dilationHeight != 1 || p.window.dilationWidth != 1 {
                throw DSCError.unsupported(op: i, name: op.name, reason: "dilated pooling")
            }
            if p.window.padTop >= p.window.kernelHeight || p.window.padLeft >= p.window.kernelWidth
                || p.window.padBottom >= p.window.kernelHeight || p.window.padRight >= p.window.kernelWidth {
                throw DSCError.unsupported(op: i, name: op.name, reason: "padding as large as the window leaves empty windows")
            }
            let (oh, ow) = p.window.outputSize(inputHeight: x.shape[1], inputWidth: x.shape[2])
            try requireShape(i, out, [x.shape[0], oh, ow, x.shape[3]])
            if out.type != x.type { throw fail(i, out, "type \(out.type.name) differs from the input's \(x.type.name)") }
        case .mean(let p):
            try requireInputs(i, op, 1...2)
            let x = tensors[op.inputs[0]]
            try requireType(i, x, [.int8, .uint8])
            try requireType(i, out, [x.type])
            var reduced = [Bool](repeating: false, count: x.shape.count)
            for a in p.axes {
                guard a >= 0 && a < x.shape.count else { throw DSCError.unsupported(op: i, name: op.name, reason: "axis \(a) out of range for rank \(x.shape.count)") }
                reduced[a] = true
            }
            var expected: [Int] = []
            for (d, r) in zip(x.shape, reduced) {
                if r { if p.keepDims { expected.append(1) } } else { expected.append(d) }
            }
            if out.elementCount != expected.reduce(1, *) || (p.keepDims && out.shape != expected) {
                throw fail(i, out, "shape \(out.shape); expected \(expected)")
            }
        case .add:
            try requireInputs(i, op, 2...2)
            let a = tensors[op.inputs[0]], b = tensors[op.inputs[1]]
            try requireType(i, a, [.int8])
            try requireType(i, b, [.int8])
            try requireType(i, out, [.int8])
            guard a.shape.count <= 4, b.shape.count <= 4, out.shape.count <= 4 else {
                throw DSCError.unsupported(op: i, name: op.name, reason: "broadcast add of rank above 4")
            }
            guard let shape = broadcastShape(a.shape, b.shape), shape == out.shape else {
                throw fail(i, out, "shape \(out.shape) is not the broadcast of \(a.shape) and \(b.shape)")
            }
        case .concatenation(let axis):
            guard op.inputs.count >= 1 else { throw DSCError.unsupported(op: i, name: op.name, reason: "no inputs") }
            let rank = out.shape.count
            guard axis >= 0 && axis < rank else { throw DSCError.unsupported(op: i, name: op.name, reason: "axis \(axis) out of range for rank \(rank)") }
            var sum = 0
            for t in op.inputs {
                let x = tensors[t]
                guard x.shape.count == rank, x.type == out.type else { throw fail(i, x, "\(x.signature) cannot be concatenated into \(out.signature)") }
                for d in 0..<rank where d != axis && x.shape[d] != out.shape[d] {
                    throw fail(i, x, "shape \(x.shape) differs from the output \(out.shape) outside axis \(axis)")
                }
                sum += x.shape[axis]
            }
            if sum != out.shape[axis] { throw fail(i, out, "axis \(axis) has \(out.shape[axis]); the inputs add up to \(sum)") }
        case .pad(let p):
            guard op.inputs.count >= 1 else { throw DSCError.unsupported(op: i, name: op.name, reason: "no inputs") }
            let x = tensors[op.inputs[0]]
            guard p.paddings.count == x.shape.count, x.shape.count <= 5 else {
                throw DSCError.unsupported(op: i, name: op.name, reason: "\(p.paddings.count) paddings for rank \(x.shape.count) (at most 5)")
            }
            var expected: [Int] = []
            for (d, pp) in zip(x.shape, p.paddings) {
                guard pp.before >= 0, pp.after >= 0, pp.before <= 1 << 24, pp.after <= 1 << 24 else {
                    throw DSCError.unsupported(op: i, name: op.name, reason: "padding \(pp) out of range")
                }
                expected.append(d + pp.before + pp.after)
            }
            try requireShape(i, out, expected)
            try requireType(i, out, [x.type])
            if !x.type.range.contains(p.value) { throw DSCError.unsupported(op: i, name: op.name, reason: "pad value \(p.value) outside \(x.type.name)") }
        case .reshape:
            guard op.inputs.count >= 1 else { throw DSCError.unsupported(op: i, name: op.name, reason: "no inputs") }
            let x = tensors[op.inputs[0]]
            guard x.elementCount == out.elementCount, x.type == out.type else {
                throw fail(i, out, "\(out.signature) cannot hold the \(x.signature) input")
            }
        case .spaceToDepth(let p):
            try requireInputs(i, op, 1...1)
            let x = tensors[op.inputs[0]]
            guard x.shape.count == 4 else { throw fail(i, x, "rank \(x.shape.count); expected 4 (NHWC)") }
            let b = p.blockSize
            guard b >= 1, b <= 1 << 12, x.shape[1] % b == 0, x.shape[2] % b == 0 else {
                throw DSCError.unsupported(op: i, name: op.name, reason: "block size \(b) does not divide \(x.shape[1])×\(x.shape[2])")
            }
            try requireShape(i, out, [x.shape[0], x.shape[1] / b, x.shape[2] / b, x.shape[3] * b * b])
            try requireType(i, out, [x.type])
        case .softmax(let p):
            try requireInputs(i, op, 1...1)
            let x = tensors[op.inputs[0]]
            try requireType(i, x, [.int8])
            try requireType(i, out, [.int8])
            guard x.shape == out.shape, x.shape.count >= 1 else { throw fail(i, out, "shape \(out.shape) differs from the input \(x.shape)") }
            if p.inputLeftShift < 0 || p.inputLeftShift > 31 {
                throw DSCError.unsupported(op: i, name: op.name, reason: "input scale × beta out of range")
            }
        }
    }

    /// NumPy-style broadcast of two shapes, or nil.
    static func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int]? {
        let n = max(a.count, b.count)
        var r = [Int](repeating: 1, count: n)
        for k in 0..<n {
            let da = k < n - a.count ? 1 : a[k - (n - a.count)]
            let db = k < n - b.count ? 1 : b[k - (n - b.count)]
            if da != db && da != 1 && db != 1 { return nil }
            r[k] = max(da, db)
        }
        return r
    }
}
