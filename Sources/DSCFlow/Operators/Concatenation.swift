import CDSCFlowSIMD

/// CONCATENATION along one axis (inputs and output quantized alike: a byte copy).
enum Concatenation: OperatorDefinition {
    /// The axis.
    typealias Parameters = Int
    static let dscmKind: UInt32 = 8

    static func importTFLite(_ r: inout TFLiteOperatorReader) throws(DSCError) -> Operator {
        guard !r.raw.inputs.isEmpty else { throw r.unsupported("no inputs") }
        let opts = try r.options(TFLiteSchema.Options.concatenation)
        let y = try r.output()
        var ins: [Int] = []
        for k in r.raw.inputs.indices { ins.append(try r.input(k, "input \(k + 1)")) }
        for x in ins { try r.requireSameQuantization(x, y) }
        if let a = try opts?.u8(1), a != 0 { throw r.unsupported("fused activation on concatenation") }
        let rank = r.tensors[y].shape.count
        var axis = Int(try opts?.i32(0) ?? 0)
        if axis < 0 { axis += rank }
        guard axis >= 0 && axis < rank else { throw r.malformed("axis out of range for rank \(rank)") }
        return Operator(kind: .concatenation(axis: axis), inputs: ins, outputs: [y])
    }

    static func validate(_ axis: Int, _ c: OperatorContext) throws(DSCError) {
        guard c.op.inputs.count >= 1 else { throw c.unsupported("no inputs") }
        let out = c.output
        let rank = out.shape.count
        guard axis >= 0 && axis < rank else { throw c.malformed("axis \(axis) out of range for rank \(rank)") }
        var sum = 0
        for t in c.op.inputs {
            let x = c.tensors[t]
            guard x.shape.count == rank, x.type == out.type else { throw c.fail(x, "\(x.signature) cannot be concatenated into \(out.signature)") }
            for d in 0..<rank where d != axis && x.shape[d] != out.shape[d] {
                throw c.fail(x, "shape \(x.shape) differs from the output \(out.shape) outside axis \(axis)")
            }
            sum += x.shape[axis]
        }
        if sum != out.shape[axis] { throw c.fail(out, "axis \(axis) has \(out.shape[axis]); the inputs add up to \(sum)") }
    }

    /// DSCSIMD_KERNEL_CONCAT: per row of the dimensions before the axis, each input's row copied in
    /// turn (`rowBytes` per input; the session fills the sources' addresses).
    static func prepareFast(_ axis: Int, _ c: OperatorContext, _ target: FastTarget) -> FastPreparation {
        guard let kernel = target.kernel(DSCSIMD_KERNEL_CONCAT) else { return .reference("no concat kernel") }
        let out = c.output
        let outer = out.shape[..<axis].reduce(1, *)
        let n = c.op.inputs.count
        guard let mem = target.allocate(8 * n) else { return .reference("out of memory") }
        let rows = mem.bindMemory(to: Int64.self, capacity: n)
        for (k, t) in c.op.inputs.enumerated() {
            rows[k] = Int64(c.tensors[t].byteCount / max(outer, 1))
        }
        var a = dscsimd_concat()
        a.inputs = Int32(n)
        a.outer = Int64(outer)
        a.out_row_bytes = Int64(out.byteCount / max(outer, 1))
        a.row_bytes = UnsafePointer(rows)
        var t = dscsimd_op()
        t.kind = Int32(DSCSIMD_OP_CONCAT)
        t.isa = target.isa
        t.concat = a
        return .kernel(PackedOperator(template: t, kernel: kernel, scratchBytes: 0, memory: mem))
    }

    static func runReference(_ axis: Int, _ b: OperatorBinding, rounding: RoundingMode) {
        b.parts.withUnsafeBufferPointer { parts in
            ReferenceDataMovement.concatenate(axis: axis, elementSize: b.outputType.byteSize, inputs: parts,
                                              outputShape: b.outputDims, output: b.output)
        }
    }

    static func encode(_ axis: Int, into s: inout DSCMSink) { s.i32(Int32(truncatingIfNeeded: axis)) }

    static func decode(_ c: inout DSCMCursor, index: Int) throws(DSCError) -> Int { Int(try c.i32()) }
}
