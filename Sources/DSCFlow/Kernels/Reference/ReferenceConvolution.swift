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
        let perGroup = filterShape.n / (inputShape.c / inC)
        let rule = AccumulatorRule(p.accumulator)
        let offset = Int64(p.inputOffset)
        let padContribution = Int64(p.paddingValue) + offset
        forEachOutput(p, rounding: rounding, channels: filterShape.n, output: output, outputShape: outputShape) { b, oy, ox, oc in
            let icBase = (oc / perGroup) &* inC
            var acc: Int64 = 0
            forEachTap(w, oy: oy, ox: ox, inputShape: inputShape) { ky, kx, iy, ix, inside in
                if !inside && padContribution == 0 { return }
                let wBase = filterShape.offset(oc, ky, kx, 0)
                let xBase = inside ? inputShape.offset(b, iy, ix, icBase) : 0
                acc = rule.accumulate(acc, count: inC) { ic in
                    let x = inside ? Int64(input[xBase &+ ic]) &+ offset : padContribution
                    return Int64(filter[wBase &+ ic]) &* x
                }
            }
            return acc
        }
    }

    /// DepthwiseConv2D: output channel ic·m + k reads input channel ic (filter [1, KH, KW, IC·m]).
    static func depthwise<In: QuantizedElement, Out: QuantizedElement>(
        _ p: ConvolutionParameters, rounding: RoundingMode,
        input: UnsafePointer<In>, inputShape: Shape4,
        filter: UnsafePointer<Int8>, filterShape: Shape4,
        output: UnsafeMutablePointer<Out>, outputShape: Shape4
    ) {
        let m = p.depthMultiplier
        let rule = AccumulatorRule(p.accumulator)
        let offset = Int64(p.inputOffset)
        let padContribution = Int64(p.paddingValue) + offset
        forEachOutput(p, rounding: rounding, channels: filterShape.c, output: output, outputShape: outputShape) { b, oy, ox, oc in
            let ic = oc / m
            var sum: Int64 = 0
            forEachTap(p.window, oy: oy, ox: ox, inputShape: inputShape) { ky, kx, iy, ix, inside in
                let x = inside ? Int64(input[inputShape.offset(b, iy, ix, ic)]) &+ offset : padContribution
                sum &+= Int64(filter[filterShape.offset(0, ky, kx, oc)]) &* x
            }
            // The whole window is one block.
            return rule.add(0, sum)
        }
    }

    /// Every output element in NHWC order: `accumulate` gives its accumulator, to which the bias is
    /// added (int32, wrapping as TFLite's does) before the channel's requantizer.
    @inline(__always)
    private static func forEachOutput<Out: QuantizedElement>(
        _ p: ConvolutionParameters, rounding: RoundingMode, channels: Int,
        output: UnsafeMutablePointer<Out>, outputShape: Shape4,
        accumulate: (_ b: Int, _ oy: Int, _ ox: Int, _ oc: Int) -> Int64
    ) {
        p.bias.withUnsafeBufferPointer { bias in
            ChannelRequantizer.with(p.requantizer, rounding: rounding) { rq in
                for b in 0..<outputShape.n {
                    for oy in 0..<outputShape.h {
                        for ox in 0..<outputShape.w {
                            for oc in 0..<channels {
                                let acc = accumulate(b, oy, ox, oc)
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

    /// The window's taps of output (oy, ox) in (ky, kx) order, with the input position each reads and
    /// whether it lies inside the input (else it reads padding).
    @inline(__always)
    private static func forEachTap(_ w: Window2D, oy: Int, ox: Int, inputShape: Shape4,
                                   _ body: (_ ky: Int, _ kx: Int, _ iy: Int, _ ix: Int, _ inside: Bool) -> Void) {
        for ky in 0..<w.kernelHeight {
            let iy = oy &* w.strideHeight &- w.padTop &+ ky &* w.dilationHeight
            for kx in 0..<w.kernelWidth {
                let ix = ox &* w.strideWidth &- w.padLeft &+ kx &* w.dilationWidth
                body(ky, kx, iy, ix, iy >= 0 && iy < inputShape.h && ix >= 0 && ix < inputShape.w)
            }
        }
    }
}
