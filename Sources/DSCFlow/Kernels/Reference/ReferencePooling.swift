/// Reference AveragePool2D and MaxPool2D (TFLite `reference_integer_ops::AveragePool` / `MaxPool`):
/// the window is clipped to the image; the average divides by the number of valid taps, rounding
/// half away from zero.
enum ReferencePooling {
    static func average<T: QuantizedElement>(_ p: PoolParameters, input: UnsafePointer<T>, inputShape: Shape4,
                                             output: UnsafeMutablePointer<T>, outputShape: Shape4) {
        forEachWindow(p, input: input, inputShape: inputShape, output: output, outputShape: outputShape,
                      initial: 0, combine: { $0 &+ $1 }) { acc, count in
            acc > 0 ? (acc &+ count / 2) / count : (acc &- count / 2) / count
        }
    }

    static func maximum<T: QuantizedElement>(_ p: PoolParameters, input: UnsafePointer<T>, inputShape: Shape4,
                                             output: UnsafeMutablePointer<T>, outputShape: Shape4) {
        forEachWindow(p, input: input, inputShape: inputShape, output: output, outputShape: outputShape,
                      initial: Int32(T.min), combine: { Swift.max($0, $1) }) { m, _ in m }
    }

    /// Every output element: `combine` folds the window's valid taps from `initial`, `finish` turns the
    /// result and the number of valid taps (at least 1) into the value clamped to the activation range.
    @inline(__always)
    private static func forEachWindow<T: QuantizedElement>(
        _ p: PoolParameters, input: UnsafePointer<T>, inputShape: Shape4,
        output: UnsafeMutablePointer<T>, outputShape: Shape4, initial: Int32,
        combine: (Int32, Int32) -> Int32, finish: (_ value: Int32, _ count: Int32) -> Int32
    ) {
        let w = p.window
        for b in 0..<outputShape.n {
            for oy in 0..<outputShape.h {
                let y0 = oy &* w.strideHeight &- w.padTop
                let fy0 = Swift.max(0, -y0), fy1 = Swift.min(w.kernelHeight, inputShape.h &- y0)
                for ox in 0..<outputShape.w {
                    let x0 = ox &* w.strideWidth &- w.padLeft
                    let fx0 = Swift.max(0, -x0), fx1 = Swift.min(w.kernelWidth, inputShape.w &- x0)
                    let count = Int32(Swift.max((fy1 &- fy0) &* (fx1 &- fx0), 1))
                    for c in 0..<outputShape.c {
                        var acc = initial
                        var fy = fy0
                        while fy < fy1 {
                            var fx = fx0
                            while fx < fx1 {
                                acc = combine(acc, Int32(input[inputShape.offset(b, y0 &+ fy, x0 &+ fx, c)]))
                                fx &+= 1
                            }
                            fy &+= 1
                        }
                        let v = Swift.min(Swift.max(finish(acc, count), p.activationMin), p.activationMax)
                        output[outputShape.offset(b, oy, ox, c)] = T(truncatingIfNeeded: v)
                    }
                }
            }
        }
    }
}
