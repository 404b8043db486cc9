import CDSCFlowSIMD

/// AVERAGE_POOL_2D: the mean of the window clipped to the image (TFLite's rounding division).
enum AveragePool2D: Pool2DDefinition {
    static let dscmKind: UInt32 = 4
    static let average = true
}

/// MAX_POOL_2D: the maximum of the window clipped to the image.
enum MaxPool2D: Pool2DDefinition {
    static let dscmKind: UInt32 = 5
    static let average = false
}

/// The two pooling operators: the same parameters, import, checks and kernels, told apart by `average`.
protocol Pool2DDefinition: OperatorDefinition where Parameters == PoolParameters {
    /// Mean (true) or maximum (false) of the window.
    static var average: Bool { get }
}

extension Pool2DDefinition {
    static func importTFLite(_ r: inout TFLiteOperatorReader) throws(DSCError) -> Operator { try Pool2D.importTFLite(&r, average: average) }
    static func validate(_ p: Parameters, _ c: OperatorContext) throws(DSCError) { try Pool2D.validate(p, c) }
    static func prepareFast(_ p: Parameters, _ c: OperatorContext, _ target: FastTarget) -> FastPreparation {
        Pool2D.prepareFast(p, c, target, average: average)
    }
    static func runReference(_ p: Parameters, _ b: OperatorBinding, rounding: RoundingMode) {
        PoolReference(p: p, average: average, binding: b).dispatch(b.inputType, b.inputs[0], b.output)
    }
    static func encode(_ p: Parameters, into s: inout DSCMSink) { DSCMOperationCodec.pool(p, &s) }
    static func decode(_ c: inout DSCMCursor, index: Int) throws(DSCError) -> Parameters { try DSCMOperationCodec.pool(&c, index) }
}

/// What the two pooling operators share (as TFLite's pooling.cc holds both).
enum Pool2D {
    static func importTFLite(_ r: inout TFLiteOperatorReader, average: Bool) throws(DSCError) -> Operator {
        try r.requireInputs(1...1)
        let opts = try r.options(TFLiteSchema.Options.pool2D)
        let x = try r.input(0, "input"), y = try r.output()
        try r.requireSameQuantization(x, y)
        let padding = try r.paddingMode(try opts?.u8(0) ?? 0)
        let win = try r.window(input: r.tensors[x], kernelH: Int(try opts?.i32(4) ?? 0), kernelW: Int(try opts?.i32(3) ?? 0),
                               strideH: try opts?.i32(2) ?? 0, strideW: try opts?.i32(1) ?? 0, dilationH: 1, dilationW: 1,
                               padding: padding)
        let act = try r.activation(try opts?.u8(5) ?? 0)
        let (s, z) = try r.quantization(y)
        let range = act.range(scale: s, zeroPoint: z, type: .int8)
        let p = PoolParameters(window: win, activationMin: range.min, activationMax: range.max, activation: act)
        return Operator(kind: average ? .averagePool2D(p) : .maxPool2D(p), inputs: [x], outputs: [y])
    }

    static func validate(_ p: PoolParameters, _ c: OperatorContext) throws(DSCError) {
        try c.requireInputs(1...1)
        let x = c.input(), out = c.output
        try c.requireType(x, [.int8, .uint8, .int16, .int4, .uint4])
        try c.requireClampInside(out, p.activationMin, p.activationMax)
        guard x.shape.count == 4 else { throw c.fail(x, "rank \(x.shape.count); expected 4 (NHWC)") }
        try c.validateWindow(p.window, input: x)
        if p.window.dilationHeight != 1 || p.window.dilationWidth != 1 { throw c.unsupported("dilated pooling") }
        if p.window.padTop >= p.window.kernelHeight || p.window.padLeft >= p.window.kernelWidth
            || p.window.padBottom >= p.window.kernelHeight || p.window.padRight >= p.window.kernelWidth {
            throw c.unsupported("padding as large as the window leaves empty windows")
        }
        let (oh, ow) = p.window.outputSize(inputHeight: x.shape[1], inputWidth: x.shape[2])
        try c.requireShape(out, [x.shape[0], oh, ow, x.shape[3]])
        if out.type != x.type { throw c.fail(out, "type \(out.type.name) differs from the input's \(x.type.name)") }
    }

    /// DSCSIMD_KERNEL_POOL on int8 or uint8, 16 channels at a time.
    static func prepareFast(_ p: PoolParameters, _ c: OperatorContext, _ target: FastTarget, average: Bool) -> FastPreparation {
        if let why = FastPacking.byteActivations(c) { return .reference(why) }
        let input = c.input(), output = c.output
        let inS = Shape4(extending: input.shape), outS = Shape4(extending: output.shape)
        let w = p.window
        let F = FastPacking.fits
        guard inS.c == outS.c, inS.n == outS.n, F(inS.n), F(inS.h), F(inS.w), F(inS.c), F(outS.h), F(outS.w),
              F(w.kernelHeight), F(w.kernelWidth), F(w.strideHeight), F(w.strideWidth), F(w.padTop), F(w.padLeft),
              w.kernelHeight <= 1 << 12, w.kernelWidth <= 1 << 12,
              FastPacking.windowFits(w, input: inS, output: outS) else { return .reference("window or shapes out of the kernel's range") }
        // A max pool whose windows all lie inside the image and whose clamp is a byte range runs on
        // whole bytes (no widening); the others on the general kernel.
        let inside = w.padTop == 0 && w.padLeft == 0 && (outS.h - 1) * w.strideHeight + w.kernelHeight <= inS.h
            && (outS.w - 1) * w.strideWidth + w.kernelWidth <= inS.w
        let bytes = !average && inside && input.type.range.contains(p.activationMin) && input.type.range.contains(p.activationMax)
            && target.tuning.maxPoolBytes
        guard let kernel = target.kernel(bytes ? DSCSIMD_KERNEL_MAXPOOL_BYTES : DSCSIMD_KERNEL_POOL) else {
            return .reference("no pool kernel on \(target.path.rawValue)")
        }
        var a = dscsimd_pool()
        a.batches = Int32(inS.n); a.in_h = Int32(inS.h); a.in_w = Int32(inS.w); a.channels = Int32(inS.c)
        a.out_h = Int32(outS.h); a.out_w = Int32(outS.w)
        a.kernel_h = Int32(w.kernelHeight); a.kernel_w = Int32(w.kernelWidth)
        a.stride_h = Int32(w.strideHeight); a.stride_w = Int32(w.strideWidth)
        a.pad_top = Int32(w.padTop); a.pad_left = Int32(w.padLeft)
        a.input_unsigned = input.type.isUnsigned ? 1 : 0
        a.average = average ? 1 : 0
        a.lo = p.activationMin; a.hi = p.activationMax
        var t = dscsimd_op()
        t.kind = Int32(DSCSIMD_OP_POOL)
        t.isa = target.isa
        t.pool = a
        return .kernel(PackedOperator(template: t, kernel: kernel, scratchBytes: 0, memory: nil))
    }
}

/// The reference pooling kernels over a session's addresses.
struct PoolReference: SameTypeKernel {
    let p: PoolParameters
    let average: Bool
    let binding: OperatorBinding

    func run<T: QuantizedElement>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>) {
        if average {
            ReferencePooling.average(p, input: x, inputShape: binding.inputShape, output: y, outputShape: binding.outputShape)
        } else {
            ReferencePooling.maximum(p, input: x, inputShape: binding.inputShape, output: y, outputShape: binding.outputShape)
        }
    }
}
