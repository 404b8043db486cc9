/// Imports an ONNX model quantized to 8 bits (QDQ or QOperator format, as `onnxruntime.quantization`
/// writes them) into the IR, with ONNX Runtime's CPU arithmetic: what ONNX Runtime fuses at its default
/// optimisation level runs as its QLinear kernels compute it (`ORTFloatRequantizer`, `ORTAddParameters`,
/// ...), NCHW activations become NHWC, and the graph keeps its own inputs and outputs (float32 NCHW for a
/// QDQ model: the QuantizeLinear and DequantizeLinear at its edges run too). docs/ONNX.md lists the
/// operators and the arithmetic; anything else is rejected with one line naming the node.
public enum ONNXImporter {
    /// True when `bytes` start like an ONNX ModelProto (field 1, `ir_version`, as a varint: 0x08) and
    /// are not one of the other formats (checked before this).
    public static func recognizes(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x08 && bytes[1] >= 3 && bytes[1] < 0x80
    }

    /// The metadata key listing (one per line) the ONNX tensors whose IR tensor is NHWC.
    public static let nhwcTensorsKey = "onnx.nhwc_tensors"

    /// Parses, maps and validates an ONNX model whose bytes are `storage`.
    public static func importModel(_ storage: ByteStorage) throws(DSCError) -> Model {
        let proto = try ONNXModelProto.parse(storage.buffer)
        guard let graph = proto.graph else { throw DSCError.malformedModel("ONNX: the model has no graph") }
        var b = try ONNXGraphBuilder(graph: graph, bytes: storage.buffer, opset: proto.defaultOpset ?? 13)
        try b.build()
        var metadata = ["onnx.producer": proto.producer, "onnx.opset": String(proto.defaultOpset ?? 0)]
        metadata["onnx.layout"] = "inputs and outputs in the graph's own layout (NCHW for images)"
        // The ONNX tensors the IR holds as NHWC (their ONNX shape is NCHW), one name per line: for tools
        // that compare intermediate tensors with another runtime's.
        metadata[ONNXImporter.nhwcTensorsKey] = b.bound.filter { $0.value.layout == .nhwc }.map { $0.key }.sorted().joined(separator: "\n")
        return try Model(tensors: b.tensors, operations: b.operations, inputs: b.modelInputs, outputs: b.modelOutputs,
                         metadata: metadata, format: "onnx")
    }
}

/// How an ONNX tensor is laid out in its IR tensor.
enum ONNXLayout: Equatable {
    /// As ONNX has it.
    case onnx
    /// A rank-4 NCHW tensor stored NHWC.
    case nhwc
}

/// An 8-bit ONNX tensor and how it is quantized.
struct ONNXQuantized {
    var name: String
    var params: LinearQuantizationParameters
    /// The type in the file.
    var type: ElementType
}

/// The state of one import: the ONNX graph indexed, the IR built so far, and where each ONNX tensor is.
struct ONNXGraphBuilder {
    let graph: ONNXGraphProto
    let bytes: UnsafeRawBufferPointer
    let opset: Int64
    /// Initializers and Constant nodes' values.
    var constants: [String: ONNXTensorProto] = [:]
    /// The node writing each tensor.
    var producer: [String: Int] = [:]
    /// Every (node, input slot) reading each tensor.
    var uses: [String: [(node: Int, slot: Int)]] = [:]
    let graphOutputs: Set<String>
    let graphInputs: Set<String>

    // The IR.
    var tensors: [Tensor] = []
    var operations: [Operator] = []
    var modelInputs: [Int] = []
    var modelOutputs: [Int] = []
    /// Each ONNX tensor's IR tensor, its layout, and its quantization if it is 8-bit.
    var bound: [String: (index: Int, layout: ONNXLayout)] = [:]
    var quantization: [String: ONNXQuantized] = [:]
    /// Copies of a bound tensor in the other layout.
    var converted: [Int: Int] = [:]
    /// Nodes already handled as part of another node's group (QuantizeLinear after a computing node).
    var absorbed = Set<Int>()
    /// The node being imported, for messages.
    var current = -1

    init(graph: ONNXGraphProto, bytes: UnsafeRawBufferPointer, opset: Int64) throws(DSCError) {
        self.graph = graph
        self.bytes = bytes
        self.opset = opset
        graphOutputs = Set(graph.outputs.map { $0.name })
        var inits = Set<String>()
        for t in graph.initializers {
            if t.external { throw DSCError.unsupported(op: -1, name: "ONNX initializer '\(t.name)'", reason: "external data (edge models are one file)") }
            constants[t.name] = t
            inits.insert(t.name)
        }
        graphInputs = Set(graph.inputs.map { $0.name }.filter { !inits.contains($0) })
        for (i, n) in graph.nodes.enumerated() {
            if n.opType == "Constant" && (n.domain.isEmpty || n.domain == "ai.onnx") {
                guard let value = n.attribute("value")?.t, n.outputs.count == 1 else {
                    throw DSCError.unsupported(op: i, name: n.label, reason: "a Constant other than a tensor value")
                }
                var v = value
                v.name = n.outputs[0]
                constants[n.outputs[0]] = v
                continue
            }
            for o in n.outputs where !o.isEmpty {
                if producer[o] != nil || constants[o] != nil || graphInputs.contains(o) {
                    throw DSCError.malformedModel("ONNX: tensor '\(o)' is written twice (node \(n.label))")
                }
                producer[o] = i
            }
            for (slot, x) in n.inputs.enumerated() where !x.isEmpty {
                uses[x, default: []].append((i, slot))
            }
        }
        // Every input is a graph input, a constant or an earlier node's output (ONNX's topological order).
        for (i, n) in graph.nodes.enumerated() {
            for x in n.inputs where !x.isEmpty && constants[x] == nil && !graphInputs.contains(x) {
                guard let p = producer[x] else {
                    throw DSCError.malformedModel("ONNX node \(n.label): input '\(x)' is no graph input, initializer or node output")
                }
                if p >= i { throw DSCError.malformedModel("ONNX node \(n.label): input '\(x)' is written by a later node") }
            }
        }
    }

