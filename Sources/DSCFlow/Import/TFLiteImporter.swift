/// Turns a `.tflite` file (FlatBuffers, schema version 3, one subgraph, fully int8) into the IR.
/// Everything the kernels need is computed here once: requantization multipliers, activation ranges,
/// resolved padding. Anything DSCFlow cannot represent is rejected with the operator, its index and
/// the reason.
public enum TFLiteImporter {
    /// True if `bytes` carry the TFLite file identifier "TFL3".
    public static func recognizes(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 8 && bytes[4] == 0x54 && bytes[5] == 0x46 && bytes[6] == 0x4C && bytes[7] == 0x33
    }

    /// Imports the model held in `storage`. Constant tensors point into `storage` (no copy).
    public static func importModel(_ storage: ByteStorage) throws -> Model {
        var importer = try Importer(storage: storage)
        return try importer.run()
    }
}

/// A TFLite tensor as stored in the file, before conversion.
private struct RawTensor {
    var name: String
    var typeCode: UInt8
    var shape: [Int32]
    var buffer: Int
    var scales: [Float]
    var zeroPoints: [Int64]
    var quantizedDimension: Int
    var hasSparsity: Bool
    var isVariable: Bool
}

private struct RawOperator {
    var code: Int32
    var name: String
    var inputs: [Int32]
    var outputs: [Int32]
    var optionsType: UInt8
    var options: FlatBufferReader.Table?
}

private struct Importer {
    let storage: ByteStorage
    let fb: FlatBufferReader
    var rawTensors: [RawTensor] = []
    var bufferData: [(offset: Int, count: Int)] = []
    var rawOperators: [RawOperator] = []
    var graphInputs: [Int32] = []
    var graphOutputs: [Int32] = []
    var metadata: [String: String] = [:]

    var tensors: [Tensor] = []
    var irIndex: [Int: Int] = [:]
    var operations: [Operator] = []

    init(storage: ByteStorage) throws {
        self.storage = storage
        self.fb = FlatBufferReader(storage.buffer, what: "TFLite model")
        guard storage.count >= 8 else { throw DSCError.malformedModel("TFLite model: \(storage.count) bytes is too short") }
        guard TFLiteImporter.recognizes(storage.buffer) else {
            throw DSCError.malformedModel("not a TFLite model (no \"TFL3\" identifier at byte 4)")
        }
    }

