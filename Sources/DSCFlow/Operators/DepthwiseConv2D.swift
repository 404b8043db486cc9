/// DEPTHWISE_CONV_2D: any window and depth multiplier; output channel ic·m + k reads input channel ic
/// (filter [1, KH, KW, IC·m]); the whole window is one accumulation block.
enum DepthwiseConv2D: ConvolutionDefinition {
    static let dscmKind: UInt32 = 2
    static let depthwise = true

    static func validate(_ p: Parameters, _ c: OperatorContext) throws(DSCError) {
        let (x, f) = try Conv2D.validateConvolution(p, c)
        guard f.shape[0] == 1, p.depthMultiplier >= 1, x.shape[3] <= Int.max / p.depthMultiplier,
              f.shape[3] == x.shape[3] * p.depthMultiplier else {
            throw c.fail(f, "depthwise filter \(f.shape) does not fit \(x.shape[3]) channels × multiplier \(p.depthMultiplier)")
        }
        try Conv2D.finishConvolution(p, c, x, channels: f.shape[3])
    }

    static func prepareFast(_ p: Parameters, _ c: OperatorContext, _ target: FastTarget) -> FastPreparation {
        DepthwisePacking.pack(p, c, target)
    }

    static func macs(_ p: Parameters, _ c: OperatorContext) -> Int {
        let f = c.input(1).shape
        return c.output.elementCount &* f[1] &* f[2]
    }
}
