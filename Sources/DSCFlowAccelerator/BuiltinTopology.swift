import DSCFlow
/// Networks built in Swift with random weights (deterministic seed), so that the accelerator model
/// can be explored before any trained weights exist. Cycle counts depend only on the topology.
public enum BuiltinTopology: String, CaseIterable, Sendable {
    /// SkyNet (TomG008/SkyNet; SkrSkr FACTS.md §1): 3×160×320 input, 6 DW3×3+PW bundles, max-pools
    /// after bundles 1–3, reorg of bundle 3's output (192→768 ch at 20×40) concatenated with bundle 5
    /// (512) → bundle 6 (1280→96) → 1×1 head with 10 outputs (2 anchors × 5), raw 19-bit accumulators.
    /// SkrSkr arithmetic; real (unpadded) channel counts — the accelerator pads to its lane width.
    case skynet
    /// UltraNet (heheda365/ultra_net `config.h`, `ultranet.cpp`): the 360×640×3 camera frame, the
    /// on-chip bilinear resize to 160×320, eight 3×3 convs (16, 32, 64, 64, 64, 64, 64, 64) with 2×2
    /// max-pools after the first four, then a 1×1 conv to 36 outputs: the operators `UltraNetImporter`
    /// builds from the design's param.h. TFLite int8 arithmetic and random weights stand in for
    /// UltraNet's 4-bit ones (the cycles depend only on the topology; import param.h for its bytes).
    case ultranet
    /// Paper A's network: a 384×384×3 frame, 4× feature-map compression (average pool) to 96×96,
    /// a 3×3/2 stem and 7 DSC layers of pruned MobileNetV1, global pool, 10 classes. The paper gives
    /// only the totals (16.64 M ops, 0.079 M parameters, 7 DSC layers); the sizes here are assumptions
    /// chosen to match them (docs/ACCELERATORS.md).
    case paperA = "paper-a"
    /// MobileNetV1 α = 0.25 at 96×96×1 (the TFLM person-detection topology: 13 DSC layers, 2 classes).
    case mobilenetV1_025_96 = "mobilenet-v1-0.25-96"

    /// Builds the topology with weights from `seed`.
    public func build(seed: UInt64 = 1) throws -> Model {
        switch self {
        case .skynet: return try Self.skynet(seed: seed)
        case .ultranet: return try Self.ultranet(seed: seed)
        case .paperA: return try Self.paperA(seed: seed)
        case .mobilenetV1_025_96: return try Self.mobilenet(seed: seed)
        }
    }

    static func skynet(seed: UInt64) throws -> Model {
        var b = ModelBuilder(arithmetic: .skrskr, seed: seed)
        var x = b.input("image", shape: [1, 160, 320, 3])
        // Bundle k: DW 3×3 then PW; the image layer pads with 128 (SkrSkr Load_IMG), the others with 0.
        func bundle(_ b: inout ModelBuilder, _ x: Int, _ out: Int, _ k: Int, dwName: String, pwName: String,
                    pad: Int32 = 0) -> Int {
            let d = b.depthwise(x, name: dwName, paddingValue: pad)
            return b.conv(d, outChannels: out, name: pwName)
        }
        x = bundle(&b, x, 48, 1, dwName: "conv1", pwName: "conv2", pad: 128)
        x = b.maxPool(x, name: "pool1")
        x = bundle(&b, x, 96, 2, dwName: "conv3", pwName: "conv4")
        x = b.maxPool(x, name: "pool2")
        let c6 = bundle(&b, x, 192, 3, dwName: "conv5", pwName: "conv6")
        let reorg = b.spaceToDepth(c6, name: "reorg")
        x = b.maxPool(c6, name: "pool3")
        x = bundle(&b, x, 384, 4, dwName: "conv7", pwName: "conv8")
        x = bundle(&b, x, 512, 5, dwName: "conv9", pwName: "conv10")
        x = b.concat([reorg, x], name: "cat")
        x = bundle(&b, x, 96, 6, dwName: "conv11", pwName: "conv12")
        let head = b.conv(x, outChannels: 10, name: "conv13", raw: true)
        return try b.build(outputs: [head], metadata: ["topology": "skynet", "batch": "4"])
    }

    static func ultranet(seed: UInt64) throws -> Model {
        var b = ModelBuilder(arithmetic: .tflite, seed: seed)
        let frame = b.input("image", shape: [1, UltraNetImporter.frameHeight, UltraNetImporter.frameWidth, 3])
        guard var x = b.resizeBilinear(frame, height: 160, width: 320, name: "resize") else {
            throw DSCError.unsupported(op: 0, name: "resize", reason: "360x640 -> 160x320 is not exact")
        }
        let channels = [16, 32, 64, 64, 64, 64, 64, 64]
        for (i, c) in channels.enumerated() {
            x = b.conv(x, outChannels: c, kernel: 3, name: "conv_\(i)")
            if i < 4 { x = b.maxPool(x, name: "pool_\(i)") }
        }
        let y = b.conv(x, outChannels: 36, name: "conv_8", raw: true)
        return try b.build(outputs: [y], metadata: ["topology": "ultranet"])
    }

    /// A MobileNetV1-style classifier: 3×3/2 stem, DSC layers given as (output channels, stride),
    /// global average pool, fully connected.
    static func mobileNetStyle(_ b: inout ModelBuilder, _ x: Int, stem: Int, layers: [(Int, Int)], classes: Int) -> Int {
        var x = b.conv(x, outChannels: stem, kernel: 3, stride: 2, name: "conv0")
        for (i, (c, s)) in layers.enumerated() {
            x = b.depthwise(x, stride: s, name: "dw\(i + 1)")
            x = b.conv(x, outChannels: c, name: "pw\(i + 1)")
        }
        x = b.globalAveragePool(x, name: "avgpool")
        return b.fullyConnected(x, units: classes, name: "fc")
    }

    static func paperA(seed: UInt64) throws -> Model {
        var b = ModelBuilder(arithmetic: .tflite, seed: seed)
        var x = b.input("image", shape: [1, 384, 384, 3])
        x = b.averagePool(x, size: 4, name: "compress")
        // (output channels, stride) of the 7 DSC layers kept after pruning.
        let y = mobileNetStyle(&b, x, stem: 16, layers: [(32, 1), (32, 2), (128, 2), (128, 1), (128, 2), (128, 1), (128, 1)],
                               classes: 10)
        return try b.build(outputs: [y], metadata: ["topology": "paper-a"])
    }

    static func mobilenet(seed: UInt64) throws -> Model {
        var b = ModelBuilder(arithmetic: .tflite, seed: seed)
        let x = b.input("image", shape: [1, 96, 96, 1])
        let y = mobileNetStyle(&b, x, stem: 8, layers: [(16, 1), (32, 2), (32, 1), (64, 2), (64, 1), (128, 2), (128, 1), (128, 1),
                                                       (128, 1), (128, 1), (128, 1), (256, 2), (256, 1)], classes: 2)
        return try b.build(outputs: [y], metadata: ["topology": "mobilenet-v1-0.25-96"])
    }
}