    mutating func run() throws -> Model {
        let S = TFLiteSchema.self
        let model = try fb.root()
        let version = try model.u32(S.ModelField.version)
        guard version == 3 else { throw DSCError.malformedModel("TFLite schema version \(version); only 3 is supported") }

        // Buffers: inline data vectors, or (offset, size) for models stored beside their data.
        for (i, b) in try model.tables(S.ModelField.buffers).enumerated() {
            if let v = try b.vector(S.BufferField.data, elementSize: 1) {
                bufferData.append((v.start, v.count))
            } else {
                let off = try b.u64(S.BufferField.offset), size = try b.u64(S.BufferField.size)
                if size > 0 {
                    guard off > 1, off <= UInt64(storage.count), size <= UInt64(storage.count) - off else {
                        throw DSCError.malformedModel("TFLite model: buffer \(i) (offset \(off), size \(size)) lies outside the \(storage.count)-byte file")
                    }
                    bufferData.append((Int(off), Int(size)))
                } else {
                    bufferData.append((0, 0))
                }
            }
        }

        for m in try model.tables(S.ModelField.metadata) {
            guard let name = try m.string(S.MetadataField.name) else { continue }
            let b = Int(try m.u32(S.MetadataField.buffer))
            guard b < bufferData.count else { continue }
            let d = bufferData[b]
            let bytes = UnsafeRawBufferPointer(rebasing: storage.buffer[d.offset ..< d.offset + d.count])
            // Keep text entries only (CONVERSION_METADATA and the like are binary).
            if bytes.allSatisfy({ $0 == 0x0A || $0 == 0x09 || $0 == 0x0D || ($0 >= 0x20 && $0 != 0x7F) }) {
                metadata[name] = String(decoding: bytes, as: UTF8.self)
            }
        }

        var opcodes: [(Int32, String)] = []
        for oc in try model.tables(S.ModelField.operatorCodes) {
            let deprecated = Int32(Int8(bitPattern: try oc.u8(S.OperatorCodeField.deprecatedBuiltinCode)))
            let builtin = try oc.i32(S.OperatorCodeField.builtinCode)
            let code = max(deprecated, builtin)
            var name = TFLiteSchema.opName(code)
            if code == 32, let custom = try oc.string(S.OperatorCodeField.customCode) { name = "CUSTOM(\(custom))" }
            opcodes.append((code, name))
        }

        let subgraphs = try model.tables(S.ModelField.subgraphs)
        guard subgraphs.count == 1 else {
            throw DSCError.unsupported(op: -1, name: "model", reason: "\(subgraphs.count) subgraphs; exactly 1 is supported")
        }
        let sg = subgraphs[0]
        for t in try sg.tables(S.SubGraphField.tensors) {
            var raw = RawTensor(name: try t.string(S.TensorField.name) ?? "", typeCode: try t.u8(S.TensorField.type),
                                shape: try t.int32s(S.TensorField.shape), buffer: Int(try t.u32(S.TensorField.buffer)),
                                scales: [], zeroPoints: [], quantizedDimension: 0,
                                hasSparsity: try t.fieldPosition(S.TensorField.sparsity) != nil,
                                isVariable: try t.bool(S.TensorField.isVariable))
            if let q = try t.table(S.TensorField.quantization) {
                raw.scales = try q.floats(S.QuantizationField.scale)
                raw.zeroPoints = try q.int64s(S.QuantizationField.zeroPoint)
                raw.quantizedDimension = Int(try q.i32(S.QuantizationField.quantizedDimension))
            }
            rawTensors.append(raw)
        }
        graphInputs = try sg.int32s(S.SubGraphField.inputs)
        graphOutputs = try sg.int32s(S.SubGraphField.outputs)
        for op in try sg.tables(S.SubGraphField.operators) {
            let idx = Int(try op.u32(S.OperatorField.opcodeIndex))
            guard idx < opcodes.count else {
                throw DSCError.malformedModel("TFLite model: operator \(rawOperators.count) uses opcode \(idx); the model has \(opcodes.count)")
            }
            rawOperators.append(RawOperator(code: opcodes[idx].0, name: opcodes[idx].1,
                                            inputs: try op.int32s(S.OperatorField.inputs),
                                            outputs: try op.int32s(S.OperatorField.outputs),
                                            optionsType: try op.u8(S.OperatorField.builtinOptionsType),
                                            options: try op.table(S.OperatorField.builtinOptions)))
        }

        let inputs = try graphInputs.map { try tensor(Int($0), op: -1, role: "model input") }
        for (i, op) in rawOperators.enumerated() {
            try convert(i, op)
            // Keep the file's operator name (PADV2 stays PADV2) so dumps match TFLite's naming.
            operations[operations.count - 1].name = op.name
        }
        let outputs = try graphOutputs.map { try tensor(Int($0), op: -1, role: "model output") }
        var md = metadata
        md["source.format"] = "tflite"
        return try Model(tensors: tensors, operations: operations, inputs: inputs, outputs: outputs,
                         metadata: md, format: "tflite")
    }

    // MARK: tensors

    func rawTensor(_ t: Int, op: Int, name: String) throws -> RawTensor {
        guard t >= 0 && t < rawTensors.count else {
            throw DSCError.malformedModel("TFLite model: operator \(op) (\(name)) refers to tensor \(t); the subgraph has \(rawTensors.count)")
        }
        return rawTensors[t]
    }

    func constantBytes(_ raw: RawTensor) throws -> (offset: Int, count: Int)? {
        guard raw.buffer != 0 else { return nil }
        guard raw.buffer < bufferData.count else {
            throw DSCError.malformedModel("TFLite model: tensor '\(raw.name)' uses buffer \(raw.buffer); the model has \(bufferData.count)")
        }
        let d = bufferData[raw.buffer]
        return d.count > 0 ? d : nil
    }

