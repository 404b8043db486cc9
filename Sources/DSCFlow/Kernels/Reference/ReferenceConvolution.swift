/// Reference Conv2D and DepthwiseConv2D: the executable specification (TFLite `ConvPerChannel` /
/// `DepthwiseConvPerChannel` loops, generalised to any accumulator and requantizer).
enum ReferenceConvolution {
    /// Conv2D with groups (filter OHWI, I = input channels / groups).
    static func conv2D<In: QuantizedElement, Out: QuantizedElement>(
        _ p: ConvolutionParameters, rounding: RoundingMode,
        input: UnsafePointer<In>, inputShape: Shape4,
        filter: UnsafePointer<Int8>, filterShape: Shape4,
        output: UnsafeMutablePointer<Out>, outputShape: Shape4
    ) {
        let w = p.window
        let inC = filterShape.c
        let outC = filterShape.n
        let groups = inputShape.c / inC
        let perGroup = outC / groups
        let rule = AccumulatorRule(p.accumulator)
        let offset = Int64(p.inputOffset)
        let padContribution = Int64(p.paddingValue) + offset
        p.bias.withUnsafeBufferPointer { bias in
            ChannelRequantizer.with(p.requantizer, rounding: rounding) { rq in
                for b in 0..<outputShape.n {
                    for oy in 0..<outputShape.h {
                        for ox in 0..<outputShape.w {
                            for oc in 0..<outC {
                                let icBase = (oc / perGroup) &* inC
                                var acc: Int64 = 0
                                for ky in 0..<w.kernelHeight {
                                    let iy = oy &* w.strideHeight &- w.padTop &+ ky &* w.dilationHeight
                                    for kx in 0..<w.kernelWidth {
                                        let ix = ox &* w.strideWidth &- w.padLeft &+ kx &* w.dilationWidth
                                        let inside = iy >= 0 && iy < inputShape.h && ix >= 0 && ix < inputShape.w
                                        if !inside && padContribution == 0 { continue }
                                        let wBase = filterShape.offset(oc, ky, kx, 0)
                                        let xBase = inside ? inputShape.offset(b, iy, ix, icBase) : 0
                                        acc = rule.accumulate(acc, count: inC) { ic in
                                            let x = inside ? Int64(input[xBase &+ ic]) &+ offset : padContribution
                                            return Int64(filter[wBase &+ ic]) &* x
                                        }
                                    }
                                }
                                let withBias = Int32(truncatingIfNeeded: acc) &+ (bias.isEmpty ? 0 : bias[oc])
                                output[outputShape.offset(b, oy, ox, oc)] =
                                    Out(truncatingIfNeeded: rq.apply(withBias, channel: oc))
                            }
                        }
                    }
                }
            }
        }
    }

    /// DepthwiseConv2D: output channel ic·m + k reads input channel ic (filter [1, KH, KW, IC·m]).
    static func depthwise<In: QuantizedElement, Out: QuantizedElement>(
        _ p: ConvolutionParameters, rounding: RoundingMode,
        input: UnsafePointer<In>, inputShape: Shape4,
        filter: UnsafePointer<Int8>, filterShape: Shape4,
        output: UnsafeMutablePointer<Out>, outputShape: Shape4
    ) {
        let w = p.window
        let m = p.depthMultiplier
        let outC = filterShape.c
        let rule = AccumulatorRule(p.accumulator)
        let offset = Int64(p.inputOffset)
        let padContribution = Int64(p.paddingValue) + offset
        p.bias.withUnsafeBufferPointer { bias in
            ChannelRequantizer.with(p.requantizer, rounding: rounding) { rq in
                for b in 0..<outputShape.n {
                    for oy in 0..<outputShape.h {
                        for ox in 0..<outputShape.w {
                            for oc in 0..<outC {
                                let ic = oc / m
                                var sum: Int64 = 0
                                for ky in 0..<w.kernelHeight {
                                    let iy = oy &* w.strideHeight &- w.padTop &+ ky &* w.dilationHeight
                                    for kx in 0..<w.kernelWidth {
                                        let ix = ox &* w.strideWidth &- w.padLeft &+ kx &* w.dilationWidth
                                        let inside = iy >= 0 && iy < inputShape.h && ix >= 0 && ix < inputShape.w
                                        let x = inside ? Int64(input[inputShape.offset(b, iy, ix, ic)]) &+ offset : padContribution
                                        sum &+= Int64(filter[filterShape.offset(0, ky, kx, oc)]) &* x
                                    }
                                }
                                // The whole window is one block.
                                let acc = rule.add(0, sum)
                                let withBias = Int32(truncatingIfNeeded: acc) &+ (bias.isEmpty ? 0 : bias[oc])
                                output[outputShape.offset(b, oy, ox, oc)] =
                                    Out(truncatingIfNeeded: rq.apply(withBias, channel: oc))
                            }
                        }
                    }
                }
            }
        }
    }
}
