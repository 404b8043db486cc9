/// The `.dscm` encoding of one operator (docs/FORMAT.md, "OPER"): name, kind code, tensor indices,
/// then the kind's parameters, which each operator's file writes and reads (`OperatorDefinition.encode`
/// / `decode`) with the codecs below for the parameter types operators share. Reading and writing live
/// side by side so they cannot drift apart.
enum DSCMOperationCodec {
    // MARK: operators

    static func write(_ op: Operator, into s: inout DSCMSink) {
        s.string(op.name)
        var kind = DSCMKindCode()
        s.u32(op.kind.visit(&kind))
        s.int32s(op.inputs.map { Int32(truncatingIfNeeded: $0) })
        s.int32s(op.outputs.map { Int32(truncatingIfNeeded: $0) })
        var encoding = DSCMEncoding(sink: s)
        op.kind.visit(&encoding)
        s = encoding.sink
    }

    static func read(_ c: inout DSCMCursor, index i: Int) throws(DSCError) -> Operator {
        let name = try c.string()
        let code = try c.u32()
        let inputs = try c.indices("operator \(i) input")
        let outputs = try c.indices("operator \(i) output")
        guard let kind = try OperatorRegistry.decodeDSCM(kind: code, &c, index: i) else {
            throw DSCError.malformedModel(".dscm: operator \(i) '\(name)' has unknown kind \(code)")
        }
        return Operator(kind: kind, inputs: inputs, outputs: outputs, name: name)
    }

    // MARK: parameter types several operators share

    static func window(_ w: Window2D, _ s: inout DSCMSink) {
        for v in [w.kernelHeight, w.kernelWidth, w.strideHeight, w.strideWidth, w.dilationHeight, w.dilationWidth] {
            s.i32(Int32(truncatingIfNeeded: v))
        }
        s.u8(w.padding.rawValue)
        for v in [w.padTop, w.padLeft, w.padBottom, w.padRight] { s.i32(Int32(truncatingIfNeeded: v)) }
    }

    static func convolution(_ p: ConvolutionParameters, _ s: inout DSCMSink) {
        window(p.window, &s)
        s.i32(Int32(truncatingIfNeeded: p.depthMultiplier)); s.i32(p.inputOffset); s.i32(p.paddingValue)
        s.int32s(p.bias)
        accumulator(p.accumulator, &s); requantizer(p.requantizer, &s); s.u8(p.activation.rawValue)
    }

    static func pool(_ p: PoolParameters, _ s: inout DSCMSink) {
        window(p.window, &s); s.i32(p.activationMin); s.i32(p.activationMax); s.u8(p.activation.rawValue)
    }

    static func accumulator(_ a: Accumulator, _ s: inout DSCMSink) {
        switch a {
        case .int32: s.u8(0)
        case .saturating(let bits, let block):
            s.u8(1); s.i32(Int32(truncatingIfNeeded: bits)); s.i32(Int32(truncatingIfNeeded: block))
        }
    }

    static func requantizer(_ r: Requantizer, _ s: inout DSCMSink) {
        switch r {
        case .fixedPoint(let q):
            s.u8(1); s.int32s(q.multipliers); s.int32s(q.shifts)
            s.i32(q.outputZeroPoint); s.i32(q.activationMin); s.i32(q.activationMax)
        case .mulShift(let q):
            s.u8(2); s.int32s(q.multipliers); s.i32(q.shift); s.bool(q.reluBeforeMultiply)
            s.i32(q.outputMin); s.i32(q.outputMax)
        case .none:
            s.u8(0)
        case .multiplyAddShift(let q):
            s.u8(3); s.int32s(q.multipliers); s.int32s(q.addends); s.i32(q.shift); s.i32(q.outputMax)
        }
    }

    static func activation(_ c: inout DSCMCursor, _ i: Int) throws(DSCError) -> ActivationFunction {
        let code = try c.u8()
        guard let a = ActivationFunction(rawValue: code) else {
            throw DSCError.malformedModel(".dscm: operator \(i): unknown activation \(code)")
        }
        return a
    }

    static func window(_ c: inout DSCMCursor, _ i: Int) throws(DSCError) -> Window2D {
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

    static func convolution(_ c: inout DSCMCursor, _ i: Int) throws(DSCError) -> ConvolutionParameters {
        let w = try window(&c, i)
        let multiplier = Int(try c.i32()), inputOffset = try c.i32(), paddingValue = try c.i32()
        let bias = try c.int32s()
        return ConvolutionParameters(window: w, depthMultiplier: multiplier, inputOffset: inputOffset,
                                     paddingValue: paddingValue, bias: bias, accumulator: try accumulator(&c, i),
                                     requantizer: try requantizer(&c, i), activation: try activation(&c, i))
    }

    static func pool(_ c: inout DSCMCursor, _ i: Int) throws(DSCError) -> PoolParameters {
        let w = try window(&c, i)
        return PoolParameters(window: w, activationMin: try c.i32(), activationMax: try c.i32(),
                              activation: try activation(&c, i))
    }

    static func accumulator(_ c: inout DSCMCursor, _ i: Int) throws(DSCError) -> Accumulator {
        switch try c.u8() {
        case 0: return .int32
        case 1: return .saturating(bits: Int(try c.i32()), channelBlock: Int(try c.i32()))
        case let t: throw DSCError.malformedModel(".dscm: operator \(i): unknown accumulator \(t)")
        }
    }

    static func requantizer(_ c: inout DSCMCursor, _ i: Int) throws(DSCError) -> Requantizer {
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
        case 3:
            try c.requireVersion(2, "operator \(i): the multiply-add-shift requantizer")
            let m = try c.int32s(), a = try c.int32s()
            return .multiplyAddShift(MultiplyAddShiftRequantizer(multipliers: m, addends: a, shift: try c.i32(),
                                                                 outputMax: try c.i32()))
        case let t: throw DSCError.malformedModel(".dscm: operator \(i): unknown requantizer \(t)")
        }
    }

    static func activation(_ a: ActivationFunction, _ s: inout DSCMSink) { s.u8(a.rawValue) }
}
