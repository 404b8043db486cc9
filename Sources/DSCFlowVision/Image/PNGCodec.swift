import CPNG
import DSCFlow

/// PNG reading and writing through the system libpng's simplified `png_image_*` API.
/// 16-bit and palette images are converted to 8 bits; gray+alpha becomes RGBA. Corrupt, truncated
/// or oversized files give a `DSCError`, never a crash.
public enum PNGCodec {
    /// The 8 bytes every PNG file starts with.
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// True when `bytes` start with the PNG signature.
    public static func isPNG(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 8 && (0..<8).allSatisfy { bytes[$0] == signature[$0] }
    }

    /// The error for bytes that do not start like a PNG file, or nil when they do.
    static func signatureError(_ bytes: UnsafeRawBufferPointer, name: String) -> DSCError? {
        if bytes.count < 8 { return DSCError.io(path: name, reason: "not a PNG file (\(bytes.count) bytes)") }
        return isPNG(bytes) ? nil : DSCError.io(path: name, reason: "not a PNG file (bad signature)")
    }

    /// The error for the first chunk whose declared length runs past the end of `bytes` (its data and
    /// CRC), or nil when every chunk up to IEND, or up to the end of the bytes, fits. libpng 1.6.39
    /// allocates a text chunk's declared length before it finds the data missing: a 200-byte file
    /// declaring a 2 GB zTXt made it ask for 2 GB (found by `fuzz-png` on an instrumented libpng).
    package static func chunkError(_ bytes: UnsafeRawBufferPointer, name: String) -> DSCError? {
        var offset = 8
        while bytes.count - offset >= 8 {
            var length = 0
            for i in 0..<4 { length = length << 8 | Int(bytes[offset + i]) }
            let type = (4..<8).map { i -> String in
                let b = bytes[offset + i]
                return (0x21...0x7E).contains(b) ? String(UnicodeScalar(b)) : "\\x" + String(b, radix: 16)
            }.joined()
            if type == "IEND" { return nil }
            let follow = bytes.count - offset - 8
            guard length <= 0x7FFF_FFFF, length + 4 <= follow else {
                return DSCError.io(path: name, reason: "corrupt PNG: chunk '\(type)' at byte \(offset) declares \(length) bytes "
                                   + "of data (+4 of CRC), but only \(follow) follow its header")
            }
            offset += 12 + length
        }
        return nil
    }

    /// Decodes PNG bytes to an 8-bit gray, RGB or RGBA image (the file's own colour model).
    /// `sizeSeen`, if given, receives the width, height and channels of the decoded image as soon as
    /// the header is read (before the size limits are checked), also when decoding fails later.
    public static func decode(_ bytes: UnsafeRawBufferPointer, name: String = "PNG",
                              sizeSeen: ((_ width: Int, _ height: Int, _ channels: Int) -> Void)? = nil) throws -> Image {
        if let e = signatureError(bytes, name: name) ?? chunkError(bytes, name: name) { throw e }
        guard let base = bytes.baseAddress else { throw DSCError.io(path: name, reason: "not a PNG file (0 bytes)") }
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        defer { png_image_free(&image) }
        guard png_image_begin_read_from_memory(&image, base, bytes.count) != 0 else {
            throw DSCError.io(path: name, reason: "invalid PNG: \(message(&image))")
        }
        let hasColor = image.format & UInt32(PNG_FORMAT_FLAG_COLOR) != 0
        let hasAlpha = image.format & UInt32(PNG_FORMAT_FLAG_ALPHA) != 0
        let channels = hasAlpha ? 4 : (hasColor ? 3 : 1)
        image.format = hasAlpha ? DSC_PNG_FORMAT_RGBA : (hasColor ? DSC_PNG_FORMAT_RGB : DSC_PNG_FORMAT_GRAY)
        // 16-bit files without gAMA/sRGB: take the samples as sRGB-encoded (8-bit = round(v/257), what
        // image tools and ML pipelines do), not as linear light (libpng's default would gamma-encode them).
        image.flags |= UInt32(PNG_IMAGE_FLAG_16BIT_sRGB)
        let width = Int(image.width), height = Int(image.height)
        sizeSeen?(width, height, channels)
        guard width >= 1, height >= 1, width <= 1 << 16, height <= 1 << 16 else {
            throw DSCError.io(path: name, reason: "PNG of \(width)×\(height) pixels is outside 1…65536 per side")
        }
        try Image.checkDeclaredSize(width, height, channels, file: name)
        var out = try Image(width: width, height: height, channels: channels)
        let ok = out.pixels.withUnsafeMutableBytes { dst in
            png_image_finish_read(&image, nil, dst.baseAddress, Int32(width * channels), nil)
        }
        guard ok != 0 else {
            throw DSCError.io(path: name, reason: "corrupt PNG: \(message(&image))")
        }
        return out
    }

    /// Reads and decodes a PNG file: a file above `Image.maxFileBytes`, or whose first bytes are not a
    /// PNG signature, is refused before the file is read (see `ByteStorage(contentsOfFile:)`).
    public static func read(path: String, sizeSeen: ((_ width: Int, _ height: Int, _ channels: Int) -> Void)? = nil) throws -> Image {
        let storage = try Image.readFile(path) { signatureError($0, name: path) }
        return try decode(storage.buffer, name: path, sizeSeen: sizeSeen)
    }

    /// Encodes an image as PNG bytes.
    public static func encode(_ img: Image) throws -> [UInt8] {
        guard img.pixels.count == img.width * img.height * img.channels, [1, 3, 4].contains(img.channels) else {
            throw DSCError.invalidArgument("inconsistent image \(img.width)×\(img.height)×\(img.channels)")
        }
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(img.width)
        image.height = UInt32(img.height)
        image.format = img.channels == 4 ? DSC_PNG_FORMAT_RGBA : (img.channels == 3 ? DSC_PNG_FORMAT_RGB : DSC_PNG_FORMAT_GRAY)
        defer { png_image_free(&image) }
        var size: Int = 0
        let stride = Int32(img.width * img.channels)
        let probe = img.pixels.withUnsafeBytes { src in
            png_image_write_to_memory(&image, nil, &size, 0, src.baseAddress, stride, nil)
        }
        guard probe != 0, size > 0 else { throw DSCError.io(path: "PNG", reason: "cannot encode: \(message(&image))") }
        var out = [UInt8](repeating: 0, count: size)
        let ok = out.withUnsafeMutableBytes { dst in
            img.pixels.withUnsafeBytes { src in
                png_image_write_to_memory(&image, dst.baseAddress, &size, 0, src.baseAddress, stride, nil)
            }
        }
        guard ok != 0 else { throw DSCError.io(path: "PNG", reason: "cannot encode: \(message(&image))") }
        return Array(out.prefix(size))
    }

    /// Encodes and writes a PNG file.
    public static func write(_ img: Image, path: String) throws {
        let bytes = try encode(img)
        try bytes.withUnsafeBytes { try writeBytes($0, to: path) }
    }

    private static func message(_ image: inout png_image) -> String {
        withUnsafeBytes(of: &image.message) { raw in
            let bytes = raw.prefix { $0 != 0 }
            return bytes.isEmpty ? "unknown libpng error" : String(decoding: bytes, as: UTF8.self).withLowercaseFirstWord
        }
    }
}
