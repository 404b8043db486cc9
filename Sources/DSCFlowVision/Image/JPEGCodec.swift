import CTurboJPEG
import DSCFlow

/// JPEG decoding through the system libjpeg-turbo (TurboJPEG API) with Pillow's default decode:
/// accurate integer IDCT (islow), fancy (smooth) chroma upsampling, no scaling. A JPEG therefore
/// gives exactly the pixels `numpy.asarray(PIL.Image.open(path))` gives (gray files stay gray, every
/// other colour JPEG becomes RGB).
///
/// EXIF orientation is ignored, as Pillow's `Image.open` ignores it (only `ImageOps.exif_transpose`
/// applies it): the pixels are in the order they are stored. CMYK and YCCK JPEGs are rejected.
/// Truncated or corrupt files give a `DSCError.io`, never a crash: every libjpeg warning (e.g.
/// "premature end of JPEG file", a bad Huffman code) is treated as an error, so no partially decoded
/// image is ever returned. Progressive files are limited to 500 scans (TJFLAG_LIMITSCANS).
public enum JPEGCodec {
    /// The largest side DSCFlow decodes (the pixels must also fit `Image.maxBytes`).
    public static let maxSide = 16384

    /// True when `bytes` start with a JPEG SOI marker followed by another marker (FF D8 FF).
    public static func isJPEG(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF
    }

    /// The error for bytes that do not start like a JPEG file, or nil when they do.
    static func signatureError(_ bytes: UnsafeRawBufferPointer, name: String) -> DSCError? {
        isJPEG(bytes) ? nil : DSCError.io(path: name, reason: "not a JPEG file (no FF D8 FF signature)")
    }

    /// Decodes JPEG bytes to an 8-bit gray (1 channel) or RGB (3 channels) image. `sizeSeen`, if given,
    /// receives the width, height and channels as soon as the header is read (before the size limits
    /// are checked), also when decoding fails later.
    public static func decode(_ bytes: UnsafeRawBufferPointer, name: String = "JPEG",
                              sizeSeen: ((_ width: Int, _ height: Int, _ channels: Int) -> Void)? = nil) throws -> Image {
        if let e = signatureError(bytes, name: name) { throw e }
        guard let base = bytes.baseAddress else { throw DSCError.io(path: name, reason: "not a JPEG file (0 bytes)") }
        guard let size = UInt(exactly: bytes.count), size <= UInt(Int32.max) else {
            throw DSCError.io(path: name, reason: "JPEG of \(bytes.count) bytes is too large")
        }
        guard let handle = tjInitDecompress() else {
            throw DSCError.outOfMemory("cannot create a JPEG decoder")
        }
        defer { tjDestroy(handle) }
        let data = base.assumingMemoryBound(to: UInt8.self)
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        guard tjDecompressHeader3(handle, data, size, &width, &height, &subsampling, &colorspace) == 0 else {
            throw DSCError.io(path: name, reason: "invalid JPEG: \(message(handle))")
        }
        let gray = colorspace == Int32(TJCS_GRAY.rawValue)
        guard gray || colorspace == Int32(TJCS_RGB.rawValue) || colorspace == Int32(TJCS_YCbCr.rawValue) else {
            throw DSCError.io(path: name, reason: "CMYK/YCCK JPEG files are not supported (only gray and colour)")
        }
        sizeSeen?(Int(width), Int(height), gray ? 1 : 3)
        guard width >= 1, height >= 1, Int(width) <= maxSide, Int(height) <= maxSide else {
            throw DSCError.io(path: name, reason: "JPEG of \(width)×\(height) pixels is outside 1…\(maxSide) per side")
        }
        try Image.checkDeclaredSize(Int(width), Int(height), gray ? 1 : 3, file: name)
        let format = gray ? TJPF_GRAY : TJPF_RGB
        var image = try Image(width: Int(width), height: Int(height), channels: gray ? 1 : 3)
        let flags = Int32(TJFLAG_STOPONWARNING | TJFLAG_LIMITSCANS)
        let status = image.pixels.withUnsafeMutableBufferPointer { dst in
            tjDecompress2(handle, data, size, dst.baseAddress, width, 0, height, Int32(format.rawValue), flags)
        }
        guard status == 0 else {
            throw DSCError.io(path: name, reason: "corrupt or truncated JPEG: \(message(handle))")
        }
        return image
    }

    /// Reads and decodes a JPEG file: a file above `Image.maxFileBytes`, or whose first bytes are not a
    /// JPEG signature, is refused before the file is read (see `ByteStorage(contentsOfFile:)`).
    public static func read(path: String, sizeSeen: ((_ width: Int, _ height: Int, _ channels: Int) -> Void)? = nil) throws -> Image {
        let storage = try Image.readFile(path) { signatureError($0, name: path) }
        return try decode(storage.buffer, name: path, sizeSeen: sizeSeen)
    }

    /// libjpeg's message for the last failure, worded like DSCFlow's own messages.
    private static func message(_ handle: tjhandle) -> String {
        guard let c = tjGetErrorStr2(handle) else { return "unknown libjpeg error" }
        let text = String(cString: c)
        return text.isEmpty ? "unknown libjpeg error" : text.withLowercaseFirstWord
    }
}
