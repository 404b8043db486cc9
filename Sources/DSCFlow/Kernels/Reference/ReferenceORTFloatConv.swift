/// Reference float-path Conv: per output, the float32 operations of ONNX Runtime's MLAS NCHWc kernel
/// for the chosen algorithm, in its order (`ORTFloatConvAlgorithm`): taps outside the image are skipped
/// (MLAS trims padding rows and skips padding columns), each kernel call sums from 0 with FMA, calls'
/// sums are added to the running output, the bias last, then the activation and QuantizeLinear. The
/// generic algorithm (MLAS's im2col + SGEMM Conv) sums as `genericSum` describes.
enum ReferenceORTFloatConv {
    static func run(_ p: ORTFloatConvParameters, input: UnsafeRawPointer, inputShape: Shape4, signed: Bool,
                    weights: UnsafePointer<Float>, weightShape: [Int], output: UnsafeMutableRawPointer,
                    outputShape: Shape4, outputSigned: Bool) {
        let y = output.assumingMemoryBound(to: UInt8.self)
        let lo: Int32 = outputSigned ? -128 : 0, hi: Int32 = outputSigned ? 127 : 255
        floatOutputs(p, input: input, inputShape: inputShape, signed: signed, weights: weights, weightShape: weightShape,
                     outputShape: outputShape) { offset, value in
            let q = ORTArithmetic.quantize(value, scale: p.output.scale, zeroPoint: p.output.zeroPoint, min: lo, max: hi)
            y[offset] = UInt8(truncatingIfNeeded: q)
        }
    }

    /// The float32 Conv output (after the bias and the activation, before QuantizeLinear) at each NHWC
    /// output offset, as ONNX Runtime computes it from the dequantized input.
    static func floatOutputs(_ p: ORTFloatConvParameters, input: UnsafeRawPointer, inputShape: Shape4, signed: Bool,
                             weights: UnsafePointer<Float>, weightShape: [Int], outputShape: Shape4,
                             _ store: (Int, Float) -> Void) {
        let x = input.assumingMemoryBound(to: UInt8.self)
        var dq = [Float](repeating: 0, count: 256)
        for v in 0..<256 {
            let q = signed ? Int32(Int8(truncatingIfNeeded: v)) : Int32(v)
            dq[v] = ORTArithmetic.dequantize(q, scale: p.input.scale, zeroPoint: p.input.zeroPoint)
        }
        let (m, kh, kw, cg) = (weightShape[0], weightShape[1], weightShape[2], weightShape[3])
        let perGroup = m / p.groups
        let w = p.window
        let chunk = p.algorithm == .pointwise ? 128 : p.blockSize
        let taps = kh &* kw, kRows = cg &* taps
        let strideK = sgemmStrideK(k: kRows, n: outputShape.h &* outputShape.w)
        dq.withUnsafeBufferPointer { dq in
            for n in 0..<outputShape.n {
                for oy in 0..<outputShape.h {
                    let y0 = oy &* w.strideHeight &- w.padTop
                    for ox in 0..<outputShape.w {
                        let x0 = ox &* w.strideWidth &- w.padLeft
                        for oc in 0..<m {
                            let cBase = oc / perGroup &* cg
                            let filter = weights + oc &* kh &* kw &* cg
                            // The sum of channels [c0, c1) over every tap inside the image, from 0.
                            func partial(_ c0: Int, _ c1: Int) -> Float {
                                var acc: Float = 0
                                for ky in 0..<kh {
                                    let iy = y0 &+ ky
                                    if iy < 0 || iy >= inputShape.h { continue }
                                    for kx in 0..<kw {
                                        let ix = x0 &+ kx
                                        if ix < 0 || ix >= inputShape.w { continue }
                                        let px = inputShape.offset(n, iy, ix, cBase)
                                        let f = filter + (ky &* kw &+ kx) &* cg
                                        for c in c0..<c1 { acc = acc.addingProduct(dq[Int(x[px &+ c])], f[c]) }
                                    }
                                }
                                return acc
                            }
                            // The im2col value of row k (channel, row, column), 0 in the padding.
                            func column(_ k: Int) -> Float {
                                let c = k / taps, t = k &- c &* taps, ky = t / kw, kx = t &- ky &* kw
                                let iy = y0 &+ ky, ix = x0 &+ kx
                                if iy < 0 || iy >= inputShape.h || ix < 0 || ix >= inputShape.w { return 0 }
                                return dq[Int(x[inputShape.offset(n, iy, ix, cBase &+ c)])]
                            }
                            var sum: Float
                            switch p.algorithm {
                            case .generic:
                                sum = genericSum(k: kRows, singleRow: perGroup == 1, strideK: strideK,
                                                 { k in let c = k / taps; return filter[(k &- c &* taps) &* cg &+ c] }, column)
                            case .depthwise:
                                sum = partial(0, cg)
                            case .nchw:
                                sum = partial(0, 1)
                                var c = 1
                                while c < cg { sum = partial(c, c &+ 1) + sum; c &+= 1 }
                            case .nchwc, .pointwise:
                                sum = partial(0, min(chunk, cg))
                                var c = chunk
                                while c < cg { sum = partial(c, min(c &+ chunk, cg)) + sum; c &+= chunk }
                            }
                            if !p.bias.isEmpty { sum = sum + p.bias[oc] }
                            if p.activationMin > -.infinity { sum = p.activationMin > sum ? p.activationMin : sum }
                            if p.activationMax < .infinity { sum = p.activationMax < sum ? p.activationMax : sum }
                            store(outputShape.offset(n, oy, ox, oc), sum)
                        }
                    }
                }
            }
        }
    }
}