    func shape(_ raw: RawTensor, op: Int) throws -> [Int] {
        try raw.shape.map { d -> Int in
            guard d >= 1 else { throw DSCError.invalidTensor(op: op, tensor: raw.name, reason: "dimension \(d) in shape \(raw.shape)") }
            return Int(d)
        }
    }

    /// The IR index of TFLite tensor `t`, converting it on first use.
    mutating func tensor(_ t: Int, op: Int, role: String, allowPerChannel: Bool = false,
                         elementType: ElementType = .int8) throws -> Int {
        if let i = irIndex[t] { return i }
        let opName = op >= 0 ? rawOperators[op].name : "model"
        let raw = try rawTensor(t, op: op, name: opName)
        let expectedCode: UInt8
        switch elementType {
        case .int8: expectedCode = TFLiteSchema.int8Type
        case .uint8: expectedCode = TFLiteSchema.uint8Type
        case .int16: expectedCode = TFLiteSchema.int16Type
        case .int32: expectedCode = TFLiteSchema.int32Type
        }
        guard raw.typeCode == expectedCode else {
            let found = TFLiteSchema.typeNames[Int(raw.typeCode)] ?? "type \(raw.typeCode)"
            if op >= 0 {
                throw DSCError.unsupported(op: op, name: opName, reason: "\(role) '\(raw.name)' is \(found); DSCFlow runs fully-int8 models (expected \(elementType.name.uppercased()))")
            }
            throw DSCError.unsupported(op: -1, name: role, reason: "'\(raw.name)' is \(found); DSCFlow runs fully-int8 models (expected \(elementType.name.uppercased()))")
        }
        if raw.hasSparsity { throw DSCError.unsupported(op: op, name: opName, reason: "sparse tensor '\(raw.name)'") }
        if raw.isVariable { throw DSCError.unsupported(op: op, name: opName, reason: "variable tensor '\(raw.name)'") }
        let dims = try shape(raw, op: op)
        var quant: Quantization? = nil
        if !raw.scales.isEmpty {
            if raw.scales.count > 1 && !allowPerChannel {
                throw DSCError.unsupported(op: op, name: opName, reason: "\(role) '\(raw.name)' is quantized per channel; only per-tensor is supported there")
            }
            for s in raw.scales where !(s.isFinite && s > 0) {
                throw DSCError.invalidTensor(op: op, tensor: raw.name, reason: "scale \(s) is not a positive finite number")
            }
            let zps = try raw.zeroPoints.map { z -> Int32 in
                guard let v = Int32(exactly: z), elementType.range.contains(v) || elementType == .int32 else {
                    throw DSCError.invalidTensor(op: op, tensor: raw.name, reason: "zero point \(z) outside \(elementType.name)")
                }
                return v
            }
            quant = Quantization(scales: raw.scales, zeroPoints: zps.isEmpty ? [0] : zps, dimension: raw.quantizedDimension)
        }
        var data: ConstantData? = nil
        if let d = try constantBytes(raw) {
            data = ConstantData(storage: storage, offset: d.offset, count: d.count)
        }
        let i = tensors.count
        tensors.append(Tensor(name: raw.name, type: elementType, shape: dims, quantization: quant, data: data))
        irIndex[t] = i
        return i
    }

    /// Per-tensor (scale, zero point) of an activation, required.
    func quantization(_ i: Int, op: Int) throws -> (scale: Float, zeroPoint: Int32) {
        guard let q = tensors[i].quantization else {
            throw DSCError.unsupported(op: op, name: rawOperators[op].name, reason: "tensor '\(tensors[i].name)' has no quantization parameters")
        }
        return (q.scale, q.zeroPoint)
    }

