/// Bytes that constant tensors point into. Either owned (allocated and freed by DSCFlow, 64-byte
/// aligned) or borrowed from the caller (a model loaded in place from flash or a mapped file: the
/// caller keeps the memory alive and unchanged for as long as the model lives).
public final class ByteStorage: @unchecked Sendable {
    /// The first byte.
    public let base: UnsafeRawPointer
    /// The number of bytes.
    public let count: Int
    private let owned: Bool

    /// Allocates `count` zeroed bytes, 64-byte aligned.
    public init(zeroedCount count: Int) {
        let p = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1), alignment: 64)
        p.initializeMemory(as: UInt8.self, repeating: 0, count: max(count, 1))
        self.base = UnsafeRawPointer(p)
        self.count = count
        self.owned = true
    }

    /// Copies `bytes` into owned storage.
    public convenience init(copying bytes: UnsafeRawBufferPointer) {
        self.init(zeroedCount: bytes.count)
        if let src = bytes.baseAddress, bytes.count > 0 {
            UnsafeMutableRawPointer(mutating: base).copyMemory(from: src, byteCount: bytes.count)
        }
    }

    /// Wraps caller memory without copying. The caller guarantees lifetime and immutability.
    public init(borrowing bytes: UnsafeRawBufferPointer) {
        self.base = bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 64)!
        self.count = bytes.baseAddress == nil ? 0 : bytes.count
        self.owned = false
    }

    deinit {
        if owned { UnsafeMutableRawPointer(mutating: base).deallocate() }
    }

    /// All the bytes.
    public var buffer: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }
    /// True when the bytes belong to the caller (loaded in place), not to DSCFlow.
    public var isBorrowed: Bool { !owned }
}

/// A constant tensor's bytes: a range inside a `ByteStorage`.
public struct ConstantData: @unchecked Sendable {
    /// The bytes the data lies in (kept alive by this reference).
    public let storage: ByteStorage
    /// Where the data starts in `storage`.
    public let offset: Int
    /// The data's length in bytes.
    public let count: Int

    /// `offset ..< offset + count` must lie inside `storage` (checked by whoever builds it).
    public init(storage: ByteStorage, offset: Int, count: Int) {
        self.storage = storage
        self.offset = offset
        self.count = count
    }

    /// New owned storage holding exactly these bytes.
    public init(bytes: [UInt8]) {
        let s = bytes.withUnsafeBytes { ByteStorage(copying: $0) }
        self.init(storage: s, offset: 0, count: bytes.count)
    }

    /// The data's first byte.
    public var pointer: UnsafeRawPointer { storage.base + offset }
    /// The data's bytes.
    public var buffer: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: pointer, count: count) }

    /// Reads element `i` as a little-endian value of `type`, sign- or zero-extended to Int32.
    @inlinable public func element(_ i: Int, as type: ElementType) -> Int32 {
        switch type {
        case .int8, .int4: return Int32(pointer.load(fromByteOffset: i, as: Int8.self))
        case .uint8, .uint4: return Int32(pointer.load(fromByteOffset: i, as: UInt8.self))
        case .int16: return Int32(Int16(littleEndian: pointer.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self)))
        case .int32: return Int32(littleEndian: pointer.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self))
        }
    }
}
