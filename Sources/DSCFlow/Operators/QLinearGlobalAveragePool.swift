import CDSCFlowSIMD

/// QLINEAR_GLOBAL_AVERAGE_POOL (ONNX Runtime's QLinearGlobalAveragePool, com.microsoft) over H and W of
/// an NHWC 8-bit tensor: an int32 sum and ONNX Runtime's float requantization.
enum QLinearGlobalAveragePool: OperatorDefinition {
    typealias Parameters = ORTGlobalAveragePoolParameters
    static let dscmKind: UInt32 = 37

    static func validate(_ p: Parameters, _ c: OperatorContext) throws(DSCError) {
        try c.requireInputs(1...1)
        let x = c.input(), out = c.output
        let range = try c.requireByteType(x)
        guard out.type == x.type else { throw c.fail(out, "type \(out.type.name) differs from the input's") }
        guard x.shape.count == 4 else { throw c.fail(x, "rank \(x.shape.count); expected 4 (NHWC)") }
        try c.requireShape(out, [x.shape[0], 1, 1, x.shape[3]])
        guard x.shape[1] * x.shape[2] < 1 << 24 else { throw c.unsupported("image of \(x.shape[1] * x.shape[2]) pixels (ONNX Runtime's limit is 2^24)") }
        guard p.scale.isFinite, p.scale > 0 else { throw c.unsupported("scale \(p.scale)") }
        guard range.contains(p.inputZeroPoint), range.contains(p.outputZeroPoint) else { throw c.unsupported("zero point out of range") }
    }

    static func prepareFast(_ p: Parameters, _ c: OperatorContext, _ target: FastTarget) -> FastPreparation {
        let x = c.input()
        if x.isConstant { return .reference("constant input") }
        return ORTPacking.prepare(target, mode: Int32(DSCSIMD_ORT_GLOBAL_AVERAGE), perISA: true) { a, _, _ in
            a.batches = Int32(x.shape[0]); a.in_h = Int32(x.shape[1]); a.in_w = Int32(x.shape[2]); a.channels = Int32(x.shape[3])
            a.input_signed = x.type == .int8 ? 1 : 0
            a.input_zero_point = p.inputZeroPoint
            a.scale = p.scale
            ORTPacking.output(&a, c.output, zeroPoint: p.outputZeroPoint)
        }
    }

    static func runReference(_ p: Parameters, _ b: OperatorBinding, rounding: RoundingMode) {
        ReferenceORTPooling.globalAverage(p, input: b.inputs[0], shape: b.inputShape, output: b.output,
                                          signed: b.inputType == .int8)
    }

    static func encode(_ p: Parameters, into s: inout DSCMSink) {
        s.i32(p.inputZeroPoint); s.u32(p.scale.bitPattern); s.i32(p.outputZeroPoint)
    }

    static func decode(_ c: inout DSCMCursor, index: Int) throws(DSCError) -> Parameters {
        let zi = try c.i32(), scale = Float(bitPattern: try c.u32())
        return ORTGlobalAveragePoolParameters(inputZeroPoint: zi, scale: scale, outputZeroPoint: try c.i32())
    }
}
