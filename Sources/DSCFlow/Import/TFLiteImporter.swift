/// Turns a `.tflite` file (FlatBuffers, schema version 3, one subgraph, fully int8) into the IR.
/// Everything the kernels need is computed here once: requantization multipliers, activation ranges,
/// resolved padding (each operator's part in its file under `Operators/`, through
/// `OperatorRegistry.importTFLite`). Anything DSCFlow cannot represent is rejected with the operator,
/// its index and the reason.
public enum TFLiteImporter {
    /// True if `bytes` carry the TFLite file identifier "TFL3".
    public static func recognizes(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 8 && bytes[4] == 0x54 && bytes[5] == 0x46 && bytes[6] == 0x4C && bytes[7] == 0x33
    }

    /// Imports the model held in `storage`. Constant tensors point into `storage` (no copy).
    public static func importModel(_ storage: ByteStorage) throws(DSCError) -> Model {
        var reader = try TFLiteOperatorReader(storage: storage)
        return try reader.run()
    }
}

/// A TFLite tensor as stored in the file, before conversion.
struct TFLiteRawTensor {
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

/// A TFLite operator as stored in the file, before conversion.
struct TFLiteRawOperator {
    var code: Int32
    var name: String
    var inputs: [Int32]
    var outputs: [Int32]
    var optionsType: UInt8
    var options: FlatBufferReader.Table?
}

/// Reads a TFLite file and converts its tensors; while operator `index` (`raw`) is converted, the
/// helpers of `TFLiteOperatorReader+Operator.swift` read that operator's inputs, outputs and options.
struct TFLiteOperatorReader {
    let storage: ByteStorage
    let fb: FlatBufferReader
    var rawTensors: [TFLiteRawTensor] = []
    var bufferData: [(offset: Int, count: Int)] = []
    var rawOperators: [TFLiteRawOperator] = []
    var graphInputs: [Int32] = []
    var graphOutputs: [Int32] = []
    var metadata: [String: String] = [:]

    var tensors: [Tensor] = []
    var irIndex: [Int: Int] = [:]
    var operations: [Operator] = []
    /// The operator being converted.
    var index = 0
    var raw = TFLiteRawOperator(code: 0, name: "", inputs: [], outputs: [], optionsType: 0, options: nil)

    init(storage: ByteStorage) throws(DSCError) {
        self.storage = storage
        self.fb = FlatBufferReader(storage.buffer, what: "TFLite model")
        guard storage.count >= 8 else { throw DSCError.malformedModel("TFLite model: \(storage.count) bytes is too short") }
        guard TFLiteImporter.recognizes(storage.buffer) else {
            throw DSCError.malformedModel("not a TFLite model (no \"TFL3\" identifier at byte 4)")
        }
    }

    mutating func run() throws(DSCError) -> Model {
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
            var raw = TFLiteRawTensor(name: try t.string(S.TensorField.name) ?? "", typeCode: try t.u8(S.TensorField.type),
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
            rawOperators.append(TFLiteRawOperator(code: opcodes[idx].0, name: opcodes[idx].1,
                                            inputs: try op.int32s(S.OperatorField.inputs),
                                            outputs: try op.int32s(S.OperatorField.outputs),
                                            optionsType: try op.u8(S.OperatorField.builtinOptionsType),
                                            options: try op.table(S.OperatorField.builtinOptions)))
        }

        let inputs = try graphInputs.map { (t) throws(DSCError) in try tensor(Int(t), op: -1, role: "model input") }
        for (i, op) in rawOperators.enumerated() {
            index = i
            raw = op
            guard var converted = try OperatorRegistry.importTFLite(&self) else {
                throw DSCError.unsupported(op: i, name: op.name, reason: "DSCFlow does not implement this operator (supported: \(OperatorRegistry.tfliteBuiltins))")
            }
            // Keep the file's operator name (PADV2 stays PADV2) so dumps match TFLite's naming.
            converted.name = op.name
            operations.append(converted)
        }
        let outputs = try graphOutputs.map { (t) throws(DSCError) in try tensor(Int(t), op: -1, role: "model output") }
        var md = metadata
        md["source.format"] = "tflite"
        return try Model(tensors: tensors, operations: operations, inputs: inputs, outputs: outputs,
                         metadata: md, format: "tflite")
    }

