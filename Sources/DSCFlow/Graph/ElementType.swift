/// The element types a DSCFlow tensor can hold.
///
/// The 4-bit types hold one value per byte in memory (the arena and loaded constants): `int4`
/// sign-extended (−8…7), `uint4` zero-extended (0…15), so every kernel reads them as bytes. A `.dscm`
/// file stores 4-bit constants packed, two per byte (`SubBytePacking`; docs/FORMAT.md).
public enum ElementType: UInt8, Sendable, CaseIterable {
    case int8 = 1
    case uint8 = 2
    case int16 = 3
    case int32 = 4
    /// A 4-bit two's complement value (UltraNet's weights), one per byte in memory.
    case int4 = 5
    /// A 4-bit unsigned value (UltraNet's activations), one per byte in memory.
    case uint4 = 6

    /// Bytes per element in memory (the 4-bit types take a whole byte).
    @inlinable public var byteSize: Int {
        switch self {
        case .int8, .uint8, .int4, .uint4: return 1
        case .int16: return 2
        case .int32: return 4
        }
    }

    /// Bits of information per element (4 for the sub-byte types).
    @inlinable public var bitWidth: Int {
        switch self {
        case .int4, .uint4: return 4
        default: return byteSize * 8
        }
    }

    /// True for types narrower than a byte, whose values lie in `range` but take a byte in memory.
    @inlinable public var isSubByte: Bool { bitWidth < 8 }

    /// True for the types without negative values (uint8, uint4).
    @inlinable public var isUnsigned: Bool { range.lowerBound == 0 }

    /// Lowest and highest representable value.
    @inlinable public var range: ClosedRange<Int32> {
        switch self {
        case .int8: return -128...127
        case .uint8: return 0...255
        case .int16: return -32768...32767
        case .int32: return Int32.min...Int32.max
        case .int4: return -8...7
        case .uint4: return 0...15
        }
    }

    /// The type's name in messages and signatures ("int8").
    public var name: String {
        switch self {
        case .int8: return "int8"
        case .uint8: return "uint8"
        case .int16: return "int16"
        case .int32: return "int32"
        case .int4: return "int4"
        case .uint4: return "uint4"
        }
    }
}
