/// Builds UltraNet (DAC-SDC 2020 FPGA track winner, team BJUT Runner; heheda365/ultra_net) from the
/// accelerator's parameter header, in the accelerator's own integer arithmetic
/// (../shared/ultranet/FACTS.md): the 360×640 BGR camera frame, the on-chip bilinear resize to
/// 160×320 (`hls::Resize_opr_linear`, exact integer weights), eight 3×3 convolutions with 4-bit signed
/// weights, zero padding, BN folded into a multiplier and an addend and a 4-bit quantised ReLU
/// (`MultiplyAddShiftRequantizer`), 2×2 max-pools after the first four, and a 1×1 head whose raw
/// int32 sums are the output (10, 20, 36): 6 anchors × (tx, ty, tw, th, conf, unused) per cell.
///
/// `param.h` is read as data (`UltraNetParameterHeader`): its arrays' shapes give each layer's FINN
/// folding (PE rows, SIMD·4-bit words), which the model records as `dscflow.folding`. `config.h`,
/// when given, replaces the built-in layer table after checks; `last_bias.npy` (the host's decode
/// constants) goes into the `dscflow.detection` metadata.
public enum UltraNetImporter {
    /// The camera frame the accelerator reads: 360 rows × 640 columns × 3 (B, G, R) bytes, HWC.
    public static let frameHeight = 360, frameWidth = 640

    /// Imports the model from the bytes of `param.h` (and optionally `config.h` and `last_bias.npy`).
    /// The names are recorded with each file's SHA-256 in `dscflow.source` (last path component only).
    public static func importModel(parameters: UnsafeRawBufferPointer, parametersName: String = "param.h",
                                   config: UnsafeRawBufferPointer? = nil, configName: String = "config.h",
                                   lastBias: UnsafeRawBufferPointer? = nil, lastBiasName: String = "last_bias.npy") throws(DSCError) -> Model {
        let paramFile = SkrSkrImporter.provenance(parametersName, parameters).split(separator: " ").first.map(String.init) ?? parametersName
        var source = SkrSkrImporter.provenance(parametersName, parameters)
        var layers = UltraNetLayer.design
        if let config {
            let configFile = SkrSkrImporter.provenance(configName, config).split(separator: " ").first.map(String.init) ?? configName
            layers = try UltraNetLayer.table(config: try UltraNetConfigHeader.parse(config, file: configFile), file: configFile)
            source += " + " + SkrSkrImporter.provenance(configName, config)
        }
        var bias: [Float]? = nil
        if let lastBias {
            let file = SkrSkrImporter.provenance(lastBiasName, lastBias).split(separator: " ").first.map(String.init) ?? lastBiasName
            let b = try NPYFile.float32Vector(lastBias, file: file)
            guard b.count == 36, b.allSatisfy({ $0.isFinite }) else {
                throw DSCError.malformedModel("\(file): \(b.count) values; UltraNet's last_bias holds 36 finite floats (6 anchors × 6)")
            }
            guard layers.last?.outChannels == 36 else {
                throw DSCError.malformedModel("\(file): the head has \(layers.last?.outChannels ?? 0) channels; the host decode needs 36")
            }
            bias = b
            source += " + " + SkrSkrImporter.provenance(lastBiasName, lastBias)
        }
        let arrays = try UltraNetParameterHeader.parse(parameters, file: paramFile)
        var builder = UltraNetGraphBuilder(layers: layers, arrays: arrays, file: paramFile)
        return try builder.build(source: source, lastBias: bias)
    }
}

/// Turns the parsed header into the IR graph of FACTS.md §1 (NHWC), with the model's preprocessing,
/// detection-head and folding metadata.
struct UltraNetGraphBuilder {
    let layers: [UltraNetLayer]
    let arrays: [String: UltraNetParameterArray]
    let file: String
    private var tensors: [Tensor] = []
    private var operations: [Operator] = []

    init(layers: [UltraNetLayer], arrays: [String: UltraNetParameterArray], file: String) {
        self.layers = layers
        self.arrays = arrays
        self.file = file
    }

