import CDSCFlowSIMD

/// QLINEAR_ADD (ONNX Runtime's QLinearAdd, com.microsoft) of two same-shape 8-bit tensors of one type:
/// the float32 FMA form of MLAS's AVX2 kernel (`ORTAddParameters`).
enum QLinearAdd: OperatorDefinition {
    typealias Parameters = ORTAddParameters
    static let dscmKind: UInt32 = 35

    static func validate(_ p: Parameters, _ c: OperatorContext) throws(DSCError) {
        try c.requireInputs(2...2)
        let a = c.input(0), b = c.input(1), out = c.output
        _ = try c.requireByteType(out)
        guard a.type == out.type, b.type == out.type else { throw c.fail(out, "inputs and output must share one 8-bit type") }
        guard a.shape == out.shape, b.shape == out.shape else { throw c.fail(out, "inputs \(a.shape), \(b.shape) and output \(out.shape) differ") }
        try c.validateQuantization(p.a, of: a, as: a.type)
        try c.validateQuantization(p.b, of: b, as: b.type)
        try c.validateQuantization(p.c, of: out, as: out.type)
    }

    static func prepareFast(_ p: Parameters, _ c: OperatorContext, _ target: FastTarget) -> FastPreparation {
        if c.input(0).isConstant || c.input(1).isConstant { return .reference("constant input") }
        let signed = c.input().type == .int8
        return ORTPacking.prepare(target, mode: Int32(p.floatPath ? DSCSIMD_ORT_ADD_FLOAT : DSCSIMD_ORT_ADD), perISA: true,
                                  floats: 512) { a, t, _ in
            a.count = Int64(c.output.elementCount)
            a.input_signed = signed ? 1 : 0
            a.ratio_a = p.ratioA; a.ratio_b = p.ratioB; a.fixed = p.fixedPart
            a.scale = p.c.scale
            ORTPacking.output(&a, c.output, zeroPoint: p.c.zeroPoint)
            ORTPacking.dequantizationTable(p.a, signed: signed, into: t)
            ORTPacking.dequantizationTable(p.b, signed: signed, into: t + 256)
            a.table = UnsafePointer(t)
        }
    }

    static func runReference(_ p: Parameters, _ b: OperatorBinding, rounding: RoundingMode) {
        ReferenceORTAdd.run(p, a: b.inputs[0], b: b.inputs[1], output: b.output, count: b.outputByteCount,
                            signed: b.outputType == .int8)
    }

    static func encode(_ p: Parameters, into s: inout DSCMSink) {
        DSCMOperationCodec.linearQuantization(p.a, &s)
        DSCMOperationCodec.linearQuantization(p.b, &s)
        DSCMOperationCodec.linearQuantization(p.c, &s)
        s.bool(p.floatPath)
    }

    static func decode(_ c: inout DSCMCursor, index: Int) throws(DSCError) -> Parameters {
        let a = try DSCMOperationCodec.linearQuantization(&c), b = try DSCMOperationCodec.linearQuantization(&c)
        var p = ORTAddParameters(a: a, b: b, c: try DSCMOperationCodec.linearQuantization(&c))
        p.floatPath = try c.bool()
        return p
    }
}
