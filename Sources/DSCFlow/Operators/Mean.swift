import CDSCFlowSIMD

/// MEAN over any axes (TFLite Micro's int8 arithmetic; multiplier and shift = QuantizeMultiplier(s_in / s_out)).
enum Mean: OperatorDefinition {
    typealias Parameters = MeanParameters
    static let dscmKind: UInt32 = 6

    static func importTFLite(_ r: inout TFLiteOperatorReader) throws(DSCError) -> Operator {
        try r.requireInputs(2...2)
        let opts = try r.options(TFLiteSchema.Options.reducer)
        let x = try r.input(0, "input"), y = try r.output()
        let rank = r.tensors[x].shape.count
        var axes: [Int] = []
        for a in try r.constantIntegers(r.raw.inputs[1], op: r.index, role: "axes") {
            let n = a < 0 ? a + rank : a
            guard n >= 0 && n < rank else { throw r.malformed("axis \(a) out of range for rank \(rank)") }
            if !axes.contains(n) { axes.append(n) }
        }
        axes.sort()
        let (sIn, zIn) = try r.quantization(x)
        let (sOut, zOut) = try r.quantization(y)
        let q = QuantizedMultiplier(Double(sIn) / Double(sOut))
        let p = MeanParameters(axes: axes, keepDims: try opts?.bool(0) ?? false, inputZeroPoint: zIn,
                               outputZeroPoint: zOut, multiplier: q.multiplier, shift: q.shift)
        return Operator(kind: .mean(p), inputs: [x], outputs: [y])
    }

    static func validate(_ p: Parameters, _ c: OperatorContext) throws(DSCError) {
        try c.requireInputs(1...2)
        let x = c.input(), out = c.output
        try c.requireType(x, [.int8, .uint8])
        try c.requireType(out, [x.type])
        var reduced = [Bool](repeating: false, count: x.shape.count)
        for a in p.axes {
            guard a >= 0 && a < x.shape.count else { throw c.malformed("axis \(a) out of range for rank \(x.shape.count)") }
            reduced[a] = true
        }
        var expected: [Int] = []
        for (d, r) in zip(x.shape, reduced) {
            if r { if p.keepDims { expected.append(1) } } else { expected.append(d) }
        }
        if out.elementCount != expected.reduce(1, *) || (p.keepDims && out.shape != expected) {
            throw c.fail(out, "shape \(out.shape); expected \(expected)")
        }
    }

    /// DSCSIMD_KERNEL_MEAN over a contiguous run of axes (the input as [outer][mid][inner]), with the
    /// reference's multiplier and shift for `mid` elements and its bias -zp_in * mid.
    static func prepareFast(_ p: Parameters, _ c: OperatorContext, _ target: FastTarget) -> FastPreparation {
        if let why = FastPacking.byteActivations(c) { return .reference(why) }
        let shape = c.input().shape
        guard let first = p.axes.first, let last = p.axes.last, last - first + 1 == p.axes.count else {
            return .reference("axes \(p.axes) are not contiguous")
        }
        guard let kernel = target.kernel(DSCSIMD_KERNEL_MEAN) else { return .reference("no mean kernel") }
        let outer = shape[..<first].reduce(1, *), mid = shape[first...last].reduce(1, *), inner = shape[(last + 1)...].reduce(1, *)
        // TFLite Micro's integer mean (as `ReferenceMean`): the multiplier divided by the count.
        let n = Int64(mid)
        var k = 63 - UInt64(n).leadingZeroBitCount
        k = min(k, 32)
        k = min(k, 31 + Int(p.shift))
        let multiplier = Int32(truncatingIfNeeded: (Int64(p.multiplier) << Int64(max(k, 0))) / n)
        let shift = p.shift - Int32(max(k, 0))
        let r = c.input().type.range
        let q = FixedPointRequantizer(multipliers: [multiplier], shifts: [shift], outputZeroPoint: p.outputZeroPoint,
                                      activationMin: r.lowerBound, activationMax: r.upperBound)
        guard let mem = target.allocate(RequantizationTables.bytes(16)) else { return .reference("out of memory") }
        var tables = RequantizationTables(mem, padded: 16)
        _ = tables.fill(.fixedPoint(q), count: 1)
        for e in 1..<16 { tables.copyEntry(e, from: tables, channel: 0) }
        var a = dscsimd_mean()
        a.outer = Int64(outer); a.mid = Int64(mid); a.inner = Int64(inner)
        a.input_unsigned = c.input().type == .uint8 ? 1 : 0
        a.bias = 0 &- p.inputZeroPoint &* Int32(truncatingIfNeeded: n)
        a.rq = tables.requant(.fixedPoint(q), saturation: nil, rounding: target.rounding)
        var t = dscsimd_op()
        t.kind = Int32(DSCSIMD_OP_MEAN)
        t.isa = target.isa
        t.mean = a
        return .kernel(PackedOperator(template: t, kernel: kernel, scratchBytes: 0, memory: mem))
    }

    static func runReference(_ p: Parameters, _ b: OperatorBinding, rounding: RoundingMode) {
        MeanReference(p: p, rounding: rounding, shape: b.inputShapes[0]).dispatch(b.inputType, b.inputs[0], b.output)
    }

    static func encode(_ p: Parameters, into s: inout DSCMSink) {
        s.int32s(p.axes.map { Int32(truncatingIfNeeded: $0) }); s.bool(p.keepDims)
        s.i32(p.inputZeroPoint); s.i32(p.outputZeroPoint); s.i32(p.multiplier); s.i32(p.shift)
    }

    static func decode(_ c: inout DSCMCursor, index: Int) throws(DSCError) -> Parameters {
        let axes = try c.int32s().map { Int($0) }
        let keep = try c.bool()
        return MeanParameters(axes: axes, keepDims: keep, inputZeroPoint: try c.i32(), outputZeroPoint: try c.i32(),
                              multiplier: try c.i32(), shift: try c.i32())
    }
}

/// The reference Mean kernel over a session's addresses.
struct MeanReference: SameTypeKernel {
    let p: MeanParameters
    let rounding: RoundingMode
    let shape: [Int]

    func run<T: QuantizedElement>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>) {
        ReferenceMean.run(p, rounding: rounding, input: x, inputShape: shape, output: y)
    }
}
