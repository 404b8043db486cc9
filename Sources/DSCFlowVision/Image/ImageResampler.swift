import DSCFlow
/// Resizing of 8-bit images with two precisely defined filters.
///
/// - Nearest is Pillow's `Image.resize(size, Image.NEAREST)` (Pillow ≥ 3.4, `ImagingScaleAffine`):
///   per axis, `a = in/out` in double precision, the position starts at `a · 0.5` and advances by
///   repeated double-precision addition `pos += a`; the source index is `(int)pos` (truncation).
///   For 640×360 → 320×160 this picks column 2x+1 and row ⌊2.25y + 1.125⌋. The SkrSkr accelerator's
///   host preprocessing depends on exactly these indices.
/// - Bilinear uses half-pixel centres with TensorFlow's `resize_bilinear(half_pixel_centers=True)`
///   float32 arithmetic (what TF2 `tf.image.resize(x, size, 'bilinear')` does without antialiasing;
///   the same sampling positions as OpenCV `INTER_LINEAR` and PyTorch `align_corners=False`): the
///   source position of output index i is `(i + 0.5)·(in/out) − 0.5`, neighbours are clamped to the
///   image, and the result is not rounded (samples are real-valued).
public enum ImageResampler {
    /// The source index Pillow's NEAREST resize reads for each of `outSize` outputs along an axis of
    /// `inSize` pixels. An index is −1 where Pillow would read outside the image (it then writes 0);
    /// that cannot happen for sizes ≥ 1 but is kept to mirror Pillow exactly.
    public static func pillowNearestIndices(from inSize: Int, to outSize: Int) -> [Int] {
        guard inSize >= 1, outSize >= 1 else { return [] }
        let a = Double(inSize) / Double(outSize)
        var pos = a * 0.5
        var indices = [Int](repeating: -1, count: outSize)
        for i in 0..<outSize {
            // Pillow's COORD(v): v < 0 → −1, else (int)v.
            if pos >= 0, pos < Double(inSize) { indices[i] = Int(pos) }
            pos += a
        }
        return indices
    }

    /// Pillow-exact NEAREST resize to `width`×`height` (same channels).
    public static func nearest(_ image: Image, width: Int, height: Int) throws -> Image {
        var out = try Image(width: width, height: height, channels: image.channels)
        let xs = pillowNearestIndices(from: image.width, to: width)
        let ys = pillowNearestIndices(from: image.height, to: height)
        let c = image.channels
        image.pixels.withUnsafeBufferPointer { src in
            out.pixels.withUnsafeMutableBufferPointer { dst in
                for y in 0..<height where ys[y] >= 0 {
                    let srcRow = ys[y] * image.width * c
                    let dstRow = y * width * c
                    for x in 0..<width where xs[x] >= 0 {
                        let s = srcRow + xs[x] * c, d = dstRow + x * c
                        for k in 0..<c { dst[d + k] = src[s + k] }
                    }
                }
            }
        }
        return out
    }

    /// One axis of TensorFlow's half-pixel bilinear weights: lower and upper source index and the
    /// fraction of the upper one, computed in float32 exactly as `compute_interpolation_weights`.
    struct BilinearTap {
        var lower: Int
        var upper: Int
        var lerp: Float
    }

    static func bilinearTaps(from inSize: Int, to outSize: Int) -> [BilinearTap] {
        let scale = Float(inSize) / Float(outSize)
        return (0..<outSize).map { i in
            let pos = (Float(i) + 0.5) * scale - 0.5
            let f = pos.rounded(.down)
            return BilinearTap(lower: max(Int(f), 0), upper: min(Int(pos.rounded(.up)), inSize - 1), lerp: pos - f)
        }
    }

    /// Half-pixel bilinear resize to `width`×`height`: `height·width·channels` real-valued samples in
    /// 0…255 (interleaved, rows top-down). Sizes must be ≥ 1.
    public static func bilinear(_ image: Image, width: Int, height: Int) throws -> [Float] {
        guard width >= 1, height >= 1 else {
            throw DSCError.invalidArgument("resize to \(width)×\(height): sizes must be ≥ 1")
        }
        let c = image.channels
        let count = try checkedMul(try checkedMul(width, height, "resized image"), c, "resized image")
        guard count <= Image.maxBytes else { throw DSCError.outOfMemory("a \(width)×\(height)×\(c) resize exceeds \(Image.maxBytes) samples") }
        let xs = bilinearTaps(from: image.width, to: width)
        let ys = bilinearTaps(from: image.height, to: height)
        var out = [Float](repeating: 0, count: count)
        let rowStride = image.width * c
        image.pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for y in 0..<height {
                    let top = ys[y].lower * rowStride, bottom = ys[y].upper * rowStride, ly = ys[y].lerp
                    for x in 0..<width {
                        let l = xs[x].lower * c, r = xs[x].upper * c, lx = xs[x].lerp
                        let d = (y * width + x) * c
                        for k in 0..<c {
                            let tl = Float(src[top + l + k]), tr = Float(src[top + r + k])
                            let bl = Float(src[bottom + l + k]), br = Float(src[bottom + r + k])
                            // TF compute_lerp: the same operation order, float32.
                            let t = tl + (tr - tl) * lx
                            let b = bl + (br - bl) * lx
                            dst[d + k] = t + (b - t) * ly
                        }
                    }
                }
            }
        }
        return out
    }
}