    /// Reads a small constant int32/int64 tensor (axes, paddings, shapes).
    func constantIntegers(_ t: Int32, op: Int, role: String) throws -> [Int] {
        let name = rawOperators[op].name
        let raw = try rawTensor(Int(t), op: op, name: name)
        guard let d = try constantBytes(raw) else {
            throw DSCError.unsupported(op: op, name: name, reason: "\(role) '\(raw.name)' must be a constant tensor")
        }
        let size: Int
        switch raw.typeCode {
        case TFLiteSchema.int32Type: size = 4
        case TFLiteSchema.int64Type: size = 8
        default: throw DSCError.unsupported(op: op, name: name, reason: "\(role) '\(raw.name)' must be INT32 or INT64")
        }
        guard d.count % size == 0, d.count / size <= 64 else {
            throw DSCError.invalidTensor(op: op, tensor: raw.name, reason: "\(d.count) bytes is not a small \(size * 8)-bit integer vector")
        }
        return try (0..<(d.count / size)).map { k in
            let v: Int64 = size == 4 ? Int64(try fb.i32(d.offset + 4 * k)) : try fb.i64(d.offset + 8 * k)
            guard abs(v) < (1 << 31) else { throw DSCError.invalidTensor(op: op, tensor: raw.name, reason: "value \(v) out of range") }
            return Int(v)
        }
    }

    // MARK: operators

    func options(_ op: RawOperator, _ index: Int, _ expected: UInt8) throws -> FlatBufferReader.Table? {
        if op.options != nil && op.optionsType != expected {
            throw DSCError.malformedModel("TFLite model: operator \(index) (\(op.name)) has builtin options of type \(op.optionsType); expected \(expected)")
        }
        return op.options
    }

    func activation(_ code: UInt8, _ index: Int, _ op: RawOperator) throws -> ActivationFunction {
        guard let a = ActivationFunction(rawValue: code) else {
            let names: [UInt8: String] = [4: "TANH", 5: "SIGN_BIT"]
            throw DSCError.unsupported(op: index, name: op.name, reason: "fused activation \(names[code] ?? String(code))")
        }
        return a
    }

    func paddingMode(_ code: UInt8, _ index: Int, _ op: RawOperator) throws -> PaddingMode {
        switch code {
        case 0: return .same
        case 1: return .valid
        default: throw DSCError.unsupported(op: index, name: op.name, reason: "padding mode \(code)")
        }
    }

    func window(input: Tensor, kernelH: Int, kernelW: Int, strideH: Int32, strideW: Int32, dilationH: Int32,
                dilationW: Int32, padding: PaddingMode, index: Int, op: RawOperator) throws -> Window2D {
        guard input.shape.count == 4 else {
            throw DSCError.invalidTensor(op: index, tensor: input.name, reason: "rank \(input.shape.count); expected 4 (NHWC)")
        }
        guard strideH >= 1, strideW >= 1, dilationH >= 1, dilationW >= 1 else {
            throw DSCError.unsupported(op: index, name: op.name, reason: "stride \(strideH)×\(strideW), dilation \(dilationH)×\(dilationW) (must be ≥ 1)")
        }
        guard let h = Window2D.resolve(input: input.shape[1], kernel: kernelH, stride: Int(strideH), dilation: Int(dilationH), mode: padding),
              let w = Window2D.resolve(input: input.shape[2], kernel: kernelW, stride: Int(strideW), dilation: Int(dilationW), mode: padding) else {
            throw DSCError.unsupported(op: index, name: op.name, reason: "a \(kernelH)×\(kernelW) window (stride \(strideH)×\(strideW), dilation \(dilationH)×\(dilationW), \(padding.name)) does not fit the input \(input.shape)")
        }
        return Window2D(kernelHeight: kernelH, kernelWidth: kernelW, strideHeight: Int(strideH), strideWidth: Int(strideW),
                        dilationHeight: Int(dilationH), dilationWidth: Int(dilationW), padding: padding,
                        padTop: h.before, padLeft: w.before, padBottom: h.after, padRight: w.after)
    }

    func requireInputs(_ op: RawOperator, _ index: Int, _ range: ClosedRange<Int>) throws {
        guard range.contains(op.inputs.count), op.outputs.count == 1 else {
            throw DSCError.unsupported(op: index, name: op.name, reason: "\(op.inputs.count) inputs and \(op.outputs.count) outputs")
        }
    }