    private func bad(_ why: String) -> DSCError { .malformedModel("\(file): \(why)") }

    mutating func build(source: String, lastBias: [Float]?) throws(DSCError) -> Model {
        let expected = Set(layers.flatMap { l in l.isHead ? [l.name + "_w"] : [l.name + "_w", l.name + "_inc", l.name + "_bias"] })
        for name in arrays.keys.sorted() where !expected.contains(name) {
            throw bad("array \(name) (line \(arrays[name]!.line)) is not one of UltraNet's (\(layers.count) layers: conv_N_w, conv_N_inc, conv_N_bias)")
        }
        let first = layers[0]
        guard let resize = ResizeBilinearParameters.hlsLinear(inputHeight: UltraNetImporter.frameHeight, inputWidth: UltraNetImporter.frameWidth,
                                                              outputHeight: first.inHeight, outputWidth: first.inWidth) else {
            throw bad("the on-chip resize from \(UltraNetImporter.frameHeight)x\(UltraNetImporter.frameWidth) to \(first.inHeight)x\(first.inWidth) is not exact in the HLS fixed point")
        }
        let input = add("input", .uint8, [1, UltraNetImporter.frameHeight, UltraNetImporter.frameWidth, 3])
        var x = add("resized", .uint8, [1, first.inHeight, first.inWidth, 3])
        operations.append(Operator(kind: .resizeBilinear(resize), inputs: [input], outputs: [x], name: "resize"))
        for l in layers {
            x = try conv(l, x)
            if l.poolAfter {
                let s = tensors[x].shape
                let y = add("pool_" + l.name.dropFirst(5), .uint4, [1, s[1] / 2, s[2] / 2, s[3]])
                let window = Window2D(kernelHeight: 2, kernelWidth: 2, strideHeight: 2, strideWidth: 2, padding: .valid)
                operations.append(Operator(kind: .maxPool2D(PoolParameters(window: window, activationMin: 0, activationMax: 15)),
                                            inputs: [x], outputs: [y], name: tensors[y].name))
                x = y
            }
        }
        return try Model(tensors: tensors, operations: operations, inputs: [input], outputs: [x],
                         metadata: metadata(source: source, lastBias: lastBias), format: "ultranet")
    }

    private mutating func add(_ name: String, _ type: ElementType, _ shape: [Int], data: ConstantData? = nil) -> Int {
        tensors.append(Tensor(name: name, type: type, shape: shape, data: data))
        return tensors.count - 1
    }

    /// The array `name`, checked to be declared `ap_(u)int<bits> name[rows][columns]`.
    private func array(_ name: String, signed: Bool, bits: Int, rows: Int, columns: Int) throws(DSCError) -> UltraNetParameterArray {
        guard let a = arrays[name] else { throw bad("no array \(name)") }
        let want = "ap_\(signed ? "" : "u")int<\(bits)> \(name)[\(rows)][\(columns)]"
        guard a.signed == signed, a.bits == bits, a.rows == rows, a.columns == columns else {
            throw bad("line \(a.line): \(name) is ap_\(a.signed ? "" : "u")int<\(a.bits)> [\(a.rows)][\(a.columns)]; the layer table needs \(want)")
        }
        return a
    }

