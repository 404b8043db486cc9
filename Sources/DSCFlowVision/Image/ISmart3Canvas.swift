import DSCFlow

/// The iSmart3 board's host preprocessing (`FPGA/Deploy/SkyNet.py`, `stitch`; ../shared/ismart3/FACTS.md §4):
/// each image converted to RGB and resized to 320×160 with Pillow's NEAREST (`ImageResampler.nearest`),
/// pasted on a 644×324 canvas filled with gray (127, 127, 127) at (1, 1), (323, 1), (1, 163), (323, 163)
/// for slots 0–3, then transposed to planar R, G, B: the uint8 [3, 324, 644] buffer the accelerator reads.
/// Every image keeps a 1-pixel gray border; there is no normalisation on the host.
public enum ISmart3Canvas {
    /// Canvas width and height in pixels.
    public static let width = 644, height = 324
    /// Size each image is resized to.
    public static let imageWidth = 320, imageHeight = 160
    /// The canvas's fill value.
    public static let gray: UInt8 = 127
    /// Images per canvas.
    public static let slots = 4

    /// Top-left pixel (x, y) of slot `q`'s image.
    public static func position(slot q: Int) -> (x: Int, y: Int) { (1 + 322 * (q % 2), 1 + 162 * (q / 2)) }

    /// The stitched buffer for up to 4 images in slot order; a nil (or missing) slot stays gray, which
    /// is how DSCFlow completes a last partial batch (the host itself cannot run one).
    public static func stitch(_ images: [Image?]) throws -> [UInt8] {
        guard images.count <= slots else {
            throw DSCError.invalidArgument("an iSmart3 canvas holds \(slots) images; got \(images.count)")
        }
        var out = [UInt8](repeating: gray, count: 3 * width * height)
        for (q, image) in images.enumerated() {
            guard let image else { continue }
            let rgb = try ImageResampler.nearest(try image.converted(toChannels: 3), width: imageWidth, height: imageHeight)
            let (x0, y0) = position(slot: q)
            rgb.pixels.withUnsafeBufferPointer { src in
                out.withUnsafeMutableBufferPointer { dst in
                    for c in 0..<3 {
                        for y in 0..<imageHeight {
                            let row = (c * height + y0 + y) * width + x0
                            for x in 0..<imageWidth { dst[row + x] = src[(y * imageWidth + x) * 3 + c] }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Checks that `model`'s `dscflow.preprocess` record describes this preprocessing, so a model with
    /// another one is rejected rather than fed differently from its board.
    public static func checkPreprocessing(of model: Model) throws {
        let record = try MetadataRecord(parsing: model.metadata[PreprocessOptions.metadataKey] ?? "", name: PreprocessOptions.metadataKey)
        let expected = [("color", "rgb"), ("resize", "nearest"), ("range", "raw"), ("size", "\(imageWidth)x\(imageHeight)"),
                        ("layout", "chw"), ("stitch", "2x2"), ("border", "\(gray)"), ("canvas", "\(width)x\(height)")]
        for (key, value) in expected where record[key] != value {
            throw DSCError.unsupported(op: -1, name: "preprocessing", reason: "\(PreprocessOptions.metadataKey) \(key)=\(record[key] ?? "(missing)"); the iSmart3 host's preprocessing is \(key)=\(value)")
        }
    }
}