    mutating func bias(_ op: RawOperator, _ index: Int, channels: Int) throws -> (values: [Int32], tensor: Int?) {
        guard op.inputs.count > 2, op.inputs[2] >= 0 else { return ([], nil) }
        let b = try tensor(Int(op.inputs[2]), op: index, role: "bias", allowPerChannel: true, elementType: .int32)
        let t = tensors[b]
        guard let d = t.data else { throw DSCError.unsupported(op: index, name: op.name, reason: "bias '\(t.name)' must be constant") }
        guard t.elementCount == channels, d.count == channels * 4 else {
            throw DSCError.invalidTensor(op: index, tensor: t.name, reason: "\(t.shape) bias for \(channels) channels")
        }
        return ((0..<channels).map { d.element($0, as: .int32) }, b)
    }

    /// Per-channel weight scales (one per output channel, or one broadcast).
    func weightScales(_ w: Tensor, channels: Int, dimension: Int, index: Int, op: RawOperator) throws -> [Float] {
        guard let q = w.quantization else {
            throw DSCError.unsupported(op: index, name: op.name, reason: "weights '\(w.name)' are not quantized (hybrid models are not supported)")
        }
        if q.zeroPoints.contains(where: { $0 != 0 }) {
            throw DSCError.unsupported(op: index, name: op.name, reason: "weights '\(w.name)' have a non-zero zero point (int8 weights must be symmetric)")
        }
        if q.scales.count == 1 { return [Float](repeating: q.scale, count: channels) }
        guard q.scales.count == channels, q.dimension == dimension else {
            throw DSCError.invalidTensor(op: index, tensor: w.name, reason: "\(q.scales.count) scales along dimension \(q.dimension); expected \(channels) along \(dimension)")
        }
        return q.scales
    }

