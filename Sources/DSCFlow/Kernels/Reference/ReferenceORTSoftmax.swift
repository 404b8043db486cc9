/// Reference QLinearSoftmax: per row, the maximum, the table entries of each value's distance to it
/// summed in float32 in order, then clamp(roundHalfEven(e · Y / sum) + zp) (docs/ONNX.md: the clamp
/// saturates where ONNX Runtime's product overflows to infinity).
enum ReferenceORTSoftmax {
    static func run(_ p: ORTSoftmaxParameters, input: UnsafeRawPointer, output: UnsafeMutableRawPointer,
                    rows: Int, depth: Int, signed: Bool) {
        let x = input.assumingMemoryBound(to: UInt8.self), y = output.assumingMemoryBound(to: UInt8.self)
        let lo: Float = signed ? -128 : 0, hi: Float = signed ? 127 : 255
        let zp = Float(p.outputZeroPoint)
        p.table.withUnsafeBufferPointer { table in
            for r in 0..<rows {
                let row = x + r &* depth, out = y + r &* depth
                // The table index of each value: 255 − (max − x) for uint8, ONNX Runtime's signed order
                // UInt8(truncating: 127 − max + x) for int8.
                var maxValue: Int32 = signed ? -128 : 0
                for i in 0..<depth {
                    let v = signed ? Int32(Int8(bitPattern: row[i])) : Int32(row[i])
                    maxValue = max(maxValue, v)
                }
                func index(_ i: Int) -> Int {
                    let v = signed ? Int32(Int8(bitPattern: row[i])) : Int32(row[i])
                    return signed ? Int(UInt8(truncatingIfNeeded: 127 &- maxValue &+ v)) : Int(255 &- maxValue &+ v)
                }
                var sum: Float = 0
                for i in 0..<depth { sum += table[index(i)] }
                for i in 0..<depth {
                    let q = ((table[index(i)] * p.outputScaleReciprocal) / sum).rounded(.toNearestOrEven) + zp
                    let v = q.isNaN ? lo : min(max(q, lo), hi)
                    out[i] = UInt8(truncatingIfNeeded: Int32(v))
                }
            }
        }
    }
}
