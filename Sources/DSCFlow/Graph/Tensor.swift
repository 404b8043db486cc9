/// A tensor of the graph: NHWC layout, C order. Constant tensors (weights, biases) carry `data`;
/// activations get their bytes from the session's arena.
public struct Tensor: Sendable {
    /// The name from the model file (for messages and dumps).
    public var name: String
    /// Element type.
    public var type: ElementType
    /// Dimensions (NHWC for 4-D activations), each ≥ 1.
    public var shape: [Int]
    /// How its integers map to reals (nil: not quantized, e.g. an int32 index tensor).
    public var quantization: Quantization?
    /// The bytes of a constant tensor (nil for activations).
    public var data: ConstantData?

    /// A tensor; give `data` for a constant.
    public init(name: String, type: ElementType, shape: [Int], quantization: Quantization? = nil,
                data: ConstantData? = nil) {
        self.name = name
        self.type = type
        self.shape = shape
        self.quantization = quantization
        self.data = data
    }

    /// True for weights, biases and other constants.
    public var isConstant: Bool { data != nil }

    /// Number of elements. Only meaningful once the model has validated the shape (no overflow).
    public var elementCount: Int { shape.reduce(1, &*) }
    /// Number of bytes. Only meaningful once the model has validated the shape (no overflow).
    public var byteCount: Int { elementCount &* type.byteSize }

    /// "int8[1,96,96,1]"
    public var signature: String {
        "\(type.name)[\(shape.map(String.init).joined(separator: ","))]"
    }
}
