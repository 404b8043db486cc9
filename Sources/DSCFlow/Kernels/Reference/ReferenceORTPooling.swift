/// Reference QLinearAveragePool and QLinearGlobalAveragePool on NHWC 8-bit tensors, in ONNX Runtime's
/// arithmetic (docs/ONNX.md).
enum ReferenceORTPooling {
    /// The float path: dequantize, sum the clipped window in row-major order, divide by the count,
    /// then roundHalfEven(avg / y_scale + y_zp) (`std::nearbyintf(y / y_scale + y_zero_point)`) saturated.
    static func average(_ p: ORTAveragePoolParameters, input: UnsafeRawPointer, inputShape: Shape4,
                        output: UnsafeMutableRawPointer, outputShape: Shape4, signed: Bool) {
        let x = input.assumingMemoryBound(to: UInt8.self), y = output.assumingMemoryBound(to: UInt8.self)
        let lo: Int32 = signed ? -128 : 0, hi: Int32 = signed ? 127 : 255
        var dq = [Float](repeating: 0, count: 256)
        for v in 0..<256 {
            let q = signed ? Int32(Int8(truncatingIfNeeded: v)) : Int32(v)
            dq[v] = p.input.scale * Float(q &- p.input.zeroPoint)
        }
        let w = p.window
        let zp = Float(p.output.zeroPoint)
        for n in 0..<outputShape.n {
            for oy in 0..<outputShape.h {
                let y0 = oy &* w.strideHeight &- w.padTop
                let ys = max(y0, 0), ye = min(y0 &+ w.kernelHeight, inputShape.h)
                for ox in 0..<outputShape.w {
                    let x0 = ox &* w.strideWidth &- w.padLeft
                    let xs = max(x0, 0), xe = min(x0 &+ w.kernelWidth, inputShape.w)
                    let count = p.countIncludePad ? w.kernelHeight &* w.kernelWidth : max(ye &- ys, 0) &* max(xe &- xs, 0)
                    for c in 0..<outputShape.c {
                        var sum: Float = 0
                        var iy = ys
                        while iy < ye {
                            var ix = xs
                            while ix < xe {
                                sum += dq[Int(x[inputShape.offset(n, iy, ix, c)])]
                                ix &+= 1
                            }
                            iy &+= 1
                        }
                        let avg = sum / Float(count)
                        let v = (avg / p.output.scale + zp).rounded(.toNearestOrEven)
                        let q = v.isFinite && v >= -2147483648.0 && v < 2147483648.0 ? Int32(v) : Int32.min
                        y[outputShape.offset(n, oy, ox, c)] = UInt8(truncatingIfNeeded: min(max(q, lo), hi))
                    }
                }
            }
        }
    }

    /// acc = Σ x − x_zp · N (int32), then `ORTArithmetic.requantize` with the op's scale.
    static func globalAverage(_ p: ORTGlobalAveragePoolParameters, input: UnsafeRawPointer, shape: Shape4,
                              output: UnsafeMutableRawPointer, signed: Bool) {
        let x = input.assumingMemoryBound(to: UInt8.self), y = output.assumingMemoryBound(to: UInt8.self)
        let lo: Int32 = signed ? -128 : 0, hi: Int32 = signed ? 127 : 255
        let pixels = shape.h &* shape.w
        let bias = Int32(truncatingIfNeeded: -Int(p.inputZeroPoint) &* pixels)
        for n in 0..<shape.n {
            for c in 0..<shape.c {
                var acc = bias
                for i in 0..<pixels {
                    let v = x[(n &* pixels &+ i) &* shape.c &+ c]
                    acc &+= signed ? Int32(Int8(bitPattern: v)) : Int32(v)
                }
                let q = ORTArithmetic.requantize(acc, scale: p.scale, zeroPoint: p.outputZeroPoint, min: lo, max: hi)
                y[n &* shape.c &+ c] = UInt8(truncatingIfNeeded: q)
            }
        }
    }
}
