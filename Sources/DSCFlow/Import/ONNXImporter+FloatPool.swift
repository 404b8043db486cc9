import CDSCFlowSIMD

/// AveragePool and MaxPool that ONNX Runtime runs in float32: on a float graph input (quantize_static leaves
/// a first pool before the first QuantizeLinear), or in a QDQ group it does not fuse (DequantizeLinear,
/// float pool, QuantizeLinear). DSCFlow repeats MLAS's float pool in its summation order (`ORTFloatPool`,
/// docs/ONNX.md "Float pools"). An AveragePool does not commute with QuantizeLinear, so it is computed on
/// the float values and quantized after.
extension ONNXGraphBuilder {
    /// The current AveragePool / MaxPool on the float32 tensor `xName` (bound by DSCFlow), its float32
    /// output bound to the node's output in NHWC.
    mutating func importFloatPool(floatInput xName: String) throws(DSCError) {
        guard let outName = node.outputs.first else { throw malformed("no output") }
        let input = try tensor(xName, .nhwc)
        let out = try emitFloatPool(input, outputName: outName)
        bind(outName, out, .nhwc)
    }

    /// The unfused QDQ AveragePool: x (8-bit) → DequantizeLinear → float AveragePool → QuantizeLinear.
    mutating func emitUnfusedFloatPool(_ x: ONNXQuantized, _ out: (q: ONNXQuantized, qNode: Int, clipNode: Int?)) throws(DSCError) {
        let input = try tensor(x.name, .nhwc)
        let f = addTensor(x.name + "#dequantized", .float32, tensors[input].shape)
        emit(.dequantize(x.params), [input], f)
        let pooled = try emitFloatPool(f, outputName: out.q.name + "#float")
        let y = addTensor(out.q.name, out.q.type, tensors[pooled].shape)
        emit(.quantize(out.q.params), [pooled], y)
        bind(out.q.name, y, .nhwc, out.q)
        absorb(out)
    }

    /// ONNX Runtime's float pool of the current node on the NHWC float32 tensor `input`.
    mutating func emitFloatPool(_ input: Int, outputName: String) throws(DSCError) -> Int {
        let n = node
        let maximum = n.opType == "MaxPool"
        if maximum, n.outputs.count > 1, !n.outputs[1].isEmpty { throw unsupported("MaxPool with an Indices output") }
        let s = tensors[input].shape
        guard s.count == 4 else { throw unsupported("input of rank \(s.count); expected 4 (NCHW)") }
        let (h, w, c) = (s[1], s[2], s[3])
        guard let k = ints("kernel_shape"), k.count == 2 else { throw unsupported("kernel_shape") }
        let win = try window(height: h, width: w, kernel: k.map { Int($0) })
        guard win.dilationHeight == 1, win.dilationWidth == 1 else { throw unsupported("dilated \(n.opType)") }
        try requireFloorOutput(win, height: h, width: w)
        guard win.padTop < win.kernelHeight, win.padBottom < win.kernelHeight, win.padLeft < win.kernelWidth,
              win.padRight < win.kernelWidth else { throw unsupported("padding as large as the kernel") }
        let countIncludePad = maximum ? false : try int("count_include_pad", default: 0) != 0
        let (oh, ow) = try outputSize(win, height: h, width: w)
        let p = ORTFloatPoolParameters(window: win, maximum: maximum, countIncludePad: countIncludePad,
                                       order: Self.floatPoolOrder(channels: c, height: h, width: w, window: win,
                                                                  block: Int(dscsimd_ort_nchwc_block_size())))
        let out = addTensor(outputName, .float32, [s[0], oh, ow, c])
        emit(.ortFloatPool(p), [input], out)
        return out
    }

    /// The MLAS kernel ONNX Runtime 1.32 runs a float AveragePool on (measured, docs/ONNX.md): NchwcTransformer
    /// takes channels that are a multiple of the NCHWc block (row-major sums); else MlasPool takes its global
    /// kernel for a kernel covering the unpadded image with stride 1, its vector kernel for stride width ≤ 2,
    /// kernels ≤ 32 and width plus padding ≤ 2048 − 4, and its generic kernel (row-major) otherwise.
    static func floatPoolOrder(channels: Int, height: Int, width: Int, window w: Window2D, block: Int) -> ORTFloatPoolOrder {
        if block > 0 && channels % block == 0 { return .rowMajor }
        let unpadded = w.padTop + w.padLeft + w.padBottom + w.padRight == 0
        if w.kernelHeight == height && w.kernelWidth == width && unpadded && w.strideHeight == 1 && w.strideWidth == 1 {
            return .fourLanes
        }
        if w.strideWidth <= 2 && w.kernelHeight <= 32 && w.kernelWidth <= 32 && width + w.padLeft + w.padRight <= 2044 {
            return .columnsFirst
        }
        return .rowMajor
    }
}
