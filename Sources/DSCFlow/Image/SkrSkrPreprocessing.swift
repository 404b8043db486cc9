/// The input preparation of SkrSkr's `Deploy/run.py` as the board ran it (FACTS §8): RGB, Pillow
/// NEAREST resize to the model's size, raw 0–255 values, HWC. Interim home until the general
/// preprocessing (with Pillow-exact resampling for every filter) lands; it reads only
/// `color=rgb, resize=nearest, range=raw, size=WxH` from `dscflow.preprocess` and rejects anything else.
public enum SkrSkrPreprocessing {
    /// Pillow NEAREST source index for destination index `d` when scaling `source` → `destination`:
    /// floor((d + 0.5) · source / destination), computed exactly in integers. Pillow computes it in
    /// float64 by repeated addition, which is exact for the ratios here (2 and 2.25 for 640×360 → 320×160).
    public static func nearestSource(_ d: Int, source: Int, destination: Int) -> Int {
        min((2 * d + 1) * source / (2 * destination), source - 1)
    }

    /// The model's input tensor bytes (uint8 [1, H, W, 3]) for `image`, following the model's
    /// `dscflow.preprocess` record.
    public static func inputTensor(from image: Image, for model: Model) throws -> [UInt8] {
        let record = try MetadataRecord(parsing: model.metadata["dscflow.preprocess"] ?? "", name: "dscflow.preprocess")
        for (key, expected) in [("color", "rgb"), ("resize", "nearest"), ("range", "raw")] where record[key] != expected {
            throw DSCError.unsupported(op: -1, name: "preprocessing", reason: "dscflow.preprocess \(key)=\(record[key] ?? "(missing)"); this build only implements \(key)=\(expected)")
        }
        guard let size = try record.size("size") else {
            throw DSCError.unsupported(op: -1, name: "preprocessing", reason: "dscflow.preprocess has no size=WxH")
        }
        let input = model.tensors[model.inputs[0]]
        guard input.type == .uint8, input.shape == [1, size.height, size.width, 3] else {
            throw DSCError.invalidTensor(op: -1, tensor: input.name, reason: "\(input.signature) is not uint8[1,\(size.height),\(size.width),3]")
        }
        return try resizeNearest(image, width: size.width, height: size.height)
    }

    /// `image` as RGB, resized with Pillow's NEAREST sampling to width × height, HWC bytes.
    public static func resizeNearest(_ image: Image, width: Int, height: Int) throws -> [UInt8] {
        guard width >= 1, height >= 1, width <= 1 << 14, height <= 1 << 14 else {
            throw DSCError.invalidArgument("resize target \(width)x\(height) out of range")
        }
        let rgb = image.channels == 3 ? image : try image.converted(toChannels: 3)
        guard rgb.width >= 1, rgb.height >= 1, rgb.pixels.count == rgb.width * rgb.height * 3 else {
            throw DSCError.invalidArgument("image \(rgb.width)x\(rgb.height) has \(rgb.pixels.count) bytes")
        }
        var out = [UInt8](repeating: 0, count: width * height * 3)
        let columns = (0..<width).map { nearestSource($0, source: rgb.width, destination: width) }
        rgb.pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for y in 0..<height {
                    let sy = nearestSource(y, source: rgb.height, destination: height)
                    for x in 0..<width {
                        let s = (sy * rgb.width + columns[x]) * 3
                        let d = (y * width + x) * 3
                        dst[d] = src[s]
                        dst[d + 1] = src[s + 1]
                        dst[d + 2] = src[s + 2]
                    }
                }
            }
        }
        return out
    }
}
