import CDSCFlowSIMD

/// QUANTIZE (ONNX QuantizeLinear): float32 → int8/uint8, q = saturate(roundHalfEven(x / scale) + zp)
/// with ONNX Runtime's order of operations (`ORTArithmetic.quantize`).
enum QuantizeLinear: OperatorDefinition {
    typealias Parameters = LinearQuantizationParameters
    static let dscmKind: UInt32 = 32

    static func validate(_ p: Parameters, _ c: OperatorContext) throws(DSCError) {
        try c.requireInputs(1...1)
        let x = c.input(), out = c.output
        try c.requireType(x, [.float32])
        _ = try c.requireByteType(out)
        guard x.elementCount == out.elementCount else { throw c.fail(out, "\(out.signature) differs from the input \(x.signature)") }
        try c.validateQuantization(p, of: out, as: out.type)
    }

    static func prepareFast(_ p: Parameters, _ c: OperatorContext, _ target: FastTarget) -> FastPreparation {
        if c.input().isConstant { return .reference("constant input") }
        return ORTPacking.prepare(target, mode: Int32(DSCSIMD_ORT_QUANTIZE), perISA: true) { a, _, _ in
            a.count = Int64(c.input().elementCount)
            a.scale = p.scale
            ORTPacking.output(&a, c.output, zeroPoint: p.zeroPoint)
        }
    }

    static func runReference(_ p: Parameters, _ b: OperatorBinding, rounding: RoundingMode) {
        ReferenceLinearQuantization.quantize(p, input: b.inputs[0], output: b.output, count: b.inputElementCount,
                                             signed: b.outputType == .int8)
    }

    static func encode(_ p: Parameters, into s: inout DSCMSink) { DSCMOperationCodec.linearQuantization(p, &s) }

    static func decode(_ c: inout DSCMCursor, index: Int) throws(DSCError) -> Parameters { try DSCMOperationCodec.linearQuantization(&c) }
}
