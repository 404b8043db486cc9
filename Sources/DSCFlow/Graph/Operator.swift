/// What an operator computes, with every parameter the kernels need already decided at load time.
public enum OperatorKind: Sendable {
    case conv2D(ConvolutionParameters)
    case depthwiseConv2D(ConvolutionParameters)
    case fullyConnected(FullyConnectedParameters)
    case averagePool2D(PoolParameters)
    case maxPool2D(PoolParameters)
    case mean(MeanParameters)
    case add(AddParameters)
    /// Concatenation along `axis` (inputs and output share quantization: a byte copy).
    case concatenation(axis: Int)
    case pad(PadParameters)
    /// Same bytes, new shape (the output tensor's).
    case reshape
    case spaceToDepth(SpaceToDepthParameters)
    case softmax(SoftmaxParameters)
    /// Float32 to 8 bits (ONNX QuantizeLinear, ONNX Runtime's arithmetic).
    case quantize(LinearQuantizationParameters)
    /// 8 bits to float32 (ONNX DequantizeLinear).
    case dequantize(LinearQuantizationParameters)
    /// Permutes the dimensions (any element size): output dimension d is input dimension permutation[d].
    case transpose(permutation: [Int])
    /// ONNX Runtime's QLinearAdd of two same-shape 8-bit tensors.
    case ortAdd(ORTAddParameters)
    /// ONNX Runtime's QLinearAveragePool (float path).
    case ortAveragePool(ORTAveragePoolParameters)
    /// ONNX Runtime's QLinearGlobalAveragePool over H and W of an NHWC tensor.
    case ortGlobalAveragePool(ORTGlobalAveragePoolParameters)
    /// A byte-to-byte table.
    case lookupTable(LookupTableParameters)
    /// ONNX Runtime's QLinearSoftmax over the last axis.
    case ortSoftmax(ORTSoftmaxParameters)
    /// A QDQ Conv ONNX Runtime runs in float32 (DequantizeLinear, MLAS NCHWc Conv, QuantizeLinear).
    case ortFloatConv(ORTFloatConvParameters)
    /// ONNX Runtime's float32 AveragePool / MaxPool (MLAS) on an NHWC float32 tensor.
    case ortFloatPool(ORTFloatPoolParameters)
    /// Bilinear resize with tabulated integer weights (UltraNet's on-chip resize).
    case resizeBilinear(ResizeBilinearParameters)

    /// The TFLite builtin name, used for dumps (`opNNN_<NAME>.bin`) and messages.
    public var name: String {
        switch self {
        case .conv2D: return "CONV_2D"
        case .depthwiseConv2D: return "DEPTHWISE_CONV_2D"
        case .fullyConnected: return "FULLY_CONNECTED"
        case .averagePool2D: return "AVERAGE_POOL_2D"
        case .maxPool2D: return "MAX_POOL_2D"
        case .mean: return "MEAN"
        case .add: return "ADD"
        case .concatenation: return "CONCATENATION"
        case .pad: return "PAD"
        case .reshape: return "RESHAPE"
        case .spaceToDepth: return "SPACE_TO_DEPTH"
        case .softmax: return "SOFTMAX"
        case .quantize: return "QUANTIZE"
        case .dequantize: return "DEQUANTIZE"
        case .transpose: return "TRANSPOSE"
        case .ortAdd: return "QLINEAR_ADD"
        case .ortAveragePool: return "QLINEAR_AVERAGE_POOL"
        case .ortGlobalAveragePool: return "QLINEAR_GLOBAL_AVERAGE_POOL"
        case .lookupTable: return "LOOKUP_TABLE"
        case .ortSoftmax: return "QLINEAR_SOFTMAX"
        case .ortFloatConv: return "FLOAT_CONV"
        case .ortFloatPool(let p): return p.maximum ? "FLOAT_MAX_POOL" : "FLOAT_AVERAGE_POOL"
        case .resizeBilinear: return "RESIZE_BILINEAR"
        }
    }
}

/// One node of the graph: its kind and the tensors it reads and writes (indices into `Model.tensors`).
public struct Operator: Sendable {
    /// What the operator computes, with its parameters.
    public var kind: OperatorKind
    /// The tensors it reads (indices into `Model.tensors`; constants included).
    public var inputs: [Int]
    /// The tensor it writes (exactly one).
    public var outputs: [Int]
    /// The name used for dumps; defaults to the kind's TFLite builtin name.
    public var name: String

    /// An operator; `name` defaults to the kind's TFLite builtin name.
    public init(kind: OperatorKind, inputs: [Int], outputs: [Int], name: String? = nil) {
        self.kind = kind
        self.inputs = inputs
        self.outputs = outputs
        self.name = name ?? kind.name
    }
}
