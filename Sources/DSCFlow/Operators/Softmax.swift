import CDSCFlowSIMD

/// SOFTMAX on int8 (TFLite's gemmlowp arithmetic, output scale 1/256 and zero point −128) over the
/// last dimension.
enum Softmax: OperatorDefinition {
    typealias Parameters = SoftmaxParameters
    static let dscmKind: UInt32 = 12

    static func importTFLite(_ r: inout TFLiteOperatorReader) throws(DSCError) -> Operator {
        try r.requireInputs(1...1)
        let opts = try r.options(TFLiteSchema.Options.softmax)
        let x = try r.input(0, "input"), y = try r.output()
        let (sIn, _) = try r.quantization(x)
        let (sOut, zOut) = try r.quantization(y)
        guard sOut == 1.0 / 256.0, zOut == -128 else {
            throw r.unsupported("int8 softmax output must have scale 1/256 and zero point -128 (has \(sOut), \(zOut))")
        }
        let beta = try opts?.f32(0) ?? 0
        guard beta.isFinite, beta > 0 else { throw r.unsupported("beta \(beta)") }
        return Operator(kind: .softmax(SoftmaxParameters(beta: beta, inputScale: sIn)), inputs: [x], outputs: [y])
    }

    static func validate(_ p: Parameters, _ c: OperatorContext) throws(DSCError) {
        try c.requireInputs(1...1)
        let x = c.input(), out = c.output
        try c.requireType(x, [.int8])
        try c.requireType(out, [.int8])
        guard x.shape == out.shape, x.shape.count >= 1 else { throw c.fail(out, "shape \(out.shape) differs from the input \(x.shape)") }
        if p.inputLeftShift < 0 || p.inputLeftShift > 31 { throw c.unsupported("input scale × beta out of range") }
    }

    /// DSCSIMD_KERNEL_SOFTMAX: the reference's per-value work tabulated by d = max(row) − x (see
    /// `dscsimd_softmax`), computed with the reference's own fixed-point functions.
    static func prepareFast(_ p: Parameters, _ c: OperatorContext, _ target: FastTarget) -> FastPreparation {
        let input = c.input(), output = c.output
        guard input.type == .int8, output.type == .int8, !input.isConstant, input.elementCount == output.elementCount,
              let depth = input.shape.last, depth >= 1, depth <= Int(Int32.max), input.elementCount % depth == 0
        else { return .reference("not an int8 softmax over the last dimension") }
        guard let kernel = target.kernel(DSCSIMD_KERNEL_SOFTMAX) else { return .reference("no softmax kernel") }
        typealias F = GemmlowpFixedPoint
        guard let mem = target.allocate(2 * 4 * 256) else { return .reference("out of memory") }
        let tables = mem.bindMemory(to: Int32.self, capacity: 2 * 256)
        for d in 0..<256 {
            let diff = Int32(-d)
            var e: Int32 = 0
            if diff >= p.diffMin {
                let rescaled = saturatingRoundingDoublingHighMul(diff &* (1 &<< p.inputLeftShift), p.inputMultiplier)
                e = F.expOnNegativeValues(rescaled, integerBits: ReferenceSoftmax.scaledDiffIntegerBits)
            }
            tables[d] = e
            tables[256 + d] = diff >= p.diffMin ? F.rescale(e, from: 0, to: ReferenceSoftmax.accumulationIntegerBits) : 0
        }
        var s = dscsimd_softmax()
        s.rows = Int64(input.elementCount / depth)
        s.depth = Int32(depth)
        s.exp_table = UnsafePointer(tables)
        s.sum_table = UnsafePointer(tables + 256)
        var t = dscsimd_op()
        t.kind = Int32(DSCSIMD_OP_SOFTMAX)
        t.isa = target.isa
        t.softmax = s
        return .kernel(PackedOperator(template: t, kernel: kernel, scratchBytes: 0, memory: mem))
    }

    static func runReference(_ p: Parameters, _ b: OperatorBinding, rounding: RoundingMode) {
        let depth = b.inputLastDimension
        ReferenceSoftmax.run(p, input: b.inputs[0].assumingMemoryBound(to: Int8.self),
                             output: b.output.assumingMemoryBound(to: Int8.self),
                             rows: b.inputElementCount / depth, depth: depth)
    }

    static func encode(_ p: Parameters, into s: inout DSCMSink) {
        s.u32(p.beta.bitPattern); s.i32(p.inputMultiplier); s.i32(p.inputLeftShift); s.i32(p.diffMin)
    }

    static func decode(_ c: inout DSCMCursor, index: Int) throws(DSCError) -> Parameters {
        let beta = Float(bitPattern: try c.u32())
        return SoftmaxParameters(beta: beta, inputMultiplier: try c.i32(), inputLeftShift: try c.i32(), diffMin: try c.i32())
    }
}
