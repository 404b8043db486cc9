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

    /// Decodes PNG or JPEG bytes to an 8-bit gray, RGB or RGBA image. `sizeSeen`, if given, receives the
    /// image's width, height and channels as soon as its header is read (also when decoding fails later).
    public static func decode(_ bytes: UnsafeRawBufferPointer, name: String = "image",
                              sizeSeen: ((_ width: Int, _ height: Int, _ channels: Int) -> Void)? = nil) throws -> Image {
        switch format(of: bytes) {
        case .png: return try PNGCodec.decode(bytes, name: name, sizeSeen: sizeSeen)
        case .jpeg: return try JPEGCodec.decode(bytes, name: name, sizeSeen: sizeSeen)
        case nil: throw signatureError(name)
        }
    }

    private static func signatureError(_ name: String) -> DSCError {
        DSCError.io(path: name, reason: "not a PNG or JPEG file (unknown signature)")
    }

    /// Reads and decodes a PNG or JPEG file: a file above `Image.maxFileBytes`, or whose first bytes are
    /// neither format's signature, is refused before the file is read (see `ByteStorage(contentsOfFile:)`).
    public static func read(path: String, sizeSeen: ((_ width: Int, _ height: Int, _ channels: Int) -> Void)? = nil) throws -> Image {
        let storage = try Image.readFile(path) { format(of: $0) == nil ? signatureError(path) : nil }
        return try decode(storage.buffer, name: path, sizeSeen: sizeSeen)
    }
}

extension String {
    /// A C library's message as DSCFlow writes its own: the first word in lower case unless it is an
    /// acronym or a name with more capitals ("Not a PNG file" → "not a PNG file"; "IHDR: CRC error" and
    /// "JPEG datastream ..." stay as they are).
    var withLowercaseFirstWord: String {
        let chars = Array(self)
        guard chars.count >= 2, chars[0].isUppercase, chars[1].isLowercase else { return self }
        return chars[0].lowercased() + String(chars.dropFirst())
    }
}
