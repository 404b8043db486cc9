/// Reference int8 Softmax (TFLite `reference_ops::Softmax` with gemmlowp fixed point; TFLite Micro
/// and CMSIS-NN compute the same bytes). Output scale 1/256, zero point −128. Rows are the last axis.
enum ReferenceSoftmax {
    static let scaledDiffIntegerBits = 5
    static let accumulationIntegerBits = 12

    static func run(_ p: SoftmaxParameters, input: UnsafePointer<Int8>, output: UnsafeMutablePointer<Int8>,
                    rows: Int, depth: Int) {
        typealias F = GemmlowpFixedPoint
        for r in 0..<rows {
            let row = input + r &* depth
            let out = output + r &* depth
            var maxIn = Int32(Int8.min)
            for c in 0..<depth { maxIn = max(maxIn, Int32(row[c])) }
            var sumOfExps: Int32 = 0
            for c in 0..<depth {
                let diff = Int32(row[c]) &- maxIn
                if diff >= p.diffMin {
                    let rescaled = saturatingRoundingDoublingHighMul(diff &* (1 &<< p.inputLeftShift), p.inputMultiplier)
                    let e = F.expOnNegativeValues(rescaled, integerBits: scaledDiffIntegerBits)
                    sumOfExps = sumOfExps &+ F.rescale(e, from: 0, to: accumulationIntegerBits)
                }
            }
            let (shiftedScale, numBitsOverUnit) = F.reciprocal(sumOfExps, integerDigits: accumulationIntegerBits)
            for c in 0..<depth {
                let diff = Int32(row[c]) &- maxIn
                if diff >= p.diffMin {
                    let rescaled = saturatingRoundingDoublingHighMul(diff &* (1 &<< p.inputLeftShift), p.inputMultiplier)
                    let e = F.expOnNegativeValues(rescaled, integerBits: scaledDiffIntegerBits)
                    let unsat = roundingDivideByPOT(F.mul(shiftedScale, e), Int32(numBitsOverUnit + 31 - 8))
                    let shifted = unsat &+ Int32(Int8.min)
                    out[c] = Int8(truncatingIfNeeded: min(max(shifted, Int32(Int8.min)), Int32(Int8.max)))
                } else {
                    out[c] = Int8.min
                }
            }
        }
    }
}
