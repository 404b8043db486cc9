/// What the operator files' `importTFLite` read of the TFLite operator being converted (`index`,
/// `raw`): its tensors, options, activation and window, each rejected with a clear error when DSCFlow
/// cannot represent it.
extension TFLiteOperatorReader {
    /// An `unsupported` error about the operator being converted.
    func unsupported(_ reason: String) -> DSCError { .unsupported(op: index, name: raw.name, reason: reason) }
    /// A `malformedModel` error about this operator: its parameters contradict its tensors (a model no
    /// converter makes), as opposed to a feature DSCFlow lacks.
    func malformed(_ reason: String) -> DSCError { .malformedModel("operator \(index) (\(raw.name)): \(reason)") }

    /// Input `k` of the operator, converted (per-channel quantization allowed for weights).
    mutating func input(_ k: Int, _ role: String, perChannel: Bool = false) throws(DSCError) -> Int {
        guard k < raw.inputs.count, raw.inputs[k] >= 0 else { throw unsupported("missing \(role)") }
        return try tensor(Int(raw.inputs[k]), op: index, role: role, allowPerChannel: perChannel)
    }

    /// The operator's one output, converted.
    mutating func output() throws(DSCError) -> Int {
        guard raw.outputs.count == 1 else { throw unsupported("\(raw.outputs.count) outputs; exactly 1 is supported") }
        return try tensor(Int(raw.outputs[0]), op: index, role: "output")
    }

    /// Per-tensor (scale, zero point) of an activation of this operator, required.
    func quantization(_ i: Int) throws(DSCError) -> (scale: Float, zeroPoint: Int32) {
        try quantization(i, op: index)
    }

    /// The builtin options table, which must be of type `expected` when present.
    func options(_ expected: UInt8) throws(DSCError) -> FlatBufferReader.Table? {
        if raw.options != nil && raw.optionsType != expected {
            throw DSCError.malformedModel("TFLite model: operator \(index) (\(raw.name)) has builtin options of type \(raw.optionsType); expected \(expected)")
        }
        return raw.options
    }

    func activation(_ code: UInt8) throws(DSCError) -> ActivationFunction {
        guard let a = ActivationFunction(rawValue: code) else {
            let names: [UInt8: String] = [4: "TANH", 5: "SIGN_BIT"]
            throw unsupported("fused activation \(names[code] ?? String(code))")
        }
        return a
    }

    func paddingMode(_ code: UInt8) throws(DSCError) -> PaddingMode {
        switch code {
        case 0: return .same
        case 1: return .valid
        default: throw unsupported("padding mode \(code)")
        }
    }

    /// The resolved window of a conv or pool over `input` (TFLite `ComputePaddingHeightWidth`).
    func window(input: Tensor, kernelH: Int, kernelW: Int, strideH: Int32, strideW: Int32, dilationH: Int32,
                dilationW: Int32, padding: PaddingMode) throws(DSCError) -> Window2D {
        guard input.shape.count == 4 else {
            throw DSCError.invalidTensor(op: index, tensor: input.name, reason: "rank \(input.shape.count); expected 4 (NHWC)")
        }
        guard strideH >= 1, strideW >= 1, dilationH >= 1, dilationW >= 1 else {
            throw malformed("stride \(strideH)×\(strideW), dilation \(dilationH)×\(dilationW) (must be ≥ 1)")
        }
        guard let h = Window2D.resolve(input: input.shape[1], kernel: kernelH, stride: Int(strideH), dilation: Int(dilationH), mode: padding),
              let w = Window2D.resolve(input: input.shape[2], kernel: kernelW, stride: Int(strideW), dilation: Int(dilationW), mode: padding) else {
            throw malformed("a \(kernelH)×\(kernelW) window (stride \(strideH)×\(strideW), dilation \(dilationH)×\(dilationW), \(padding.name)) does not fit the input \(input.shape)")
        }
        return Window2D(kernelHeight: kernelH, kernelWidth: kernelW, strideHeight: Int(strideH), strideWidth: Int(strideW),
                        dilationHeight: Int(dilationH), dilationWidth: Int(dilationW), padding: padding,
                        padTop: h.before, padLeft: w.before, padBottom: h.after, padRight: w.after)
    }

    func requireInputs(_ range: ClosedRange<Int>) throws(DSCError) {
        guard range.contains(raw.inputs.count), raw.outputs.count == 1 else {
            throw unsupported("\(raw.inputs.count) inputs and \(raw.outputs.count) outputs")
        }
    }

    /// The optional constant int32 bias (input 2) of `channels` values, and its IR tensor.
    mutating func bias(channels: Int) throws(DSCError) -> (values: [Int32], tensor: Int?) {
        guard raw.inputs.count > 2, raw.inputs[2] >= 0 else { return ([], nil) }
        let b = try tensor(Int(raw.inputs[2]), op: index, role: "bias", allowPerChannel: true, elementType: .int32)
        let t = tensors[b]
        guard let d = t.data else { throw unsupported("bias '\(t.name)' must be constant") }
        guard t.elementCount == channels, d.count == channels * 4 else {
            throw DSCError.invalidTensor(op: index, tensor: t.name, reason: "\(t.shape) bias for \(channels) channels")
        }
        return ((0..<channels).map { d.element($0, as: .int32) }, b)
    }

    /// Per-channel weight scales (one per output channel, or one broadcast).
    func weightScales(_ w: Tensor, channels: Int, dimension: Int) throws(DSCError) -> [Float] {
        guard let q = w.quantization else {
            throw unsupported("weights '\(w.name)' are not quantized (hybrid models are not supported)")
        }
        if q.zeroPoints.contains(where: { $0 != 0 }) {
            throw unsupported("weights '\(w.name)' have a non-zero zero point (int8 weights must be symmetric)")
        }
        if q.scales.count == 1 { return [Float](repeating: q.scale, count: channels) }
        guard q.scales.count == channels, q.dimension == dimension else {
            throw DSCError.invalidTensor(op: index, tensor: w.name, reason: "\(q.scales.count) scales along dimension \(q.dimension); expected \(channels) along \(dimension)")
        }
        return q.scales
    }

    /// Data-movement operators copy bytes: their input and output must be quantized alike.
    func requireSameQuantization(_ x: Int, _ y: Int) throws(DSCError) {
        let a = try quantization(x), b = try quantization(y)
        guard a.scale == b.scale, a.zeroPoint == b.zeroPoint else {
            throw unsupported("input '\(tensors[x].name)' (scale \(a.scale), zp \(a.zeroPoint)) and output (scale \(b.scale), zp \(b.zeroPoint)) are quantized differently; requantizing \(raw.name) is not supported")
        }
    }
}
