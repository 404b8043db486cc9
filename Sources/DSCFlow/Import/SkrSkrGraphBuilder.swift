/// Turns decoded SkrSkr parameters into the IR graph of FACTS §1 (NHWC, real channel counts where the
/// padding lanes provably cannot change a byte), with the model's preprocessing and detection-head
/// metadata.
struct SkrSkrGraphBuilder {
    let params: SkrSkrParameters
    let source: String

    private var tensors: [Tensor] = []
    private var operations: [Operator] = []

    init(params: SkrSkrParameters, source: String) {
        self.params = params
        self.source = source
    }

    /// The SkyNet anchors (w0, h0, w1, h1) in grid cells, from SkrSkr's `Deploy/run.py` (FACTS §7).
    static let anchors: [Double] = [1.4940052559648322, 2.3598481287086823, 4.0113013115312155, 5.760873975661669]

    private static let pw = Window2D(kernelHeight: 1, kernelWidth: 1, strideHeight: 1, strideWidth: 1, padding: .valid)
    private static let dw = Window2D(kernelHeight: 3, kernelWidth: 3, strideHeight: 1, strideWidth: 1, padding: .explicit,
                                     padTop: 1, padLeft: 1, padBottom: 1, padRight: 1)
    private static let pool = Window2D(kernelHeight: 2, kernelWidth: 2, strideHeight: 2, strideWidth: 2, padding: .valid)
    /// The accelerator's accumulator: 19 bits, saturated after every 16 input channels (FACTS §5.2).
    private static let accumulator = Accumulator.saturating(bits: 19, channelBlock: 16)

    mutating func build() throws(DSCError) -> Model {
        let L = SkrSkrLayer.all
        let rgb = try firstLayerLanes()
        let conv2Out = secondLayerChannels()

        let input = addTensor("input", .uint8, [1, 160, 320, rgb])
        var x = try conv(L[0], input, inReal: rgb, outReal: rgb, padding: 128)
        x = try conv(L[1], x, inReal: rgb, outReal: conv2Out)
        x = maxPool("pool1", x)
        x = try conv(L[2], x, inReal: conv2Out, outReal: conv2Out)
        x = try conv(L[3], x, inReal: conv2Out, outReal: 96)
        x = maxPool("pool2", x)
        x = try conv(L[4], x, inReal: 96, outReal: 96)
        let conv6 = try conv(L[5], x, inReal: 96, outReal: 192)
        let reorg = addTensor("reorg", .uint8, [1, 20, 40, 768])
        operations.append(Operator(kind: .spaceToDepth(SpaceToDepthParameters(blockSize: 2, order: .blockMajor)),
                                    inputs: [conv6], outputs: [reorg], name: "reorg"))
        x = maxPool("pool3", conv6)
        x = try conv(L[6], x, inReal: 192, outReal: 192)
        x = try conv(L[7], x, inReal: 192, outReal: 384)
        x = try conv(L[8], x, inReal: 384, outReal: 384)
        let conv10 = try conv(L[9], x, inReal: 384, outReal: 512)
        let cat = addTensor("cat", .uint8, [1, 20, 40, 1280])
        operations.append(Operator(kind: .concatenation(axis: 3), inputs: [reorg, conv10], outputs: [cat], name: "cat"))
        x = try conv(L[10], cat, inReal: 1280, outReal: 1280)
        x = try conv(L[11], x, inReal: 1280, outReal: 96)
        // The head: 2 anchors × (tx, ty, tw, th, conf); lanes 10–31 never reach Compute_BBOX.
        let output = try conv(L[12], x, inReal: 96, outReal: 10, raw: true)

        return try Model(tensors: tensors, operations: operations, inputs: [input], outputs: [output],
                         metadata: metadata(), format: "skrskr")
    }

    /// conv1 reads lanes 0–2 (R, G, B); lanes 3–31 of the accelerator's tile buffer hold stale data
    /// (FACTS §9). Dropping them is exact only if conv2 ignores them (zero weights, as in SkrSkr and
    /// SEUer B) or conv1 outputs a constant 0 on them whatever they hold.
    private func firstLayerLanes() throws(DSCError) -> Int {
        let conv1 = SkrSkrLayer.all[0], conv2 = SkrSkrLayer.all[1]
        for c in 3..<32 {
            if params.pointwiseWeightsAreZero(conv2, inputs: c..<(c + 1), outputs: 0..<conv2.outChannels) { continue }
            let zeroWeights = params.depthwiseWeightsAreZero(conv1, channel: c)
            if params.constantOutput(conv1, channel: c, accumulatorIsZero: zeroWeights) == 0 { continue }
            throw DSCError.unsupported(op: 1, name: "conv2", reason: "input lane \(c) has non-zero weights, but on the accelerator conv1's lane \(c) computes on stale tile data (FACTS §9); this weight file has no defined result")
        }
        return 3
    }

