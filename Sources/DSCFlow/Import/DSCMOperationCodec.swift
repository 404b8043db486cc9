/// The `.dscm` encoding of one operator (docs/FORMAT.md, "OPER"): name, kind code, tensor indices,
/// then the kind's parameters. Reading and writing live side by side so they cannot drift apart.
enum DSCMOperationCodec {
    /// Kind codes; never renumber (they are part of the file format).
    enum Kind: UInt32 {
        case conv2D = 1, depthwiseConv2D = 2, fullyConnected = 3, averagePool2D = 4, maxPool2D = 5, mean = 6, add = 7,
             concatenation = 8, pad = 9, reshape = 10, spaceToDepth = 11, softmax = 12
    }

    // MARK: writing

    static func write(_ op: Operator, into s: inout DSCMSink) {
        s.string(op.name)
        switch op.kind {
        case .conv2D(let p): s.u32(Kind.conv2D.rawValue)
            indices(op, &s); convolution(p, &s)
        case .depthwiseConv2D(let p): s.u32(Kind.depthwiseConv2D.rawValue)
            indices(op, &s); convolution(p, &s)
        case .fullyConnected(let p): s.u32(Kind.fullyConnected.rawValue)
            indices(op, &s)
            s.i32(p.inputOffset); s.i32(p.weightOffset); s.int32s(p.bias)
            accumulator(p.accumulator, &s); requantizer(p.requantizer, &s); s.u8(p.activation.rawValue)
        case .averagePool2D(let p): s.u32(Kind.averagePool2D.rawValue)
            indices(op, &s); pool(p, &s)
        case .maxPool2D(let p): s.u32(Kind.maxPool2D.rawValue)
            indices(op, &s); pool(p, &s)
        case .mean(let p): s.u32(Kind.mean.rawValue)
            indices(op, &s)
            s.int32s(p.axes.map { Int32(truncatingIfNeeded: $0) }); s.bool(p.keepDims)
            s.i32(p.inputZeroPoint); s.i32(p.outputZeroPoint); s.i32(p.multiplier); s.i32(p.shift)
        case .add(let p): s.u32(Kind.add.rawValue)
            indices(op, &s)
            for v in [p.input1Offset, p.input2Offset, p.leftShift, p.input1Multiplier, p.input1Shift, p.input2Multiplier,
                      p.input2Shift, p.outputMultiplier, p.outputShift, p.outputOffset, p.activationMin, p.activationMax] {
                s.i32(v)
            }
            s.u8(p.activation.rawValue)
        case .concatenation(let axis): s.u32(Kind.concatenation.rawValue)
            indices(op, &s); s.i32(Int32(truncatingIfNeeded: axis))
        case .pad(let p): s.u32(Kind.pad.rawValue)
            indices(op, &s)
            s.u32(UInt32(p.paddings.count))
            for pp in p.paddings { s.i64(Int64(pp.before)); s.i64(Int64(pp.after)) }
            s.i32(p.value)
        case .reshape: s.u32(Kind.reshape.rawValue)
            indices(op, &s)
        case .spaceToDepth(let p): s.u32(Kind.spaceToDepth.rawValue)
            indices(op, &s); s.i32(Int32(truncatingIfNeeded: p.blockSize)); s.u8(p.order.rawValue)
        case .softmax(let p): s.u32(Kind.softmax.rawValue)
            indices(op, &s)
            s.u32(p.beta.bitPattern); s.i32(p.inputMultiplier); s.i32(p.inputLeftShift); s.i32(p.diffMin)
        }
    }

    private static func indices(_ op: Operator, _ s: inout DSCMSink) {
        s.int32s(op.inputs.map { Int32(truncatingIfNeeded: $0) })
        s.int32s(op.outputs.map { Int32(truncatingIfNeeded: $0) })
    }

    private static func window(_ w: Window2D, _ s: inout DSCMSink) {
        for v in [w.kernelHeight, w.kernelWidth, w.strideHeight, w.strideWidth, w.dilationHeight, w.dilationWidth] {
            s.i32(Int32(truncatingIfNeeded: v))
        }
        s.u8(w.padding.rawValue)
        for v in [w.padTop, w.padLeft, w.padBottom, w.padRight] { s.i32(Int32(truncatingIfNeeded: v)) }
    }

