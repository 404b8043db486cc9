import CDSCFlowSIMD

/// SPACE_TO_DEPTH / reorg with block b, in TFLite's block-major or PyTorch's channel-major channel order.
enum SpaceToDepth: OperatorDefinition {
    typealias Parameters = SpaceToDepthParameters
    static let dscmKind: UInt32 = 11

    static func importTFLite(_ r: inout TFLiteOperatorReader) throws(DSCError) -> Operator {
        try r.requireInputs(1...1)
        let opts = try r.options(TFLiteSchema.Options.spaceToDepth)
        let x = try r.input(0, "input"), y = try r.output()
        try r.requireSameQuantization(x, y)
        let b = Int(try opts?.i32(0) ?? 0)
        guard b >= 1 else { throw r.malformed("block size \(b)") }
        return Operator(kind: .spaceToDepth(SpaceToDepthParameters(blockSize: b)), inputs: [x], outputs: [y])
    }

    static func validate(_ p: Parameters, _ c: OperatorContext) throws(DSCError) {
        try c.requireInputs(1...1)
        let x = c.input()
        guard x.shape.count == 4 else { throw c.fail(x, "rank \(x.shape.count); expected 4 (NHWC)") }
        let b = p.blockSize
        guard b >= 1, b <= 1 << 12 else { throw c.unsupported("block size \(b) (1…4096)") }
        guard x.shape[1] % b == 0, x.shape[2] % b == 0 else {
            throw c.malformed("block size \(b) does not divide \(x.shape[1])×\(x.shape[2])")
        }
        try c.requireShape(c.output, [x.shape[0], x.shape[1] / b, x.shape[2] / b, x.shape[3] * b * b])
        try c.requireType(c.output, [x.type])
    }

    /// DSCSIMD_KERNEL_SPACE_TO_DEPTH: byte runs (both channel orders, any element size).
    static func prepareFast(_ p: Parameters, _ c: OperatorContext, _ target: FastTarget) -> FastPreparation {
        let x = c.input()
        guard !x.isConstant else { return .reference("constant input") }
        let F = FastPacking.fits
        guard F(x.shape[0]), F(x.shape[1]), F(x.shape[2]), F(x.shape[3]) else { return .reference("shapes out of the kernel's range") }
        guard let kernel = target.kernel(DSCSIMD_KERNEL_SPACE_TO_DEPTH) else { return .reference("no space-to-depth kernel") }
        var a = dscsimd_s2d()
        a.batches = Int32(x.shape[0]); a.in_h = Int32(x.shape[1]); a.in_w = Int32(x.shape[2]); a.channels = Int32(x.shape[3])
        a.block = Int32(p.blockSize)
        a.channel_major = p.order == .channelMajor ? 1 : 0
        a.elem_size = Int32(x.type.byteSize)
        a.out_pixel_stride = Int64(c.output.shape[3])
        var t = dscsimd_op()
        t.kind = Int32(DSCSIMD_OP_S2D)
        t.isa = target.isa
        t.s2d = a
        return .kernel(PackedOperator(template: t, kernel: kernel, scratchBytes: 0, memory: nil))
    }

    static func runReference(_ p: Parameters, _ b: OperatorBinding, rounding: RoundingMode) {
        SpaceToDepthReference(p: p, binding: b).dispatch(b.inputType, b.inputs[0], b.output)
    }

    static func encode(_ p: Parameters, into s: inout DSCMSink) {
        s.i32(Int32(truncatingIfNeeded: p.blockSize)); s.u8(p.order.rawValue)
    }

    static func decode(_ c: inout DSCMCursor, index i: Int) throws(DSCError) -> Parameters {
        let block = Int(try c.i32())
        let orderCode = try c.u8()
        guard let order = SpaceToDepthOrder(rawValue: orderCode) else {
            throw DSCError.malformedModel(".dscm: operator \(i): unknown space-to-depth order \(orderCode)")
        }
        return SpaceToDepthParameters(blockSize: block, order: order)
    }
}

/// The reference space-to-depth kernel over a session's addresses.
struct SpaceToDepthReference: SameTypeKernel {
    let p: SpaceToDepthParameters
    let binding: OperatorBinding

    func run<T: QuantizedElement>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>) {
        ReferenceDataMovement.spaceToDepth(p, input: x, inputShape: binding.inputShape, output: y,
                                           outputShape: binding.outputShape)
    }
}
