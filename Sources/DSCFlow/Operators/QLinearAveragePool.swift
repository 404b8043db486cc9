import CDSCFlowSIMD

/// QLINEAR_AVERAGE_POOL (ONNX Runtime's QLinearAveragePool, com.microsoft) on an NHWC 8-bit tensor: the
/// float path of `ORTAveragePoolParameters`.
enum QLinearAveragePool: OperatorDefinition {
    typealias Parameters = ORTAveragePoolParameters
    static let dscmKind: UInt32 = 36

    static func validate(_ p: Parameters, _ c: OperatorContext) throws(DSCError) {
        try c.requireInputs(1...1)
        let x = c.input(), out = c.output
        _ = try c.requireByteType(x)
        guard out.type == x.type else { throw c.fail(out, "type \(out.type.name) differs from the input's") }
        guard x.shape.count == 4 else { throw c.fail(x, "rank \(x.shape.count); expected 4 (NHWC)") }
        guard p.window.dilationHeight == 1, p.window.dilationWidth == 1 else { throw c.unsupported("dilated average pool") }
        try c.validateWindow(p.window, input: x)
        let (oh, ow) = p.window.outputSize(inputHeight: x.shape[1], inputWidth: x.shape[2])
        try c.requireShape(out, [x.shape[0], oh, ow, x.shape[3]])
        try c.validateQuantization(p.input, of: x, as: x.type)
        try c.validateQuantization(p.output, of: out, as: out.type)
    }

    static func prepareFast(_ p: Parameters, _ c: OperatorContext, _ target: FastTarget) -> FastPreparation {
        let x = c.input(), out = c.output
        if x.isConstant { return .reference("constant input") }
        return ORTPacking.prepare(target, mode: Int32(DSCSIMD_ORT_AVERAGE_POOL), perISA: true, floats: 256) { a, t, _ in
            ORTPacking.poolGeometry(&a, x, out, p.window, includePad: p.countIncludePad)
            a.scale = p.output.scale
            ORTPacking.output(&a, out, zeroPoint: p.output.zeroPoint)
            ORTPacking.dequantizationTable(p.input, signed: x.type == .int8, into: t)
            a.table = UnsafePointer(t)
        }
    }

    static func runReference(_ p: Parameters, _ b: OperatorBinding, rounding: RoundingMode) {
        ReferenceORTPooling.average(p, input: b.inputs[0], inputShape: b.inputShape, output: b.output,
                                    outputShape: b.outputShape, signed: b.inputType == .int8)
    }

    static func encode(_ p: Parameters, into s: inout DSCMSink) {
        DSCMOperationCodec.window(p.window, &s); s.bool(p.countIncludePad)
        DSCMOperationCodec.linearQuantization(p.input, &s); DSCMOperationCodec.linearQuantization(p.output, &s)
    }

    static func decode(_ c: inout DSCMCursor, index: Int) throws(DSCError) -> Parameters {
        let w = try DSCMOperationCodec.window(&c, index), cip = try c.bool()
        let i = try DSCMOperationCodec.linearQuantization(&c)
        return ORTAveragePoolParameters(window: w, countIncludePad: cip, input: i, output: try DSCMOperationCodec.linearQuantization(&c))
    }
}
