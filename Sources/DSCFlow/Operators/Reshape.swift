import CDSCFlowSIMD

/// RESHAPE: the same bytes, the output tensor's shape.
enum Reshape: OperatorDefinition {
    typealias Parameters = Void
    static let dscmKind: UInt32 = 10

    static func importTFLite(_ r: inout TFLiteOperatorReader) throws(DSCError) -> Operator {
        try r.requireInputs(1...2)
        let x = try r.input(0, "input"), y = try r.output()
        try r.requireSameQuantization(x, y)
        return Operator(kind: .reshape, inputs: [x], outputs: [y])
    }

    static func validate(_ p: Void, _ c: OperatorContext) throws(DSCError) {
        guard c.op.inputs.count >= 1 else { throw c.unsupported("no inputs") }
        let x = c.input(), out = c.output
        guard x.elementCount == out.elementCount, x.type == out.type else {
            throw c.fail(out, "\(out.signature) cannot hold the \(x.signature) input")
        }
    }

    /// DSCSIMD_KERNEL_COPY (nothing at all when the planner gives input and output the same bytes).
    static func prepareFast(_ p: Void, _ c: OperatorContext, _ target: FastTarget) -> FastPreparation {
        if c.input().isConstant { return .reference("constant input") }
        guard let kernel = target.kernel(DSCSIMD_KERNEL_COPY) else { return .reference("no copy kernel") }
        var t = dscsimd_op()
        t.kind = Int32(DSCSIMD_OP_COPY)
        t.isa = target.isa
        t.copy_bytes = Int64(c.output.byteCount)
        return .kernel(PackedOperator(template: t, kernel: kernel, scratchBytes: 0, memory: nil))
    }

    static func runReference(_ p: Void, _ b: OperatorBinding, rounding: RoundingMode) {
        if UnsafeRawPointer(b.output) != b.inputs[0] { b.output.copyMemory(from: b.inputs[0], byteCount: b.outputByteCount) }
    }

    static func encode(_ p: Void, into s: inout DSCMSink) {}

    static func decode(_ c: inout DSCMCursor, index: Int) throws(DSCError) {}
}
