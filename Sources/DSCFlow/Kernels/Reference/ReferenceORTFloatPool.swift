/// Reference float32 AveragePool / MaxPool on NHWC tensors in ONNX Runtime's MLAS order (docs/ONNX.md,
/// "Float pools"; measured bit-exact against ONNX Runtime 1.32 by tools/onnx_float_pool_goldens.py).
enum ReferenceORTFloatPool {
    static func pool(_ p: ORTFloatPoolParameters, input x: UnsafePointer<Float>, inputShape s: Shape4,
                     output y: UnsafeMutablePointer<Float>, outputShape o: Shape4) {
        let w = p.window
        for n in 0..<o.n {
            for oy in 0..<o.h {
                let y0 = oy &* w.strideHeight &- w.padTop
                let ys = max(y0, 0), ye = min(y0 &+ w.kernelHeight, s.h)
                for ox in 0..<o.w {
                    let x0 = ox &* w.strideWidth &- w.padLeft
                    let xs = max(x0, 0), xe = min(x0 &+ w.kernelWidth, s.w)
                    let count = p.countIncludePad ? w.kernelHeight &* w.kernelWidth : (ye &- ys) &* (xe &- xs)
                    for c in 0..<o.c {
                        let at = { (iy: Int, ix: Int) -> Float in x[s.offset(n, iy, ix, c)] }
                        let v: Float
                        if p.maximum {
                            var m = -Float.greatestFiniteMagnitude
                            for iy in ys..<ye { for ix in xs..<xe { let v = at(iy, ix); m = v > m ? v : m } }
                            v = m
                        } else {
                            v = sum(p.order, at, ys: ys, ye: ye, xs: xs, xe: xe) / Float(count)
                        }
                        y[o.offset(n, oy, ox, c)] = v
                    }
                }
            }
        }
    }

    /// The window's sum in `order` (each addition rounded to float32).
    static func sum(_ order: ORTFloatPoolOrder, _ at: (Int, Int) -> Float, ys: Int, ye: Int, xs: Int, xe: Int) -> Float {
        switch order {
        case .rowMajor:
            var acc: Float = 0
            for iy in ys..<ye { for ix in xs..<xe { acc += at(iy, ix) } }
            return acc
        case .columnsFirst:
            var acc: Float = 0
            var first = true
            for ix in xs..<xe {
                var column = at(ys, ix)
                for iy in (ys + 1)..<max(ye, ys + 1) { column += at(iy, ix) }
                acc = first ? column : acc + column
                first = false
            }
            return acc
        case .fourLanes:
            // Row-major element i goes to lane i mod 4 for i below count rounded down to 4; the rest after.
            let count = (ye &- ys) &* (xe &- xs), body = count / 4 * 4
            var lanes: [Float] = [0, 0, 0, 0]
            var i = 0
            for iy in ys..<ye {
                for ix in xs..<xe {
                    let v = at(iy, ix)
                    if i < 4 { lanes[i] = v } else if i < body { lanes[i % 4] += v }
                    i &+= 1
                }
            }
            var acc = body > 0 ? (lanes[0] + lanes[2]) + (lanes[1] + lanes[3]) : 0
            i = 0
            for iy in ys..<ye {
                for ix in xs..<xe {
                    if i >= body { acc += at(iy, ix) }
                    i &+= 1
                }
            }
            return acc
        }
    }
}
