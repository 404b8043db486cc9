import DSCFlow
extension Image {
    /// The `width`×`height` rectangle whose top-left pixel is (`x`, `y`); it must lie inside the image.
    public func cropped(x: Int, y: Int, width: Int, height: Int) throws -> Image {
        guard x >= 0, y >= 0, width >= 1, height >= 1, x <= self.width - width, y <= self.height - height else {
            throw DSCError.invalidArgument("crop \(width)×\(height) at (\(x), \(y)) is not inside a \(self.width)×\(self.height) image")
        }
        if x == 0, y == 0, width == self.width, height == self.height { return self }
        var out = try Image(width: width, height: height, channels: channels)
        let c = channels, rowBytes = width * c
        pixels.withUnsafeBufferPointer { src in
            out.pixels.withUnsafeMutableBufferPointer { dst in
                for row in 0..<height {
                    let s = ((y + row) * self.width + x) * c
                    for k in 0..<rowBytes { dst[row * rowBytes + k] = src[s + k] }
                }
            }
        }
        return out
    }
}