    private static func convolution(_ p: ConvolutionParameters, _ s: inout DSCMSink) {
        window(p.window, &s)
        s.i32(Int32(truncatingIfNeeded: p.depthMultiplier)); s.i32(p.inputOffset); s.i32(p.paddingValue)
        s.int32s(p.bias)
        accumulator(p.accumulator, &s); requantizer(p.requantizer, &s); s.u8(p.activation.rawValue)
    }

    private static func pool(_ p: PoolParameters, _ s: inout DSCMSink) {
        window(p.window, &s); s.i32(p.activationMin); s.i32(p.activationMax); s.u8(p.activation.rawValue)
    }

    private static func accumulator(_ a: Accumulator, _ s: inout DSCMSink) {
        switch a {
        case .int32: s.u8(0)
        case .saturating(let bits, let block):
            s.u8(1); s.i32(Int32(truncatingIfNeeded: bits)); s.i32(Int32(truncatingIfNeeded: block))
        }
    }

    private static func requantizer(_ r: Requantizer, _ s: inout DSCMSink) {
        switch r {
        case .fixedPoint(let q):
            s.u8(1); s.int32s(q.multipliers); s.int32s(q.shifts)
            s.i32(q.outputZeroPoint); s.i32(q.activationMin); s.i32(q.activationMax)
        case .mulShift(let q):
            s.u8(2); s.int32s(q.multipliers); s.i32(q.shift); s.bool(q.reluBeforeMultiply)
            s.i32(q.outputMin); s.i32(q.outputMax)
        case .none:
            s.u8(0)
        }
    }

    // MARK: reading

    static func read(_ c: inout DSCMCursor, index i: Int) throws -> Operator {
        let name = try c.string()
        let code = try c.u32()
        guard let kind = Kind(rawValue: code) else {
            throw DSCError.malformedModel(".dscm: operator \(i) '\(name)' has unknown kind \(code)")
        }
        let inputs = try c.indices("operator \(i) input")
        let outputs = try c.indices("operator \(i) output")
        let k: OperatorKind
        switch kind {
        case .conv2D: k = .conv2D(try convolution(&c, i))
        case .depthwiseConv2D: k = .depthwiseConv2D(try convolution(&c, i))
        case .fullyConnected:
            let inputOffset = try c.i32(), weightOffset = try c.i32(), bias = try c.int32s()
            k = .fullyConnected(FullyConnectedParameters(inputOffset: inputOffset, weightOffset: weightOffset, bias: bias,
                                                         accumulator: try accumulator(&c, i),
                                                         requantizer: try requantizer(&c, i),
                                                         activation: try activation(&c, i)))
        case .averagePool2D: k = .averagePool2D(try pool(&c, i))
        case .maxPool2D: k = .maxPool2D(try pool(&c, i))
        case .mean:
            let axes = try c.int32s().map { Int($0) }
            let keep = try c.bool()
            k = .mean(MeanParameters(axes: axes, keepDims: keep, inputZeroPoint: try c.i32(), outputZeroPoint: try c.i32(),
                                     multiplier: try c.i32(), shift: try c.i32()))
        case .add:
            var v: [Int32] = []
            for _ in 0..<12 { v.append(try c.i32()) }
            k = .add(AddParameters(input1Offset: v[0], input2Offset: v[1], leftShift: v[2], input1Multiplier: v[3],
                                   input1Shift: v[4], input2Multiplier: v[5], input2Shift: v[6], outputMultiplier: v[7],
                                   outputShift: v[8], outputOffset: v[9], activationMin: v[10], activationMax: v[11],
                                   activation: try activation(&c, i)))
        case .concatenation:
            k = .concatenation(axis: Int(try c.i32()))
        case .pad:
            let n = try c.count(minimumBytesEach: 16)
            var paddings: [(before: Int, after: Int)] = []
            for _ in 0..<n {
                let before = try c.int(from: c.i64(), "operator \(i) padding")
                let after = try c.int(from: c.i64(), "operator \(i) padding")
                paddings.append((before, after))
            }
            k = .pad(PadParameters(paddings: paddings, value: try c.i32()))
        case .reshape:
            k = .reshape
        case .spaceToDepth:
            let block = Int(try c.i32())
            let orderCode = try c.u8()
            guard let order = SpaceToDepthOrder(rawValue: orderCode) else {
                throw DSCError.malformedModel(".dscm: operator \(i): unknown space-to-depth order \(orderCode)")
            }
            k = .spaceToDepth(SpaceToDepthParameters(blockSize: block, order: order))
        case .softmax:
            let beta = Float(bitPattern: try c.u32())
            k = .softmax(SoftmaxParameters(beta: beta, inputMultiplier: try c.i32(), inputLeftShift: try c.i32(),
                                           diffMin: try c.i32()))
        }
        return Operator(kind: k, inputs: inputs, outputs: outputs, name: name)
    }

