/// A tensor of the graph: NHWC layout, C order. Constant tensors (weights, biases) carry `data`;
/// activations get their bytes from the session's arena.
public struct Tensor: Sendable {
    public var name: String
    public var type: ElementType
    public var shape: [Int]
    public var quantization: Quantization?
    public var data: ConstantData?

    public init(name: String, type: ElementType, shape: [Int], quantization: Quantization? = nil,
                data: ConstantData? = nil) {
        self.name = name
        self.type = type
        self.shape = shape
        self.quantization = quantization
        self.data = data
    }

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
