import CDSCFlowSIMD

/// DEQUANTIZE (ONNX DequantizeLinear): int8/uint8 → float32, x = Float(q − zp) · scale.
enum DequantizeLinear: OperatorDefinition {
    typealias Parameters = LinearQuantizationParameters
    static let dscmKind: UInt32 = 33

    static func validate(_ p: Parameters, _ c: OperatorContext) throws(DSCError) {
        try c.requireInputs(1...1)
        let x = c.input(), out = c.output
        _ = try c.requireByteType(x)
        try c.requireType(out, [.float32])
        guard x.elementCount == out.elementCount else { throw c.fail(out, "\(out.signature) differs from the input \(x.signature)") }
        try c.validateQuantization(p, of: x, as: x.type)
    }

    static func prepareFast(_ p: Parameters, _ c: OperatorContext, _ target: FastTarget) -> FastPreparation {
        if c.input().isConstant { return .reference("constant input") }
        return ORTPacking.prepare(target, mode: Int32(DSCSIMD_ORT_DEQUANTIZE), perISA: false, floats: 256) { a, t, _ in
            a.count = Int64(c.input().elementCount)
            ORTPacking.dequantizationTable(p, signed: c.input().type == .int8, into: t)
            a.table = UnsafePointer(t)
        }
    }

    static func runReference(_ p: Parameters, _ b: OperatorBinding, rounding: RoundingMode) {
        ReferenceLinearQuantization.dequantize(p, input: b.inputs[0], output: b.output, count: b.inputElementCount,
                                               signed: b.inputType == .int8)
    }

    static func encode(_ p: Parameters, into s: inout DSCMSink) { DSCMOperationCodec.linearQuantization(p, &s) }

    static func decode(_ c: inout DSCMCursor, index: Int) throws(DSCError) -> Parameters { try DSCMOperationCodec.linearQuantization(&c) }
}
