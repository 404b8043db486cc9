import CDSCFlowSIMD

/// Preparation of ONNX Runtime's operators for their microkernels (`dscsimd_ort`: DSCSIMD_KERNEL_ORT per
/// ISA, DSCSIMD_KERNEL_ORT_BYTES shared): the arguments with every model constant filled in, tables in
/// memory the packed operator owns; a session adds its addresses (`FastKernelBinding`).
enum ORTPacking {
    /// A packed operator of `mode` on DSCSIMD_KERNEL_ORT (`perISA`) or DSCSIMD_KERNEL_ORT_BYTES, with
    /// `floats` float32 and `bytes` byte table entries allocated for `fill` to write.
    static func prepare(_ target: FastTarget, mode: Int32, perISA: Bool, floats: Int = 0, bytes: Int = 0,
                        _ fill: (inout dscsimd_ort, UnsafeMutablePointer<Float>, UnsafeMutablePointer<UInt8>) -> Void) -> FastPreparation {
        guard let kernel = target.kernel(perISA ? DSCSIMD_KERNEL_ORT : DSCSIMD_KERNEL_ORT_BYTES) else {
            return .reference("no ONNX Runtime kernel on \(target.path.rawValue)")
        }
        let floatBytes = (4 * floats + 63) / 64 * 64
        guard let mem = target.allocate(floatBytes + bytes) else { return .reference("out of memory") }
        let f = mem.bindMemory(to: Float.self, capacity: max(floats, 1))
        f.initialize(repeating: 0, count: floatBytes / 4)
        let b = (mem + floatBytes).bindMemory(to: UInt8.self, capacity: max(bytes, 1))
        b.initialize(repeating: 0, count: bytes)
        var a = dscsimd_ort()
        a.mode = mode
        fill(&a, f, b)
        var t = dscsimd_op()
        t.kind = Int32(DSCSIMD_OP_ORT)
        t.isa = target.isa
        t.ort = a
        return .kernel(PackedOperator(template: t, kernel: kernel, scratchBytes: 0, memory: mem))
    }

    /// DequantizeLinear values of every raw byte of an 8-bit type (`ORTArithmetic.dequantize`).
    static func dequantizationTable(_ q: LinearQuantizationParameters, signed: Bool, into t: UnsafeMutablePointer<Float>) {
        for v in 0..<256 {
            let x = signed ? Int32(Int8(truncatingIfNeeded: v)) : Int32(v)
            t[v] = ORTArithmetic.dequantize(x, scale: q.scale, zeroPoint: q.zeroPoint)
        }
    }

    /// The NHWC geometry of a pool from `x` to `out` over window `w` into `a`.
    static func poolGeometry(_ a: inout dscsimd_ort, _ x: Tensor, _ out: Tensor, _ w: Window2D, includePad: Bool) {
        a.batches = Int32(x.shape[0]); a.in_h = Int32(x.shape[1]); a.in_w = Int32(x.shape[2]); a.channels = Int32(x.shape[3])
        a.out_h = Int32(out.shape[1]); a.out_w = Int32(out.shape[2])
        a.kernel_h = Int32(w.kernelHeight); a.kernel_w = Int32(w.kernelWidth)
        a.stride_h = Int32(w.strideHeight); a.stride_w = Int32(w.strideWidth)
        a.pad_top = Int32(w.padTop); a.pad_left = Int32(w.padLeft)
        a.include_pad = includePad ? 1 : 0
    }

    /// An 8-bit output's range and zero point into `a`.
    static func output(_ a: inout dscsimd_ort, _ t: Tensor, zeroPoint: Int32) {
        a.lo = t.type.range.lowerBound
        a.hi = t.type.range.upperBound
        a.zero_point = zeroPoint
        a.output_signed = t.type == .int8 ? 1 : 0
    }
}
