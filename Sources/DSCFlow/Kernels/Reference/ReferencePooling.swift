/// Reference AveragePool2D and MaxPool2D (TFLite `reference_integer_ops::AveragePool` / `MaxPool`):
/// the window is clipped to the image; the average divides by the number of valid taps, rounding
/// half away from zero.
enum ReferencePooling {
    static func average<T: QuantizedElement>(_ p: PoolParameters, input: UnsafePointer<T>, inputShape: Shape4,
                                             output: UnsafeMutablePointer<T>, outputShape: Shape4) {
        let w = p.window
        for b in 0..<outputShape.n {
            for oy in 0..<outputShape.h {
                let y0 = oy &* w.strideHeight &- w.padTop
                let fy0 = max(0, -y0), fy1 = min(w.kernelHeight, inputShape.h &- y0)
                for ox in 0..<outputShape.w {
                    let x0 = ox &* w.strideWidth &- w.padLeft
                    let fx0 = max(0, -x0), fx1 = min(w.kernelWidth, inputShape.w &- x0)
                    let count = Int32(max((fy1 &- fy0) &* (fx1 &- fx0), 1))
                    for c in 0..<outputShape.c {
                        var acc: Int32 = 0
                        var fy = fy0
                        while fy < fy1 {
                            var fx = fx0
                            while fx < fx1 {
                                acc &+= Int32(input[inputShape.offset(b, y0 &+ fy, x0 &+ fx, c)])
                                fx &+= 1
                            }
                            fy &+= 1
                        }
                        acc = acc > 0 ? (acc &+ count / 2) / count : (acc &- count / 2) / count
                        acc = min(max(acc, p.activationMin), p.activationMax)
                        output[outputShape.offset(b, oy, ox, c)] = T(truncatingIfNeeded: acc)
                    }
                }
            }
        }
    }

    static func maximum<T: QuantizedElement>(_ p: PoolParameters, input: UnsafePointer<T>, inputShape: Shape4,
                                         output: UnsafeMutablePointer<T>, outputShape: Shape4) {
        let w = p.window
        for b in 0..<outputShape.n {
            for oy in 0..<outputShape.h {
                let y0 = oy &* w.strideHeight &- w.padTop
                let fy0 = Swift.max(0, -y0), fy1 = Swift.min(w.kernelHeight, inputShape.h &- y0)
                for ox in 0..<outputShape.w {
                    let x0 = ox &* w.strideWidth &- w.padLeft
                    let fx0 = Swift.max(0, -x0), fx1 = Swift.min(w.kernelWidth, inputShape.w &- x0)
                    for c in 0..<outputShape.c {
                        var m = Int32(T.min)
                        var fy = fy0
                        while fy < fy1 {
                            var fx = fx0
                            while fx < fx1 {
                                m = Swift.max(m, Int32(input[inputShape.offset(b, y0 &+ fy, x0 &+ fx, c)]))
                                fx &+= 1
                            }
                            fy &+= 1
                        }
                        m = Swift.min(Swift.max(m, p.activationMin), p.activationMax)
                        output[outputShape.offset(b, oy, ox, c)] = T(truncatingIfNeeded: m)
                    }
                }
            }
        }
    }
}
