import CDSCFlowSIMD

/// PAD / PADV2: `paddings[d] = (before, after)` per input dimension; new cells hold `value`.
enum Pad: OperatorDefinition {
    typealias Parameters = PadParameters
    static let dscmKind: UInt32 = 9

    /// TFLite PAD (the value is the output zero point) and PADV2 (a constant int8 value).
    static func importTFLite(_ r: inout TFLiteOperatorReader) throws(DSCError) -> Operator {
        try r.requireInputs(2...3)
        let x = try r.input(0, "input"), y = try r.output()
        try r.requireSameQuantization(x, y)
        let flat = try r.constantIntegers(r.raw.inputs[1], op: r.index, role: "paddings")
        let rank = r.tensors[x].shape.count
        guard flat.count == 2 * rank else { throw r.malformed("\(flat.count) padding values for rank \(rank)") }
        let paddings = (0..<rank).map { (before: flat[2 * $0], after: flat[2 * $0 + 1]) }
        var value = try r.quantization(y).zeroPoint
        if r.raw.code == TFLiteSchema.Op.padV2 && r.raw.inputs.count == 3 && r.raw.inputs[2] >= 0 {
            let c = try r.input(2, "constant value")
            guard let d = r.tensors[c].data, d.count == 1 else { throw r.unsupported("the pad value must be one constant int8") }
            value = d.element(0, as: .int8)
        }
        return Operator(kind: .pad(PadParameters(paddings: paddings, value: value)), inputs: [x], outputs: [y])
    }

    static func validate(_ p: Parameters, _ c: OperatorContext) throws(DSCError) {
        guard c.op.inputs.count >= 1 else { throw c.unsupported("no inputs") }
        let x = c.input(), out = c.output
        guard p.paddings.count == x.shape.count, x.shape.count <= 5 else {
            throw c.unsupported("\(p.paddings.count) paddings for rank \(x.shape.count) (at most 5)")
        }
        var expected: [Int] = []
        for (d, pp) in zip(x.shape, p.paddings) {
            guard pp.before >= 0, pp.after >= 0, pp.before <= 1 << 24, pp.after <= 1 << 24 else {
                throw c.unsupported("padding \(pp) out of range")
            }
            expected.append(d + pp.before + pp.after)
        }
        try c.requireShape(out, expected)
        try c.requireType(out, [x.type])
        if !x.type.range.contains(p.value) { throw c.unsupported("pad value \(p.value) outside \(x.type.name)") }
    }

    /// DSCSIMD_KERNEL_PAD: the output filled with the value, the input's innermost runs copied in.
    static func prepareFast(_ p: Parameters, _ c: OperatorContext, _ target: FastTarget) -> FastPreparation {
        let x = c.input()
        guard !x.isConstant else { return .reference("constant input") }
        guard let kernel = target.kernel(DSCSIMD_KERNEL_PAD) else { return .reference("no pad kernel") }
        let lead = 5 - x.shape.count
        var dims = [Int64](repeating: 1, count: 5), before = [Int64](repeating: 0, count: 5), out = [Int64](repeating: 1, count: 5)
        for (k, d) in x.shape.enumerated() {
            dims[lead + k] = Int64(d)
            before[lead + k] = Int64(p.paddings[k].before)
            out[lead + k] = Int64(c.output.shape[k])
        }
        var a = dscsimd_pad()
        a.dims = (dims[0], dims[1], dims[2], dims[3], dims[4])
        a.before = (before[0], before[1], before[2], before[3], before[4])
        a.out_dims = (out[0], out[1], out[2], out[3], out[4])
        a.elem_size = Int32(x.type.byteSize)
        let v = UInt32(bitPattern: p.value)  // little-endian: the value's bytes, low first
        a.value = (UInt8(truncatingIfNeeded: v), UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v >> 16),
                   UInt8(truncatingIfNeeded: v >> 24))
        var t = dscsimd_op()
        t.kind = Int32(DSCSIMD_OP_PAD)
        t.isa = target.isa
        t.pad = a
        return .kernel(PackedOperator(template: t, kernel: kernel, scratchBytes: 0, memory: nil))
    }

    static func runReference(_ p: Parameters, _ b: OperatorBinding, rounding: RoundingMode) {
        PadReference(p: p, inShape: b.inputShapes[0], outShape: b.outputDims).dispatch(b.inputType, b.inputs[0], b.output)
    }

    static func encode(_ p: Parameters, into s: inout DSCMSink) {
        s.u32(UInt32(p.paddings.count))
        for pp in p.paddings { s.i64(Int64(pp.before)); s.i64(Int64(pp.after)) }
        s.i32(p.value)
    }

    static func decode(_ c: inout DSCMCursor, index i: Int) throws(DSCError) -> Parameters {
        let n = try c.count(minimumBytesEach: 16)
        var paddings: [(before: Int, after: Int)] = []
        for _ in 0..<n {
            let before = try c.int(from: c.i64(), "operator \(i) padding")
            let after = try c.int(from: c.i64(), "operator \(i) padding")
            paddings.append((before, after))
        }
        return PadParameters(paddings: paddings, value: try c.i32())
    }
}

/// The reference Pad kernel over a session's addresses.
struct PadReference: SameTypeKernel {
    let p: PadParameters
    let inShape: [Int], outShape: [Int]

    func run<T: QuantizedElement>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>) {
        ReferenceDataMovement.pad(p, input: x, inputShape: inShape, output: y, outputShape: outShape)
    }
}
