/// The element types a DSCFlow tensor can hold.
public enum ElementType: UInt8, Sendable, CaseIterable {
    case int8 = 1
    case uint8 = 2
    case int16 = 3
    case int32 = 4
    /// IEEE-754 binary32: the float inputs and outputs of ONNX QDQ models (QuantizeLinear /
    /// DequantizeLinear at the graph's edges). No integer kernel takes it.
    case float32 = 16

    /// Bytes per element.
    @inlinable public var byteSize: Int {
        switch self {
        case .int8, .uint8: return 1
        case .int16: return 2
        case .int32, .float32: return 4
        }
    }

    /// Lowest and highest representable value.
    @inlinable public var range: ClosedRange<Int32> {
        switch self {
        case .int8: return -128...127
        case .uint8: return 0...255
        case .int16: return -32768...32767
        case .int32, .float32: return Int32.min...Int32.max
        }
    }

    /// The type's name in messages and signatures ("int8").
    public var name: String {
        switch self {
        case .int8: return "int8"
        case .uint8: return "uint8"
        case .int16: return "int16"
        case .int32: return "int32"
        case .float32: return "float32"
        }
    }
}