    /// conv2's lanes 48–63 (and pool1's, conv3's) are padding: drop them when conv4 ignores them or
    /// they are provably 0 through conv2 and conv3. Otherwise keep all 64 lanes (exact either way).
    private func secondLayerChannels() -> Int {
        let L = SkrSkrLayer.all
        for c in 48..<64 {
            if params.pointwiseWeightsAreZero(L[3], inputs: c..<(c + 1), outputs: 0..<L[3].outChannels) { continue }
            let conv2Zero = params.pointwiseWeightsAreZero(L[1], inputs: 0..<3, outputs: c..<(c + 1))
            if params.constantOutput(L[1], channel: c, accumulatorIsZero: conv2Zero) == 0,
               params.constantOutput(L[2], channel: c, accumulatorIsZero: true) == 0 { continue }
            return 64
        }
        return 48
    }

    private mutating func addTensor(_ name: String, _ type: ElementType, _ shape: [Int], data: ConstantData? = nil) -> Int {
        tensors.append(Tensor(name: name, type: type, shape: shape, data: data))
        return tensors.count - 1
    }

    /// One accelerator convolution layer over the first `inReal` input and `outReal` output lanes.
    private mutating func conv(_ l: SkrSkrLayer, _ input: Int, inReal: Int, outReal: Int, padding: Int32 = 0,
                               raw: Bool = false) throws(DSCError) -> Int {
        let shape = tensors[input].shape
        var filter: [UInt8]
        let filterShape: [Int]
        if l.depthwise {
            filterShape = [1, 3, 3, outReal]
            filter = [UInt8](repeating: 0, count: 9 * outReal)
            for ky in 0..<3 {
                for kx in 0..<3 {
                    for c in 0..<outReal {
                        filter[(ky * 3 + kx) * outReal + c] = UInt8(bitPattern: params.depthwiseWeight(l, channel: c, ky: ky, kx: kx))
                    }
                }
            }
        } else {
            filterShape = [outReal, 1, 1, inReal]
            filter = [UInt8](repeating: 0, count: outReal * inReal)
            for co in 0..<outReal {
                for ci in 0..<inReal {
                    filter[co * inReal + ci] = UInt8(bitPattern: params.pointwiseWeight(l, output: co, input: ci))
                }
            }
        }
        let f = addTensor(l.name + ".weights", .int8, filterShape, data: ConstantData(bytes: filter))
        let requantizer: Requantizer
        let bias: [Int32]
        if raw {
            // conv13: no bias (never loaded), no activation, the raw 19-bit accumulator (FACTS §5.7).
            requantizer = .none
            bias = []
        } else {
            bias = (0..<outReal).map { params.bias(l, channel: $0) }
            requantizer = .mulShift(MulShiftRequantizer(multipliers: (0..<outReal).map { params.multiplier(l, channel: $0) },
                                                        shift: 17, reluBeforeMultiply: true, outputMin: 0, outputMax: 255))
        }
        let p = ConvolutionParameters(window: l.depthwise ? Self.dw : Self.pw, inputOffset: 0, paddingValue: padding,
                                      bias: bias, accumulator: Self.accumulator, requantizer: requantizer,
                                      activation: raw ? .none : .relu)
        let out = addTensor(l.name, raw ? .int32 : .uint8, [shape[0], shape[1], shape[2], outReal])
        operations.append(Operator(kind: l.depthwise ? .depthwiseConv2D(p) : .conv2D(p), inputs: [input, f],
                                    outputs: [out], name: l.name))
        return out
    }

    private mutating func maxPool(_ name: String, _ input: Int) -> Int {
        let s = tensors[input].shape
        let out = addTensor(name, .uint8, [s[0], s[1] / 2, s[2] / 2, s[3]])
        operations.append(Operator(kind: .maxPool2D(PoolParameters(window: Self.pool, activationMin: 0, activationMax: 255)),
                                    inputs: [input], outputs: [out], name: name))
        return out
    }

    private func metadata() -> [String: String] {
        let conv13 = SkrSkrLayer.all[12]
        let m = (0..<10).map { String(params.multiplier(conv13, channel: $0)) }.joined(separator: ",")
        let preprocess = MetadataRecord([
            "color": "rgb", "resize": "nearest", "range": "raw", "size": "320x160", "source": "640x360",
            "layout": "hwc",
        ])
        let detection = MetadataRecord([
            "head": "skrskr",
            "anchors": Self.anchors.map { "\($0)" }.joined(separator: ","),
            "multipliers": m,
            "qm": "131072",
            "grid": "40x20",
            "image": "640x360",
            "argmax": "raster-first-strict",
            "anchor-tie": "anchor0",
            "decode": "run.py-numpy1",
        ])
        var provenance = "SkrSkr SkyNet (DAC-SDC 2020) from \(source)"
        if params.isChannelEnhanced {
            provenance += "; SEUer B channel-enhanced first layer (lanes 3-11 repeat lanes 0-2) folded to 3 lanes"
        }
        if params.outOfRangeWeights > 0 {
            provenance += "; \(params.outOfRangeWeights) weight bytes outside [-32, 31] truncated to 6 bits as the accelerator does"
        }
        return ["dscflow.preprocess": preprocess.text, "dscflow.detection": detection.text, "dscflow.source": provenance]
    }
}
