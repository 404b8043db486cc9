import DSCFlow
/// The channels of each conv-like operator that carry data: one past the highest input (and output)
/// channel with a nonzero weight. Accelerators store feature maps padded to their lane width (SkrSkr's
/// SkyNet: 3 real of 32 input lanes, 48 of 64 outputs); Paper B's adjustable loop count and channel
/// enhancement act on the real channels, which only the weights reveal. Computed once per model.
public struct ChannelUsage: Sendable {
    /// Per operator: real input and output channels (the tensor's channels for ops without weights).
    public let inputs: [Int]
    /// Per operator: real output channels.
    public let outputs: [Int]

    /// Scans every conv-like operator's weights.
    public init(_ model: Model) {
        var ins: [Int] = [], outs: [Int] = []
        for op in model.operations {
            let inC = model.tensors[op.inputs[0]].shape.last ?? 1
            let outC = model.tensors[op.outputs[0]].shape.last ?? 1
            var realIn = inC, realOut = outC
            if op.inputs.count > 1, let data = model.tensors[op.inputs[1]].data {
                let f = model.tensors[op.inputs[1]].shape
                let bytes = data.buffer
                switch op.kind {
                case .depthwiseConv2D(let p) where f.count == 4:
                    // Filter [1, KH, KW, C·m]: a channel is real if any tap is nonzero.
                    let c = f[3]
                    var highest = -1
                    for (k, b) in bytes.enumerated() where b != 0 { highest = max(highest, k % c) }
                    realOut = highest + 1
                    realIn = (highest + p.depthMultiplier) / max(p.depthMultiplier, 1)
                case .conv2D where f.count == 4 && f[3] == inC:
                    // Filter [O, KH, KW, I].
                    let i = f[3], perOut = f[1] * f[2] * f[3]
                    var hiIn = -1, hiOut = -1
                    for (k, b) in bytes.enumerated() where b != 0 {
                        hiIn = max(hiIn, k % i)
                        hiOut = max(hiOut, k / perOut)
                    }
                    realIn = hiIn + 1
                    realOut = hiOut + 1
                default:
                    break
                }
            }
            ins.append(max(realIn, 0))
            outs.append(max(realOut, 0))
        }
        inputs = ins
        outputs = outs
    }
}
