import CDSCFlowSupport

/// Bytes that constant tensors point into. Either owned (allocated and freed by DSCFlow, 64-byte
/// aligned) or borrowed from the caller (a model loaded in place from flash or a mapped file: the
/// caller keeps the memory alive and unchanged for as long as the model lives).
public final class ByteStorage: @unchecked Sendable {
    /// The first byte.
    public let base: UnsafeRawPointer
    /// The number of bytes.
    public let count: Int
    private enum Owner { case borrowed, allocated, swift }
    private let owner: Owner

    /// Allocates `count` bytes, 64-byte aligned (zeroed when `zeroed`), or throws
    /// `DSCError.outOfMemory` when the memory is not available: never a trap, whatever the size.
    init(allocating count: Int, zeroed: Bool) throws(DSCError) {
        guard count >= 0, let p = dsc_aligned_alloc(count, 64, zeroed ? 1 : 0) else {
            throw DSCError.outOfMemory("cannot allocate \(count) bytes")
        }
        self.base = UnsafeRawPointer(p)
        self.count = count
        self.owner = .allocated
    }

    /// Allocates `count` zeroed bytes, 64-byte aligned, or throws `DSCError.outOfMemory`.
    public convenience init(zeroedCount count: Int) throws(DSCError) {
        try self.init(allocating: count, zeroed: true)
    }

    /// Copies `bytes` into owned storage, or throws `DSCError.outOfMemory`.
    public convenience init(copying bytes: UnsafeRawBufferPointer) throws(DSCError) {
        try self.init(allocating: bytes.count, zeroed: false)
        if let src = bytes.baseAddress, bytes.count > 0 {
            UnsafeMutableRawPointer(mutating: base).copyMemory(from: src, byteCount: bytes.count)
        }
    }

    /// Copies bytes a model builder already holds in a Swift array (so memory for that many bytes
    /// existed a moment ago); file and C API input never comes this way.
    fileprivate init(copyingArray bytes: [UInt8]) {
        let p = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: 64)
        bytes.withUnsafeBytes { if let src = $0.baseAddress { p.copyMemory(from: src, byteCount: $0.count) } }
        self.base = UnsafeRawPointer(p)
        self.count = bytes.count
        self.owner = .swift
    }

    /// Wraps caller memory without copying. The caller guarantees lifetime and immutability.
    public init(borrowing bytes: UnsafeRawBufferPointer) {
        self.base = bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 64)!
        self.count = bytes.baseAddress == nil ? 0 : bytes.count
        self.owner = .borrowed
    }

    deinit {
        switch owner {
        case .borrowed: break
        case .allocated: dsc_aligned_free(UnsafeMutableRawPointer(mutating: base))
        case .swift: UnsafeMutableRawPointer(mutating: base).deallocate()
        }
    }

    /// All the bytes.
    public var buffer: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }
    /// True when the bytes belong to the caller (loaded in place), not to DSCFlow.
    public var isBorrowed: Bool { owner == .borrowed }
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
        self.init(storage: ByteStorage(copyingArray: bytes), offset: 0, count: bytes.count)
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
        case .int32, .float32: return Int32(littleEndian: pointer.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self))
        }
    }
}
