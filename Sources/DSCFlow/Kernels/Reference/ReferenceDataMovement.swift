/// Reference kernels that only move bytes: Concatenation, Pad, SpaceToDepth, Reshape.
enum ReferenceDataMovement {
    /// Copies the inputs one after another along `axis` (all share the output's quantization).
    static func concatenate(axis: Int, elementSize: Int, inputs: UnsafeBufferPointer<(UnsafeRawPointer, Int)>,
                            outputShape: [Int], output: UnsafeMutableRawPointer) {
        var outer = 1
        for d in 0..<axis { outer &*= outputShape[d] }
        var inner = elementSize
        for d in (axis + 1)..<max(outputShape.count, axis + 1) { inner &*= outputShape[d] }
        var dst = output
        for o in 0..<outer {
            for (src, extent) in inputs {
                let bytes = extent &* inner
                dst.copyMemory(from: src + o &* bytes, byteCount: bytes)
                dst += bytes
            }
        }
    }

    /// Pad (rank ≤ 5): cells outside the copied input hold `value`.
    static func pad<T: QuantizedElement>(_ p: PadParameters, input: UnsafePointer<T>, inputShape: [Int],
                                         output: UnsafeMutablePointer<T>, outputShape: [Int]) {
        let outDims = Dims6(outputShape)
        let inDims = Dims6(inputShape)
        let inStrides = inDims.strides
        var before = Dims6(fill0: ())
        let offset = 6 - inputShape.count
        for (d, pp) in p.paddings.enumerated() { before[offset + d] = pp.before }
        let fill = T(truncatingIfNeeded: p.value)
        var o = 0
        Dims6.forEach(outDims) { idx in
            var inside = true
            var src = 0
            for d in 0..<6 {
                let i = idx[d] &- before[d]
                if i < 0 || i >= inDims[d] { inside = false; break }
                src &+= i &* inStrides[d]
            }
            output[o] = inside ? input[src] : fill
            o &+= 1
        }
    }

    /// SpaceToDepth by `b`: output (y, x, ch) with ch = (dy·b + dx)·C + c (block-major, TFLite and
    /// SkyNet) or c·b² + dy·b + dx (channel-major) reads input (y·b + dy, x·b + dx, c).
    static func spaceToDepth<T: QuantizedElement>(_ p: SpaceToDepthParameters, input: UnsafePointer<T>,
                                                  inputShape: Shape4, output: UnsafeMutablePointer<T>,
                                                  outputShape: Shape4) {
        let bs = p.blockSize
        let c = inputShape.c
        for n in 0..<outputShape.n {
            for y in 0..<outputShape.h {
                for x in 0..<outputShape.w {
                    for dy in 0..<bs {
                        for dx in 0..<bs {
                            for ch in 0..<c {
                                let oc = p.order == .blockMajor ? (dy &* bs &+ dx) &* c &+ ch : (ch &* bs &+ dy) &* bs &+ dx
                                output[outputShape.offset(n, y, x, oc)] =
                                    input[inputShape.offset(n, y &* bs &+ dy, x &* bs &+ dx, ch)]
                            }
                        }
                    }
                }
            }
        }
    }
}
