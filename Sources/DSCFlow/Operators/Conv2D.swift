/// CONV_2D: any kernel, stride, dilation and padding, with groups (filter OHWI, I = input channels /
/// groups); acc = Σ w · (x̃ + inputOffset) per output channel, then bias and the requantizer.
enum Conv2D: ConvolutionDefinition {
    static let dscmKind: UInt32 = 1
    static let depthwise = false

    /// TFLite CONV_2D (and DEPTHWISE_CONV_2D, whose options differ only in field numbers): per-channel
    /// multipliers from the input, weight and output scales, the fused activation as the clamp range.
    static func importConvolution(_ r: inout TFLiteOperatorReader, depthwise: Bool) throws(DSCError) -> Operator {
        let S = TFLiteSchema.self
        try r.requireInputs(2...3)
        let opts = try r.options(depthwise ? S.Options.depthwiseConv2D : S.Options.conv2D)
        let x = try r.input(0, "input"), f = try r.input(1, "filter", perChannel: true), y = try r.output()
        let fx = r.tensors[f]
        guard fx.isConstant, fx.shape.count == 4 else { throw r.unsupported("the filter must be a constant 4-D tensor") }
        let channels = depthwise ? fx.shape[3] : fx.shape[0]
        let (bias, biasTensor) = try r.bias(channels: channels)
        let padding = try r.paddingMode(try opts?.u8(0) ?? 0)
        // Option fields: conv (padding 0, stride_w 1, stride_h 2, activation 3, dilation_w 4, dilation_h 5);
        // depthwise (padding 0, stride_w 1, stride_h 2, multiplier 3, activation 4, dilation_w 5, dilation_h 6).
        let shift = depthwise ? 1 : 0
        let act = try r.activation(try opts?.u8(3 + shift) ?? 0)
        let win = try r.window(input: r.tensors[x], kernelH: fx.shape[1], kernelW: fx.shape[2],
                               strideH: try opts?.i32(2) ?? 0, strideW: try opts?.i32(1) ?? 0,
                               dilationH: try opts?.i32(5 + shift, default: 1) ?? 1,
                               dilationW: try opts?.i32(4 + shift, default: 1) ?? 1, padding: padding)
        var dm = 1
        if depthwise {
            let inC = r.tensors[x].shape.count == 4 ? r.tensors[x].shape[3] : 1
            guard channels % inC == 0 else {
                throw r.malformed("\(channels) output channels are not a multiple of \(inC) input channels")
            }
            dm = channels / inC
        }
        let (sIn, zIn) = try r.quantization(x)
        let (sOut, zOut) = try r.quantization(y)
        let ws = try r.weightScales(fx, channels: channels, dimension: depthwise ? 3 : 0)
        let qm = ws.map { QuantizedMultiplier(Double(sIn) * Double($0) / Double(sOut)) }
        let range = act.range(scale: sOut, zeroPoint: zOut, type: .int8)
        let rq = FixedPointRequantizer(multipliers: qm.map { $0.multiplier }, shifts: qm.map { $0.shift },
                                       outputZeroPoint: zOut, activationMin: range.min, activationMax: range.max)
        let p = ConvolutionParameters(window: win, depthMultiplier: dm, inputOffset: -zIn, paddingValue: zIn,
                                      bias: bias, requantizer: .fixedPoint(rq), activation: act)
        let ins = [x, f] + (biasTensor.map { [$0] } ?? [])
        return Operator(kind: depthwise ? .depthwiseConv2D(p) : .conv2D(p), inputs: ins, outputs: [y])
    }

    static func validate(_ p: Parameters, _ c: OperatorContext) throws(DSCError) {
        let (x, f) = try validateConvolution(p, c)
        let inC = f.shape[3]
        guard x.shape[3] % inC == 0, f.shape[0] % (x.shape[3] / inC) == 0 else {
            throw c.fail(f, "filter \(f.shape) does not fit \(x.shape[3]) input channels")
        }
        try finishConvolution(p, c, x, channels: f.shape[0])
    }

