/// Reference integer bilinear resize: the executable specification of `ResizeBilinearParameters`.
enum ReferenceResize {
    /// Every output pixel and channel as the parameters' formula states it (Int64 sums, then the
    /// rounding shift and the clamp to `T`'s range).
    static func bilinear<T: QuantizedElement>(_ p: ResizeBilinearParameters, input: UnsafePointer<T>, inputShape: Shape4,
                                              output: UnsafeMutablePointer<T>, outputShape: Shape4) {
        let fy = Int64(p.rowFractionBits), fx = Int64(p.columnFractionBits)
        let shift = fy + fx
        let rounding: Int64 = shift > 0 ? 1 << (shift - 1) : 0
        let lo = Int64(T.min), hi = Int64(T.max)
        for b in 0..<outputShape.n {
            for y in 0..<outputShape.h {
                let r = p.rows[y]
                let v1 = Int64(r.weight), v0 = (1 << fy) - v1
                for x in 0..<outputShape.w {
                    let col = p.columns[x]
                    let u1 = Int64(col.weight), u0 = (1 << fx) - u1
                    for ch in 0..<outputShape.c {
                        func at(_ row: Int32, _ column: Int32) -> Int64 {
                            Int64(input[inputShape.offset(b, Int(row), Int(column), ch)])
                        }
                        let top = u0 * at(r.low, col.low) + u1 * at(r.low, col.high)
                        let bottom = u0 * at(r.high, col.low) + u1 * at(r.high, col.high)
                        let s = (v0 * top + v1 * bottom + rounding) >> shift
                        output[outputShape.offset(b, y, x, ch)] = T(truncatingIfNeeded: min(max(s, lo), hi))
                    }
                }
            }
        }
    }
}