    // MARK: messages

    var node: ONNXNode { graph.nodes[current] }

    func unsupported(_ why: String) -> DSCError {
        .unsupported(op: current, name: "ONNX node \(node.label)", reason: why)
    }

    func malformed(_ why: String) -> DSCError {
        .malformedModel("ONNX node \(node.label): \(why)")
    }

    // MARK: the IR

    /// Appends an IR tensor and returns its index.
    mutating func addTensor(_ name: String, _ type: ElementType, _ shape: [Int], data: ConstantData? = nil) -> Int {
        tensors.append(Tensor(name: name, type: type, shape: shape, data: data))
        return tensors.count - 1
    }

    /// Appends an IR operator named after the current node.
    mutating func emit(_ kind: OperatorKind, _ inputs: [Int], _ output: Int) {
        operations.append(Operator(kind: kind, inputs: inputs, outputs: [output], name: kind.name))
    }

    /// Binds ONNX tensor `name` to IR tensor `index` in `layout`.
    mutating func bind(_ name: String, _ index: Int, _ layout: ONNXLayout, _ q: ONNXQuantized? = nil) {
        bound[name] = (index, layout)
        if let q { quantization[name] = q }
    }

    /// The ONNX shape of a bound tensor.
    func onnxShape(_ name: String) -> [Int]? {
        guard let b = bound[name] else { return nil }
        let s = tensors[b.index].shape
        return b.layout == .nhwc ? [s[0], s[3], s[1], s[2]] : s
    }

    /// The IR tensor holding ONNX tensor `name` in `layout` (a transposed copy is made once, when needed).
    mutating func tensor(_ name: String, _ layout: ONNXLayout) throws(DSCError) -> Int {
        guard let b = bound[name] else { throw unsupported("input '\(name)' is not an 8-bit tensor DSCFlow computed") }
        if b.layout == layout { return b.index }
        if let c = converted[b.index] { return c }
        let t = tensors[b.index]
        guard t.shape.count == 4 else { throw unsupported("'\(name)' of rank \(t.shape.count) has no NHWC form") }
        let toNHWC = layout == .nhwc
        let perm = toNHWC ? [0, 2, 3, 1] : [0, 3, 1, 2]
        let shape = perm.map { t.shape[$0] }
        let c = addTensor(name + (toNHWC ? "#nhwc" : "#nchw"), t.type, shape)
        // A layout change that moves no byte (one pixel, or one channel) is a copy.
        let channels = toNHWC ? t.shape[1] : t.shape[3], pixels = t.elementCount / max(t.shape[0] * channels, 1)
        emit(pixels == 1 || channels == 1 ? .reshape : .transpose(permutation: perm), [b.index], c)
        converted[b.index] = c
        return c
    }

    /// The IR tensor of an 8-bit ONNX tensor in its current layout, and that layout.
    func current(_ name: String) throws(DSCError) -> (index: Int, layout: ONNXLayout) {
        guard let b = bound[name] else { throw unsupported("input '\(name)' is not an 8-bit tensor DSCFlow computed") }
        return b
    }

    // MARK: the whole graph

    mutating func build() throws(DSCError) {
        for v in graph.inputs where graphInputs.contains(v.name) {
            try bindGraphInput(v)
        }
        for i in graph.nodes.indices {
            current = i
            let n = graph.nodes[i]
            if n.opType == "Constant" || absorbed.contains(i) { continue }
            try importNode(n)
        }
        current = -1
        for v in graph.outputs {
            guard let b = bound[v.name] else {
                throw DSCError.unsupported(op: -1, name: "ONNX output '\(v.name)'", reason: "not computed by any operator DSCFlow imported")
            }
            var index = b.index
            if b.layout == .nhwc { index = try tensor(v.name, .onnx) }
            modelOutputs.append(index)
        }
    }

    /// A graph input: float32 (a QDQ model, quantized by the QuantizeLinear after it) or 8-bit, with a
    /// static shape (a symbolic first dimension is taken as batch 1).
    mutating func bindGraphInput(_ v: ONNXValueInfo) throws(DSCError) {
        guard let dims = v.dims, !dims.isEmpty else {
            throw DSCError.unsupported(op: -1, name: "ONNX input '\(v.name)'", reason: "no shape")
        }
        var shape: [Int] = []
        for (k, d) in dims.enumerated() {
            if let d {
                guard d >= 1 && d <= 1 << 24 else {
                    throw DSCError.unsupported(op: -1, name: "ONNX input '\(v.name)'", reason: "dimension \(d)")
                }
                shape.append(Int(d))
            } else if k == 0 {
                shape.append(1)
            } else {
                throw DSCError.unsupported(op: -1, name: "ONNX input '\(v.name)'", reason: "symbolic dimension \(k); DSCFlow needs static shapes")
            }
        }
        let type: ElementType
        switch v.elementType {
        case ONNXSchema.DataType.float: type = .float32
        case ONNXSchema.DataType.uint8: type = .uint8
        case ONNXSchema.DataType.int8: type = .int8
        default:
            throw DSCError.unsupported(op: -1, name: "ONNX input '\(v.name)'", reason: "type \(ONNXSchema.DataType.name(v.elementType))")
        }
        let t = addTensor(v.name, type, shape)
        modelInputs.append(t)
        bound[v.name] = (t, .onnx)
    }
}