    // MARK: tensors

    func rawTensor(_ t: Int, op: Int, name: String) throws(DSCError) -> TFLiteRawTensor {
        guard t >= 0 && t < rawTensors.count else {
            throw DSCError.malformedModel("TFLite model: operator \(op) (\(name)) refers to tensor \(t); the subgraph has \(rawTensors.count)")
        }
        return rawTensors[t]
    }

    func constantBytes(_ raw: TFLiteRawTensor) throws(DSCError) -> (offset: Int, count: Int)? {
        guard raw.buffer != 0 else { return nil }
        guard raw.buffer < bufferData.count else {
            throw DSCError.malformedModel("TFLite model: tensor '\(raw.name)' uses buffer \(raw.buffer); the model has \(bufferData.count)")
        }
        let d = bufferData[raw.buffer]
        return d.count > 0 ? d : nil
    }

    func shape(_ raw: TFLiteRawTensor, op: Int) throws(DSCError) -> [Int] {
        try raw.shape.map { (d) throws(DSCError) -> Int in
            guard d >= 1 else { throw DSCError.invalidTensor(op: op, tensor: raw.name, reason: "dimension \(d) in shape \(raw.shape)") }
            return Int(d)
        }
    }

    /// The IR index of TFLite tensor `t`, converting it on first use.
    mutating func tensor(_ t: Int, op: Int, role: String, allowPerChannel: Bool = false,
                         elementType: ElementType = .int8) throws(DSCError) -> Int {
        if let i = irIndex[t] { return i }
        let opName = op >= 0 ? rawOperators[op].name : "model"
        let raw = try rawTensor(t, op: op, name: opName)
        let expectedCode: UInt8
        switch elementType {
        case .int8: expectedCode = TFLiteSchema.int8Type
        case .uint8: expectedCode = TFLiteSchema.uint8Type
        case .int16: expectedCode = TFLiteSchema.int16Type
        case .int32: expectedCode = TFLiteSchema.int32Type
        case .float32: expectedCode = 0  // TFLite FLOAT32; no TFLite operator DSCFlow imports asks for it
        // The TFLite importer never asks for a 4-bit IR tensor (no code matches).
        case .int4, .uint4: expectedCode = UInt8.max
        }
        guard raw.typeCode == expectedCode else {
            let found = TFLiteSchema.typeNames[Int(raw.typeCode)] ?? "type \(raw.typeCode)"
            // The schema's own spelling (INT8): no String.uppercased(), whose case-mapping tables would
            // cost the Embedded build 17 KB of flash (docs/EMBEDDED.md).
            let expected = TFLiteSchema.typeNames[Int(expectedCode)] ?? elementType.name
            if op >= 0 {
                throw DSCError.unsupported(op: op, name: opName, reason: "\(role) '\(raw.name)' is \(found); DSCFlow runs fully-int8 models (expected \(expected))")
            }
            throw DSCError.unsupported(op: -1, name: role, reason: "'\(raw.name)' is \(found); DSCFlow runs fully-int8 models (expected \(expected))")
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
            let zps = try raw.zeroPoints.map { (z) throws(DSCError) -> Int32 in
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
    func quantization(_ i: Int, op: Int) throws(DSCError) -> (scale: Float, zeroPoint: Int32) {
        guard let q = tensors[i].quantization else {
            throw DSCError.unsupported(op: op, name: rawOperators[op].name, reason: "tensor '\(tensors[i].name)' has no quantization parameters")
        }
        return (q.scale, q.zeroPoint)
    }

    /// Reads a small constant int32/int64 tensor (axes, paddings, shapes).
    func constantIntegers(_ t: Int32, op: Int, role: String) throws(DSCError) -> [Int] {
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
        return try (0..<(d.count / size)).map { (k) throws(DSCError) in
            let v: Int64 = size == 4 ? Int64(try fb.i32(d.offset + 4 * k)) : try fb.i64(d.offset + 8 * k)
            guard abs(v) < (1 << 31) else { throw DSCError.invalidTensor(op: op, tensor: raw.name, reason: "value \(v) out of range") }
            return Int(v)
        }
    }
}