    private static func activation(_ c: inout DSCMCursor, _ i: Int) throws -> ActivationFunction {
        let code = try c.u8()
        guard let a = ActivationFunction(rawValue: code) else {
            throw DSCError.malformedModel(".dscm: operator \(i): unknown activation \(code)")
        }
        return a
    }

    private static func window(_ c: inout DSCMCursor, _ i: Int) throws -> Window2D {
        var v: [Int] = []
        for _ in 0..<6 { v.append(Int(try c.i32())) }
        let modeCode = try c.u8()
        guard let mode = PaddingMode(rawValue: modeCode) else {
            throw DSCError.malformedModel(".dscm: operator \(i): unknown padding mode \(modeCode)")
        }
        var pads: [Int] = []
        for _ in 0..<4 { pads.append(Int(try c.i32())) }
        return Window2D(kernelHeight: v[0], kernelWidth: v[1], strideHeight: v[2], strideWidth: v[3], dilationHeight: v[4],
                        dilationWidth: v[5], padding: mode, padTop: pads[0], padLeft: pads[1], padBottom: pads[2],
                        padRight: pads[3])
    }

    private static func convolution(_ c: inout DSCMCursor, _ i: Int) throws -> ConvolutionParameters {
        let w = try window(&c, i)
        let multiplier = Int(try c.i32()), inputOffset = try c.i32(), paddingValue = try c.i32()
        let bias = try c.int32s()
        return ConvolutionParameters(window: w, depthMultiplier: multiplier, inputOffset: inputOffset,
                                     paddingValue: paddingValue, bias: bias, accumulator: try accumulator(&c, i),
                                     requantizer: try requantizer(&c, i), activation: try activation(&c, i))
    }

    private static func pool(_ c: inout DSCMCursor, _ i: Int) throws -> PoolParameters {
        let w = try window(&c, i)
        return PoolParameters(window: w, activationMin: try c.i32(), activationMax: try c.i32(),
                              activation: try activation(&c, i))
    }

    private static func accumulator(_ c: inout DSCMCursor, _ i: Int) throws -> Accumulator {
        switch try c.u8() {
        case 0: return .int32
        case 1: return .saturating(bits: Int(try c.i32()), channelBlock: Int(try c.i32()))
        case let t: throw DSCError.malformedModel(".dscm: operator \(i): unknown accumulator \(t)")
        }
    }

    private static func requantizer(_ c: inout DSCMCursor, _ i: Int) throws -> Requantizer {
        switch try c.u8() {
        case 0: return .none
        case 1:
            let m = try c.int32s(), s = try c.int32s()
            return .fixedPoint(FixedPointRequantizer(multipliers: m, shifts: s, outputZeroPoint: try c.i32(),
                                                     activationMin: try c.i32(), activationMax: try c.i32()))
        case 2:
            let m = try c.int32s(), shift = try c.i32(), relu = try c.bool()
            return .mulShift(MulShiftRequantizer(multipliers: m, shift: shift, reluBeforeMultiply: relu,
                                                 outputMin: try c.i32(), outputMax: try c.i32()))
        case let t: throw DSCError.malformedModel(".dscm: operator \(i): unknown requantizer \(t)")
        }
    }
}
