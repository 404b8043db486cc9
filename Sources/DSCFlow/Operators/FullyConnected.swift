/// FULLY_CONNECTED: weights [units, depth], the input read as [elements / depth, depth].
enum FullyConnected: OperatorDefinition {
    typealias Parameters = FullyConnectedParameters
    static let dscmKind: UInt32 = 3

    /// TFLite FULLY_CONNECTED (default weights format, symmetric int8 weights, per-tensor or per-channel).
    static func importTFLite(_ r: inout TFLiteOperatorReader) throws(DSCError) -> Operator {
        try r.requireInputs(2...3)
        let opts = try r.options(TFLiteSchema.Options.fullyConnected)
        if let format = try opts?.u8(1), format != 0 { throw r.unsupported("shuffled weights format \(format)") }
        let x = try r.input(0, "input"), w = try r.input(1, "weights", perChannel: true), y = try r.output()
        let wt = r.tensors[w]
        guard wt.isConstant, wt.shape.count == 2 else { throw r.unsupported("the weights must be a constant 2-D tensor") }
        let units = wt.shape[0]
        let (bias, biasTensor) = try r.bias(channels: units)
        let act = try r.activation(try opts?.u8(0) ?? 0)
        let (sIn, zIn) = try r.quantization(x)
        let (sOut, zOut) = try r.quantization(y)
        guard let wq = wt.quantization else { throw r.unsupported("weights are not quantized") }
        let qm: [QuantizedMultiplier]
        if wq.scales.count == 1 {
            // TFLite Micro's per-tensor rule: the product of scales is rounded to float first.
            qm = [QuantizedMultiplier(Double(Float(sIn * wq.scale)) / Double(sOut))]
        } else {
            let ws = try r.weightScales(wt, channels: units, dimension: 0)
            qm = ws.map { QuantizedMultiplier(Double(sIn) * Double($0) / Double(sOut)) }
        }
        guard wq.zeroPoints.allSatisfy({ $0 == 0 }) else { throw r.unsupported("weights with a non-zero zero point") }
        let range = act.range(scale: sOut, zeroPoint: zOut, type: .int8)
        let rq = FixedPointRequantizer(multipliers: qm.map { $0.multiplier }, shifts: qm.map { $0.shift },
                                       outputZeroPoint: zOut, activationMin: range.min, activationMax: range.max)
        let p = FullyConnectedParameters(inputOffset: -zIn, bias: bias, requantizer: .fixedPoint(rq), activation: act)
        return Operator(kind: .fullyConnected(p), inputs: [x, w] + (biasTensor.map { [$0] } ?? []), outputs: [y])
    }

    static func validate(_ p: Parameters, _ c: OperatorContext) throws(DSCError) {
        try c.requireInputs(2...3)
        let x = c.input(0), w = c.input(1), out = c.output
        try c.requireType(x, [.int8, .uint8])
        try c.requireType(w, [.int8])
        guard w.shape.count == 2, w.isConstant else { throw c.fail(w, "weights must be a constant 2-D tensor") }
        let depth = w.shape[1], units = w.shape[0]
        guard x.elementCount % depth == 0 else { throw c.fail(x, "\(x.elementCount) elements are not a multiple of depth \(depth)") }
        let batches = x.elementCount / depth
        guard out.elementCount == batches * units, out.shape.last == units else {
            throw c.fail(out, "shape \(out.shape); expected \(batches)×\(units) elements ending in \(units)")
        }
        try c.validateArithmetic(p.requantizer, bias: p.bias, accumulator: p.accumulator, channels: units)
    }

    /// A 1x1 conv over `batches` pixels (weights [units, depth] are OHWI).
    static func prepareFast(_ p: Parameters, _ c: OperatorContext, _ target: FastTarget) -> FastPreparation {
        guard p.weightOffset == 0 else { return .reference("weight offset \(p.weightOffset)") }
        let units = c.input(1).shape[0], depth = c.input(1).shape[1]
        let batches = c.input().elementCount / depth
        let window = Window2D(kernelHeight: 1, kernelWidth: 1, strideHeight: 1, strideWidth: 1, padding: .valid)
        let conv = ConvolutionParameters(window: window, inputOffset: p.inputOffset, paddingValue: 0, bias: p.bias,
                                         accumulator: p.accumulator, requantizer: p.requantizer)
        return ConvolutionPacking.pack(conv, c, target, inputShape: Shape4(1, 1, batches, depth),
                                       outputShape: Shape4(1, 1, batches, units),
                                       filterShape: [units, 1, 1, depth])
    }

    static func runReference(_ p: Parameters, _ b: OperatorBinding, rounding: RoundingMode) {
        let w = b.inputShapes[1]
        FullyConnectedReference(p: p, rounding: rounding, weights: b.inputs[1], units: w[0], depth: w[1],
                                batches: b.inputElementCount / w[1])
            .dispatch(b.inputType, b.outputType, b.inputs[0], b.output)
    }

    static func encode(_ p: Parameters, into s: inout DSCMSink) {
        s.i32(p.inputOffset); s.i32(p.weightOffset); s.int32s(p.bias)
        DSCMOperationCodec.accumulator(p.accumulator, &s)
        DSCMOperationCodec.requantizer(p.requantizer, &s)
        DSCMOperationCodec.activation(p.activation, &s)
    }

    static func decode(_ c: inout DSCMCursor, index i: Int) throws(DSCError) -> Parameters {
        let inputOffset = try c.i32(), weightOffset = try c.i32(), bias = try c.int32s()
        return FullyConnectedParameters(inputOffset: inputOffset, weightOffset: weightOffset, bias: bias,
                                        accumulator: try DSCMOperationCodec.accumulator(&c, i),
                                        requantizer: try DSCMOperationCodec.requantizer(&c, i),
                                        activation: try DSCMOperationCodec.activation(&c, i))
    }

    static func macs(_ p: Parameters, _ c: OperatorContext) -> Int {
        let w = c.input(1).shape
        return c.output.elementCount &* w[w.count - 1]
    }
}

/// The reference FullyConnected kernel over a session's addresses.
struct FullyConnectedReference: TypedKernel {
    let p: FullyConnectedParameters
    let rounding: RoundingMode
    let weights: UnsafeRawPointer
    let units: Int, depth: Int, batches: Int

    func run<In: QuantizedElement, Out: QuantizedElement>(_ x: UnsafePointer<In>, _ y: UnsafeMutablePointer<Out>) {
        ReferenceFullyConnected.run(p, rounding: rounding, input: x, batches: batches, depth: depth,
                                    weights: weights.assumingMemoryBound(to: Int8.self), units: units, output: y)
    }
}