    /// One layer: weights unpacked from the PE × tile words (FACTS.md §4), BN multiplier and addend per
    /// output channel, the multiply-add-shift requantizer (or raw int32 for the head).
    private mutating func conv(_ l: UltraNetLayer, _ input: Int) throws(DSCError) -> Int {
        let k2c = l.kernel * l.kernel * l.inChannels
        let foldIn = k2c / l.simd
        let w = try array(l.name + "_w", signed: false, bits: 4 * l.simd, rows: l.pe, columns: l.tiles)
        // Word [p][t]: output channel (t / foldIn)·PE + p; its lane s (bits 4s+3…4s) is column
        // (t % foldIn)·SIMD + s of the channel's row, column m = (ky·K + kx)·C_in + c (OHWI order).
        var filter = [UInt8](repeating: 0, count: l.outChannels * k2c)
        for p in 0..<l.pe {
            for t in 0..<l.tiles {
                let word = w.value(p, t)
                let o = t / foldIn * l.pe + p, m0 = t % foldIn * l.simd
                for s in 0..<l.simd {
                    let nibble = word.digit(s)
                    filter[o * k2c + m0 + s] = nibble >= 8 ? nibble &+ 0xF0 : nibble  // sign-extended int4
                }
            }
        }
        let f = add(l.name + ".weights", .int4, [l.outChannels, l.kernel, l.kernel, l.inChannels], data: ConstantData(bytes: filter))
        let requantizer: Requantizer
        if l.isHead {
            requantizer = .none
        } else {
            let perPE = l.outChannels / l.pe
            let inc = try array(l.name + "_inc", signed: true, bits: l.incBits, rows: l.pe, columns: perPE)
            let bias = try array(l.name + "_bias", signed: true, bits: l.biasBits, rows: l.pe, columns: perPE)
            // Channel o = of·PE + p is at [p][of].
            var m = [Int32](repeating: 0, count: l.outChannels), a = [Int32](repeating: 0, count: l.outChannels)
            for o in 0..<l.outChannels {
                m[o] = Int32(inc.integer(o % l.pe, o / l.pe))
                a[o] = Int32(bias.integer(o % l.pe, o / l.pe))
            }
            requantizer = .multiplyAddShift(MultiplyAddShiftRequantizer(multipliers: m, addends: a, shift: Int32(l.shift),
                                                                        outputMax: (1 << UltraNetLayer.outputBits) - 1))
        }
        let pad = (l.kernel - 1) / 2
        let window = Window2D(kernelHeight: l.kernel, kernelWidth: l.kernel, strideHeight: 1, strideWidth: 1,
                              padding: pad > 0 ? .explicit : .valid, padTop: pad, padLeft: pad, padBottom: pad, padRight: pad)
        let p = ConvolutionParameters(window: window, inputOffset: 0, paddingValue: 0, bias: [], accumulator: .int32,
                                      requantizer: requantizer, activation: l.isHead ? .none : .relu)
        let out = add(l.name, l.isHead ? .int32 : .uint4, [1, l.outHeight, l.outWidth, l.outChannels])
        operations.append(Operator(kind: .conv2D(p), inputs: [input, f], outputs: [out], name: l.name))
        return out
    }

    private func metadata(source: String, lastBias: [Float]?) -> [String: String] {
        let head = layers[layers.count - 1]
        var m: [String: String] = [
            "dscflow.source": "UltraNet (DAC-SDC 2020, BJUT Runner) from \(source)",
            // cv2.imread's BGR bytes fed to the accelerator as they are (FACTS.md §1).
            "dscflow.preprocess": MetadataRecord([
                "color": "bgr", "resize": "nearest", "range": "raw", "layout": "hwc",
                "size": "\(UltraNetImporter.frameWidth)x\(UltraNetImporter.frameHeight)",
            ]).text,
            // Each compute layer's engine (FINN MVAU), in model order: what `--accel ultranet` folds.
            "dscflow.folding": MetadataRecord([
                "simd": layers.map { String($0.simd) }.joined(separator: ","),
                "pe": layers.map { String($0.pe) }.joined(separator: ","),
            ]).text,
        ]
        if let lastBias {
            // dac_sdc.ipynb yolo(): grid of the head, 16 input pixels per cell, the 105 (= 7·15) divisor,
            // ×20 box unit, last_bias (float32, shortest round-trip decimals) holding the anchors.
            m["dscflow.detection"] = MetadataRecord([
                "head": "ultranet", "grid": "\(head.outWidth)x\(head.outHeight)", "anchors": "6",
                "divisor": "105", "cell": "\(layers[0].inWidth / head.outWidth)", "unit": "20",
                "last-bias": lastBias.map { "\($0)" }.joined(separator: ","),
                "image": "\(UltraNetImporter.frameWidth)x\(UltraNetImporter.frameHeight)",
            ]).text
        }
        return m
    }
}