    /// The checks conv and depthwise share: types, a rank-4 input, a constant 4-D filter matching the window.
    static func validateConvolution(_ p: Parameters, _ c: OperatorContext) throws(DSCError) -> (Tensor, Tensor) {
        try c.requireInputs(2...3)
        let x = c.input(0), f = c.input(1)
        try c.requireType(x, [.int8, .uint8, .int4, .uint4])
        try c.requireType(f, [.int8, .int4])
        guard x.shape.count == 4 else { throw c.fail(x, "rank \(x.shape.count); expected 4 (NHWC)") }
        guard f.shape.count == 4, f.isConstant else { throw c.fail(f, "the filter must be a constant 4-D tensor") }
        try c.validateWindow(p.window, input: x)
        if f.shape[1] != p.window.kernelHeight || f.shape[2] != p.window.kernelWidth {
            throw c.fail(f, "filter \(f.shape) does not match the \(p.window.kernelHeight)×\(p.window.kernelWidth) window")
        }
        return (x, f)
    }

    /// The output shape and the arithmetic of a conv-like operator with `channels` outputs.
    static func finishConvolution(_ p: Parameters, _ c: OperatorContext, _ x: Tensor, channels: Int) throws(DSCError) {
        let (oh, ow) = p.window.outputSize(inputHeight: x.shape[1], inputWidth: x.shape[2])
        try c.requireShape(c.output, [x.shape[0], oh, ow, channels])
        try c.validateArithmetic(p.requantizer, bias: p.bias, accumulator: p.accumulator, channels: channels)
    }

    static func prepareFast(_ p: Parameters, _ c: OperatorContext, _ target: FastTarget) -> FastPreparation {
        ConvolutionPacking.pack(p, c, target)
    }

    static func macs(_ p: Parameters, _ c: OperatorContext) -> Int {
        let f = c.input(1).shape
        return c.output.elementCount &* f[1] &* f[2] &* f[3]
    }
}

/// Conv2D and DepthwiseConv2D: the same parameters, import (TFLite's options differ only in field
/// numbers), reference kernel and encoding, told apart by `depthwise`.
protocol ConvolutionDefinition: OperatorDefinition where Parameters == ConvolutionParameters {
    /// DepthwiseConv2D (true) or Conv2D (false).
    static var depthwise: Bool { get }
}

extension ConvolutionDefinition {
    static func importTFLite(_ r: inout TFLiteOperatorReader) throws(DSCError) -> Operator {
        try Conv2D.importConvolution(&r, depthwise: depthwise)
    }

    static func runReference(_ p: Parameters, _ b: OperatorBinding, rounding: RoundingMode) {
        ConvolutionReference(p: p, depthwise: depthwise, rounding: rounding, binding: b)
            .dispatch(b.inputType, b.outputType, b.inputs[0], b.output)
    }

    static func encode(_ p: Parameters, into s: inout DSCMSink) { DSCMOperationCodec.convolution(p, &s) }

    static func decode(_ c: inout DSCMCursor, index: Int) throws(DSCError) -> Parameters {
        try DSCMOperationCodec.convolution(&c, index)
    }
}

/// The reference conv and depthwise kernels over a session's addresses (typed by the tensors).
struct ConvolutionReference: TypedKernel {
    let p: ConvolutionParameters
    let depthwise: Bool
    let rounding: RoundingMode
    let binding: OperatorBinding

    func run<In: QuantizedElement, Out: QuantizedElement>(_ x: UnsafePointer<In>, _ y: UnsafeMutablePointer<Out>) {
        let f = binding.inputs[1].assumingMemoryBound(to: Int8.self)
        if depthwise {
            ReferenceConvolution.depthwise(p, rounding: rounding, input: x, inputShape: binding.inputShape, filter: f,
                                           filterShape: binding.secondShape, output: y, outputShape: binding.outputShape)
        } else {
            ReferenceConvolution.conv2D(p, rounding: rounding, input: x, inputShape: binding.inputShape, filter: f,
                                        filterShape: binding.secondShape, output: y, outputShape: binding.outputShape)
        }
    }
}