    mutating func convert(_ index: Int, _ op: RawOperator) throws {
        let S = TFLiteSchema.self
        let Op = S.Op.self
        func input(_ k: Int, _ role: String, perChannel: Bool = false) throws -> Int {
            guard k < op.inputs.count, op.inputs[k] >= 0 else {
                throw DSCError.unsupported(op: index, name: op.name, reason: "missing \(role)")
            }
            return try tensor(Int(op.inputs[k]), op: index, role: role, allowPerChannel: perChannel)
        }
        func output() throws -> Int {
            guard op.outputs.count == 1 else {
                throw DSCError.unsupported(op: index, name: op.name, reason: "\(op.outputs.count) outputs; exactly 1 is supported")
            }
            return try tensor(Int(op.outputs[0]), op: index, role: "output")
        }
        switch op.code {
        case Op.conv2D, Op.depthwiseConv2D:
            try requireInputs(op, index, 2...3)
            let depthwise = op.code == Op.depthwiseConv2D
            let opts = try options(op, index, depthwise ? S.Options.depthwiseConv2D : S.Options.conv2D)
            let x = try input(0, "input"), f = try input(1, "filter", perChannel: true), y = try output()
            let fx = tensors[f]
            guard fx.isConstant, fx.shape.count == 4 else { throw DSCError.unsupported(op: index, name: op.name, reason: "the filter must be a constant 4-D tensor") }
            let channels = depthwise ? fx.shape[3] : fx.shape[0]
            let (bias, biasTensor) = try bias(op, index, channels: channels)
            let padding = try paddingMode(try opts?.u8(0) ?? 0, index, op)
            let act: ActivationFunction
            let win: Window2D
            var dm = 1
            if depthwise {
                act = try activation(try opts?.u8(4) ?? 0, index, op)
                win = try window(input: tensors[x], kernelH: fx.shape[1], kernelW: fx.shape[2],
                                 strideH: try opts?.i32(2) ?? 0, strideW: try opts?.i32(1) ?? 0,
                                 dilationH: try opts?.i32(6, default: 1) ?? 1, dilationW: try opts?.i32(5, default: 1) ?? 1,
                                 padding: padding, index: index, op: op)
                let inC = tensors[x].shape.count == 4 ? tensors[x].shape[3] : 1
                guard channels % inC == 0 else {
                    throw DSCError.unsupported(op: index, name: op.name, reason: "\(channels) output channels are not a multiple of \(inC) input channels")
                }
                dm = channels / inC
            } else {
                act = try activation(try opts?.u8(3) ?? 0, index, op)
                win = try window(input: tensors[x], kernelH: fx.shape[1], kernelW: fx.shape[2],
                                 strideH: try opts?.i32(2) ?? 0, strideW: try opts?.i32(1) ?? 0,
                                 dilationH: try opts?.i32(5, default: 1) ?? 1, dilationW: try opts?.i32(4, default: 1) ?? 1,
                                 padding: padding, index: index, op: op)
            }
            let (sIn, zIn) = try quantization(x, op: index)
            let (sOut, zOut) = try quantization(y, op: index)
            let ws = try weightScales(fx, channels: channels, dimension: depthwise ? 3 : 0, index: index, op: op)
            let qm = ws.map { QuantizedMultiplier(Double(sIn) * Double($0) / Double(sOut)) }
            let range = act.range(scale: sOut, zeroPoint: zOut, type: .int8)
            let rq = FixedPointRequantizer(multipliers: qm.map(\.multiplier), shifts: qm.map(\.shift),
                                           outputZeroPoint: zOut, activationMin: range.min, activationMax: range.max)
            let p = ConvolutionParameters(window: win, depthMultiplier: dm, inputOffset: -zIn, paddingValue: zIn,
                                          bias: bias, requantizer: .fixedPoint(rq), activation: act)
            let ins = [x, f] + (biasTensor.map { [$0] } ?? [])
            operations.append(Operator(kind: depthwise ? .depthwiseConv2D(p) : .conv2D(p), inputs: ins, outputs: [y]))

        case Op.fullyConnected:
            try requireInputs(op, index, 2...3)
            let opts = try options(op, index, S.Options.fullyConnected)
            if let format = try opts?.u8(1), format != 0 {
                throw DSCError.unsupported(op: index, name: op.name, reason: "shuffled weights format \(format)")
            }
            let x = try input(0, "input"), w = try input(1, "weights", perChannel: true), y = try output()
            let wt = tensors[w]
            guard wt.isConstant, wt.shape.count == 2 else { throw DSCError.unsupported(op: index, name: op.name, reason: "the weights must be a constant 2-D tensor") }
            let units = wt.shape[0]
            let (bias, biasTensor) = try bias(op, index, channels: units)
            let act = try activation(try opts?.u8(0) ?? 0, index, op)
            let (sIn, zIn) = try quantization(x, op: index)
            let (sOut, zOut) = try quantization(y, op: index)
            guard let wq = wt.quantization else { throw DSCError.unsupported(op: index, name: op.name, reason: "weights are not quantized") }
            let qm: [QuantizedMultiplier]
            if wq.scales.count == 1 {
                // TFLite Micro's per-tensor rule: the product of scales is rounded to float first.
                qm = [QuantizedMultiplier(Double(Float(sIn * wq.scale)) / Double(sOut))]
            } else {
                let ws = try weightScales(wt, channels: units, dimension: 0, index: index, op: op)
                qm = ws.map { QuantizedMultiplier(Double(sIn) * Double($0) / Double(sOut)) }
            }
            guard wq.zeroPoints.allSatisfy({ $0 == 0 }) else {
                throw DSCError.unsupported(op: index, name: op.name, reason: "weights with a non-zero zero point")
            }
            let range = act.range(scale: sOut, zeroPoint: zOut, type: .int8)
            let rq = FixedPointRequantizer(multipliers: qm.map(\.multiplier), shifts: qm.map(\.shift),
                                           outputZeroPoint: zOut, activationMin: range.min, activationMax: range.max)
            let p = FullyConnectedParameters(inputOffset: -zIn, bias: bias, requantizer: .fixedPoint(rq), activation: act)
            operations.append(Operator(kind: .fullyConnected(p), inputs: [x, w] + (biasTensor.map { [$0] } ?? []), outputs: [y]))

        case Op.averagePool2D, Op.maxPool2D:
            try requireInputs(op, index, 1...1)
            let opts = try options(op, index, S.Options.pool2D)
            let x = try input(0, "input"), y = try output()
            try requireSameQuantization(x, y, index, op)
            let padding = try paddingMode(try opts?.u8(0) ?? 0, index, op)
            let win = try window(input: tensors[x], kernelH: Int(try opts?.i32(4) ?? 0), kernelW: Int(try opts?.i32(3) ?? 0),
                                 strideH: try opts?.i32(2) ?? 0, strideW: try opts?.i32(1) ?? 0, dilationH: 1, dilationW: 1,
                                 padding: padding, index: index, op: op)
            let act = try activation(try opts?.u8(5) ?? 0, index, op)
            let (s, z) = try quantization(y, op: index)
            let range = act.range(scale: s, zeroPoint: z, type: .int8)
            let p = PoolParameters(window: win, activationMin: range.min, activationMax: range.max, activation: act)
            operations.append(Operator(kind: op.code == Op.averagePool2D ? .averagePool2D(p) : .maxPool2D(p), inputs: [x], outputs: [y]))

        case Op.mean:
            try requireInputs(op, index, 2...2)
            let opts = try options(op, index, S.Options.reducer)
            let x = try input(0, "input"), y = try output()
            let rank = tensors[x].shape.count
            var axes: [Int] = []
            for a in try constantIntegers(op.inputs[1], op: index, role: "axes") {
                let n = a < 0 ? a + rank : a
                guard n >= 0 && n < rank else { throw DSCError.unsupported(op: index, name: op.name, reason: "axis \(a) out of range for rank \(rank)") }
                if !axes.contains(n) { axes.append(n) }
            }
            axes.sort()
            let (sIn, zIn) = try quantization(x, op: index)
            let (sOut, zOut) = try quantization(y, op: index)
            let q = QuantizedMultiplier(Double(sIn) / Double(sOut))
            let p = MeanParameters(axes: axes, keepDims: try opts?.bool(0) ?? false, inputZeroPoint: zIn,
                                   outputZeroPoint: zOut, multiplier: q.multiplier, shift: q.shift)
            operations.append(Operator(kind: .mean(p), inputs: [x], outputs: [y]))

        case Op.add:
            try requireInputs(op, index, 2...2)
            let opts = try options(op, index, S.Options.add)
            let a = try input(0, "input 1"), b = try input(1, "input 2"), y = try output()
            let act = try activation(try opts?.u8(0) ?? 0, index, op)
            let (s1, z1) = try quantization(a, op: index)
            let (s2, z2) = try quantization(b, op: index)
            let (so, zo) = try quantization(y, op: index)
            // TFLite `PrepareGeneralAddSub` for int8: 20 bits of headroom, common scale 2·max(s1, s2).
            let leftShift: Int32 = 20
            let twiceMax = 2 * Double(max(s1, s2))
            let m1 = QuantizedMultiplier(Double(s1) / twiceMax)
            let m2 = QuantizedMultiplier(Double(s2) / twiceMax)
            let mo = QuantizedMultiplier(twiceMax / (Double(1 << leftShift) * Double(so)))
            let range = act.range(scale: so, zeroPoint: zo, type: .int8)
            let p = AddParameters(input1Offset: -z1, input2Offset: -z2, leftShift: leftShift,
                                  input1Multiplier: m1.multiplier, input1Shift: m1.shift,
                                  input2Multiplier: m2.multiplier, input2Shift: m2.shift,
                                  outputMultiplier: mo.multiplier, outputShift: mo.shift, outputOffset: zo,
                                  activationMin: range.min, activationMax: range.max, activation: act)
            operations.append(Operator(kind: .add(p), inputs: [a, b], outputs: [y]))

        case Op.concatenation:
            guard !op.inputs.isEmpty else { throw DSCError.unsupported(op: index, name: op.name, reason: "no inputs") }
            let opts = try options(op, index, S.Options.concatenation)
            let y = try output()
            let ins = try op.inputs.indices.map { try input($0, "input \($0 + 1)") }
            for x in ins { try requireSameQuantization(x, y, index, op) }
            if let a = try opts?.u8(1), a != 0 {
                throw DSCError.unsupported(op: index, name: op.name, reason: "fused activation on concatenation")
            }
            let rank = tensors[y].shape.count
            var axis = Int(try opts?.i32(0) ?? 0)
            if axis < 0 { axis += rank }
            guard axis >= 0 && axis < rank else { throw DSCError.unsupported(op: index, name: op.name, reason: "axis out of range for rank \(rank)") }
            operations.append(Operator(kind: .concatenation(axis: axis), inputs: ins, outputs: [y]))

        case Op.pad, Op.padV2:
            try requireInputs(op, index, 2...3)
            let x = try input(0, "input"), y = try output()
            try requireSameQuantization(x, y, index, op)
            let flat = try constantIntegers(op.inputs[1], op: index, role: "paddings")
            let rank = tensors[x].shape.count
            guard flat.count == 2 * rank else {
                throw DSCError.unsupported(op: index, name: op.name, reason: "\(flat.count) padding values for rank \(rank)")
            }
            let paddings = (0..<rank).map { (before: flat[2 * $0], after: flat[2 * $0 + 1]) }
            var value = try quantization(y, op: index).zeroPoint
            if op.code == Op.padV2 && op.inputs.count == 3 && op.inputs[2] >= 0 {
                let c = try input(2, "constant value")
                guard let d = tensors[c].data, d.count == 1 else {
                    throw DSCError.unsupported(op: index, name: op.name, reason: "the pad value must be one constant int8")
                }
                value = d.element(0, as: .int8)
            }
            operations.append(Operator(kind: .pad(PadParameters(paddings: paddings, value: value)), inputs: [x], outputs: [y]))

        case Op.reshape:
            try requireInputs(op, index, 1...2)
            let x = try input(0, "input"), y = try output()
            try requireSameQuantization(x, y, index, op)
            operations.append(Operator(kind: .reshape, inputs: [x], outputs: [y]))

        case Op.spaceToDepth:
            try requireInputs(op, index, 1...1)
            let opts = try options(op, index, S.Options.spaceToDepth)
            let x = try input(0, "input"), y = try output()
            try requireSameQuantization(x, y, index, op)
            let b = Int(try opts?.i32(0) ?? 0)
            guard b >= 1 else { throw DSCError.unsupported(op: index, name: op.name, reason: "block size \(b)") }
            operations.append(Operator(kind: .spaceToDepth(SpaceToDepthParameters(blockSize: b)), inputs: [x], outputs: [y]))

        case Op.softmax:
            try requireInputs(op, index, 1...1)
            let opts = try options(op, index, S.Options.softmax)
            let x = try input(0, "input"), y = try output()
            let (sIn, _) = try quantization(x, op: index)
            let (sOut, zOut) = try quantization(y, op: index)
            guard sOut == 1.0 / 256.0, zOut == -128 else {
                throw DSCError.unsupported(op: index, name: op.name, reason: "int8 softmax output must have scale 1/256 and zero point -128 (has \(sOut), \(zOut))")
            }
            let beta = try opts?.f32(0) ?? 0
            guard beta.isFinite, beta > 0 else { throw DSCError.unsupported(op: index, name: op.name, reason: "beta \(beta)") }
            let p = SoftmaxParameters(beta: beta, inputScale: sIn)
            operations.append(Operator(kind: .softmax(p), inputs: [x], outputs: [y]))

        default:
            throw DSCError.unsupported(op: index, name: op.name, reason: "DSCFlow does not implement this operator (supported: ADD, AVERAGE_POOL_2D, CONCATENATION, CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, MAX_POOL_2D, MEAN, PAD, PADV2, RESHAPE, SOFTMAX, SPACE_TO_DEPTH)")
        }
    }

    func requireSameQuantization(_ x: Int, _ y: Int, _ index: Int, _ op: RawOperator) throws {
        let a = try quantization(x, op: index), b = try quantization(y, op: index)
        guard a.scale == b.scale, a.zeroPoint == b.zeroPoint else {
            throw DSCError.unsupported(op: index, name: op.name, reason: "input '\(tensors[x].name)' (scale \(a.scale), zp \(a.zeroPoint)) and output (scale \(b.scale), zp \(b.zeroPoint)) are quantized differently; requantizing \(op.name) is not supported")
        }
    }
}
