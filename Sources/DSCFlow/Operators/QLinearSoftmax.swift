import CDSCFlowSIMD

/// QLINEAR_SOFTMAX (ONNX Runtime's QLinearSoftmax, com.microsoft) over the last axis of an 8-bit tensor
/// (`ORTSoftmaxParameters`).
enum QLinearSoftmax: OperatorDefinition {
    typealias Parameters = ORTSoftmaxParameters
    static let dscmKind: UInt32 = 39

    /// The parameters ONNX Runtime derives from the input scale, the row length and the output
    /// quantization (the table through the C library's exp, as ONNX Runtime builds it).
    static func parameters(inputScale: Float, rowLength: Int, signed: Bool, output: LinearQuantizationParameters) -> Parameters {
        var table = [Float](repeating: 0, count: 256)
        table.withUnsafeMutableBufferPointer { dscsimd_ort_softmax_table(inputScale, Int64(rowLength), signed ? 1 : 0, $0.baseAddress) }
        return ORTSoftmaxParameters(table: table, outputScaleReciprocal: (Float(1) / output.scale).rounded(.down),
                                    outputZeroPoint: output.zeroPoint)
    }

    static func validate(_ p: Parameters, _ c: OperatorContext) throws(DSCError) {
        try c.requireInputs(1...1)
        let x = c.input(), out = c.output
        let range = try c.requireByteType(x)
        guard out.type == x.type, out.shape == x.shape, !x.shape.isEmpty else { throw c.fail(out, "\(out.signature) differs from the input \(x.signature)") }
        guard p.table.count == 256 else { throw c.unsupported("\(p.table.count) table entries; expected 256") }
        guard range.contains(p.outputZeroPoint) else { throw c.unsupported("zero point \(p.outputZeroPoint) out of range") }
    }

    static func prepareFast(_ p: Parameters, _ c: OperatorContext, _ target: FastTarget) -> FastPreparation {
        let x = c.input()
        guard !x.isConstant, let depth = x.shape.last, depth >= 1 else { return .reference("constant or empty input") }
        return ORTPacking.prepare(target, mode: Int32(DSCSIMD_ORT_SOFTMAX), perISA: false, floats: 256) { a, t, _ in
            a.rows = Int64(x.elementCount / depth); a.depth = Int32(depth)
            a.input_signed = x.type == .int8 ? 1 : 0
            a.scale = p.outputScaleReciprocal
            ORTPacking.output(&a, c.output, zeroPoint: p.outputZeroPoint)
            for i in 0..<256 { t[i] = p.table[i] }
            a.table = UnsafePointer(t)
        }
    }

    static func runReference(_ p: Parameters, _ b: OperatorBinding, rounding: RoundingMode) {
        let depth = b.inputLastDimension
        ReferenceORTSoftmax.run(p, input: b.inputs[0], output: b.output, rows: b.inputElementCount / max(depth, 1),
                                depth: depth, signed: b.inputType == .int8)
    }

    static func encode(_ p: Parameters, into s: inout DSCMSink) {
        DSCMOperationCodec.floats(p.table, &s); s.u32(p.outputScaleReciprocal.bitPattern); s.i32(p.outputZeroPoint)
    }

    static func decode(_ c: inout DSCMCursor, index: Int) throws(DSCError) -> Parameters {
        let table = try DSCMOperationCodec.floats(&c), y = Float(bitPattern: try c.u32())
        return ORTSoftmaxParameters(table: table, outputScaleReciprocal: y, outputZeroPoint: try c.i32())
    }
}
