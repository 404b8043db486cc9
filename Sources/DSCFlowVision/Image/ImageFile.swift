import DSCFlow
/// Image files of the formats DSCFlow reads, told apart by their first bytes (not their names):
/// PNG (`PNGCodec`) and JPEG (`JPEGCodec`, decoded as Pillow decodes it by default).
public enum ImageFile {
    /// The formats `decode` recognises.
    public enum Format: String, Sendable, Equatable {
        case png, jpeg
    }

    /// The format of `bytes`, or nil when they are neither PNG nor JPEG.
    public static func format(of bytes: UnsafeRawBufferPointer) -> Format? {
        if PNGCodec.isPNG(bytes) { return .png }
        if JPEGCodec.isJPEG(bytes) { return .jpeg }
        return nil
    }

    /// Decodes PNG or JPEG bytes to an 8-bit gray, RGB or RGBA image.
    public static func decode(_ bytes: UnsafeRawBufferPointer, name: String = "image") throws -> Image {
        switch format(of: bytes) {
        case .png: return try PNGCodec.decode(bytes, name: name)
        case .jpeg: return try JPEGCodec.decode(bytes, name: name)
        case nil: throw DSCError.io(path: name, reason: "not a PNG or JPEG file (unknown signature)")
        }
    }

    /// Reads and decodes a PNG or JPEG file.
    public static func read(path: String) throws -> Image {
        let storage = try ByteStorage(contentsOfFile: path)
        return try decode(storage.buffer, name: path)
    }
}
