/// Reference FullyConnected: TFLite Micro's integer arithmetic (`MultiplyByQuantizedMultiplier`, not
/// LiteRT's floating-point requantization).
enum ReferenceFullyConnected {
    static func run<In: QuantizedElement, Out: QuantizedElement>(
        _ p: FullyConnectedParameters, rounding: RoundingMode,
        input: UnsafePointer<In>, batches: Int, depth: Int,
        weights: UnsafePointer<Int8>, units: Int,
        output: UnsafeMutablePointer<Out>
    ) {
        let rule = AccumulatorRule(p.accumulator)
        let inOffset = Int64(p.inputOffset)
        let wOffset = Int64(p.weightOffset)
        p.bias.withUnsafeBufferPointer { bias in
            ChannelRequantizer.with(p.requantizer, rounding: rounding) { rq in
                for b in 0..<batches {
                    for u in 0..<units {
                        let acc = rule.accumulate(0, count: depth) { d in
                            (Int64(weights[u &* depth &+ d]) &+ wOffset) &* (Int64(input[b &* depth &+ d]) &+ inOffset)
                        }
                        let withBias = Int32(truncatingIfNeeded: acc) &+ (bias.isEmpty ? 0 : bias[u])
                        output[b &* units &+ u] = Out(truncatingIfNeeded: rq.apply(withBias, channel: u))
                    }
                }
            }
        }
    }
}
