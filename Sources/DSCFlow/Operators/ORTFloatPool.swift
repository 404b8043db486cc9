import CDSCFlowSIMD

/// FLOAT_AVERAGE_POOL / FLOAT_MAX_POOL: ONNX Runtime's float32 AveragePool or MaxPool (MLAS) on an NHWC
/// float32 tensor, as it runs one left unfused between DequantizeLinear and QuantizeLinear or one on a float
/// graph input (`ORTFloatPoolParameters`, docs/ONNX.md "Float pools"); scalar C on DSCSIMD_KERNEL_ORT_BYTES.
enum ORTFloatPool: OperatorDefinition {
    typealias Parameters = ORTFloatPoolParameters
    static let dscmKind: UInt32 = 41

    static func validate(_ p: Parameters, _ c: OperatorContext) throws(DSCError) {
        try c.requireInputs(1...1)
        let x = c.input(), out = c.output
        try c.requireType(x, [.float32])
        try c.requireType(out, [.float32])
        guard x.shape.count == 4 else { throw c.fail(x, "rank \(x.shape.count); expected 4 (NHWC)") }
        let w = p.window
        guard w.dilationHeight == 1, w.dilationWidth == 1 else { throw c.unsupported("dilated pool") }
        try c.validateWindow(w, input: x)
        // Every window must hold an input pixel (pads smaller than the kernel), as ONNX requires.
        guard w.padTop < w.kernelHeight, w.padBottom < w.kernelHeight, w.padLeft < w.kernelWidth, w.padRight < w.kernelWidth else {
            throw c.unsupported("padding as large as the kernel")
        }
        let (oh, ow) = w.outputSize(inputHeight: x.shape[1], inputWidth: x.shape[2])
        try c.requireShape(out, [x.shape[0], oh, ow, x.shape[3]])
    }

    static func prepareFast(_ p: Parameters, _ c: OperatorContext, _ target: FastTarget) -> FastPreparation {
        let x = c.input(), out = c.output
        if x.isConstant { return .reference("constant input") }
        return ORTPacking.prepare(target, mode: Int32(DSCSIMD_ORT_FLOAT_POOL), perISA: false) { a, _, _ in
            ORTPacking.poolGeometry(&a, x, out, p.window, includePad: p.countIncludePad)
            a.algorithm = p.maximum ? 3 : Int32(p.order.rawValue)
        }
    }

    static func runReference(_ p: Parameters, _ b: OperatorBinding, rounding: RoundingMode) {
        ReferenceORTFloatPool.pool(p, input: b.inputs[0].assumingMemoryBound(to: Float.self), inputShape: b.inputShape,
                                   output: b.output.assumingMemoryBound(to: Float.self), outputShape: b.outputShape)
    }

    static func encode(_ p: Parameters, into s: inout DSCMSink) {
        DSCMOperationCodec.window(p.window, &s)
        s.bool(p.maximum); s.bool(p.countIncludePad); s.u8(p.order.rawValue)
    }

    static func decode(_ c: inout DSCMCursor, index: Int) throws(DSCError) -> Parameters {
        let w = try DSCMOperationCodec.window(&c, index), maximum = try c.bool(), cip = try c.bool()
        let raw = try c.u8()
        guard let order = ORTFloatPoolOrder(rawValue: raw) else {
            throw .malformedModel("operator \(index): float pool order \(raw) is not 0, 1 or 2")
        }
        return ORTFloatPoolParameters(window: w, maximum: maximum, countIncludePad: cip, order: order)
    }
}
