import DSCFlow
/// An 8-bit image in memory: rows top-down, pixels interleaved (gray, RGB or RGBA).
public struct Image: Sendable, Equatable {
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int
    /// 1 (gray), 3 (RGB) or 4 (RGBA).
    public var channels: Int
    /// `height · width · channels` bytes.
    public var pixels: [UInt8]

    /// A black image.
    public init(width: Int, height: Int, channels: Int) throws {
        guard width >= 1, height >= 1, [1, 3, 4].contains(channels) else {
            throw DSCError.invalidArgument("image \(width)×\(height)×\(channels): sizes must be ≥ 1 and channels 1, 3 or 4")
        }
        let n = try checkedMul(try checkedMul(width, height, "image size"), channels, "image size")
        guard n <= Image.maxBytes else { throw DSCError.outOfMemory("a \(width)×\(height)×\(channels) image exceeds \(Image.maxBytes) bytes") }
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = [UInt8](repeating: 0, count: n)
    }

    /// Wraps pixels; `pixels.count` must equal `width · height · channels`.
    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) throws {
        try self.init(width: width, height: height, channels: channels)
        guard pixels.count == self.pixels.count else {
            throw DSCError.invalidArgument("\(pixels.count) bytes for a \(width)×\(height)×\(channels) image (needs \(self.pixels.count))")
        }
        self.pixels = pixels
    }

    /// The largest image DSCFlow accepts (256 MiB of pixels).
    public static let maxBytes = 1 << 28

    /// The largest image file DSCFlow reads (512 MiB: twice the largest image's pixels); a larger file is
    /// refused after one `fstat`, before anything is read.
    public static let maxFileBytes = 1 << 29

    /// Throws `DSCError.io` naming `file` when a `width`×`height`×`channels` image, as a file's header
    /// declares it, has more than `maxBytes` of pixels (checked before anything is allocated).
    static func checkDeclaredSize(_ width: Int, _ height: Int, _ channels: Int, file: String) throws {
        let (n, o1) = width.multipliedReportingOverflow(by: height)
        let (bytes, o2) = n.multipliedReportingOverflow(by: channels)
        if o1 || o2 || bytes > maxBytes {
            throw DSCError.io(path: file, reason: "image of \(width)×\(height)×\(channels) is above the limit of \(maxBytes) bytes of pixels")
        }
    }

    /// Reads an image file of at most `maxFileBytes` whose first bytes pass `signature` (which returns
    /// the error for bytes of another format, or nil) into memory, safely against hostile sizes.
    static func readFile(_ path: String, signature: (UnsafeRawBufferPointer) -> DSCError?) throws -> ByteStorage {
        try ByteStorage(contentsOfFile: path, maxBytes: maxFileBytes, what: "image file") { (header) throws(DSCError) in
            if let e = signature(header) { throw e }
        }
    }

    /// Converts to `channels` (1, 3 or 4): gray is replicated, RGB→gray uses ITU-R 601 luma
    /// (0.299, 0.587, 0.114, rounded), alpha is dropped or set to 255.
    public func converted(toChannels target: Int) throws -> Image {
        if target == channels { return self }
        var out = try Image(width: width, height: height, channels: target)
        let n = width * height
        pixels.withUnsafeBufferPointer { src in
            out.pixels.withUnsafeMutableBufferPointer { dst in
                for i in 0..<n {
                    let s = i * channels
                    let r = Int(src[s]), g = channels >= 3 ? Int(src[s + 1]) : r, b = channels >= 3 ? Int(src[s + 2]) : r
                    let a = channels == 4 ? src[s + 3] : 255
                    let d = i * target
                    switch target {
                    case 1: dst[d] = UInt8((r * 299 + g * 587 + b * 114 + 500) / 1000)
                    case 3: dst[d] = UInt8(r); dst[d + 1] = UInt8(g); dst[d + 2] = UInt8(b)
                    default: dst[d] = UInt8(r); dst[d + 1] = UInt8(g); dst[d + 2] = UInt8(b); dst[d + 3] = a
                    }
                }
            }
        }
        return out
    }
}
