import DSCFlow
/// Turns an image into the bytes of a model's input tensor:
/// channel conversion → fit (crop / letterbox / stretch, see `InputGeometry`) → resize
/// (`ImageResampler`) → normalization → quantization with the input's scale and zero point.
///
/// Quantization is q = clamp(round(value / scale) + zeroPoint) with round half away from zero, in
/// double precision (value and scale widened from their float32/decimal forms), clamped to the input
/// type (int8, uint8 or int16, little-endian). With `range=raw` no scale is applied: the pixel (after
/// resizing, rounded half away from zero) is stored as is for uint8 inputs and minus 128 for int8.
///
/// A preprocessor is immutable and can be shared; `preprocess` allocates only scratch images.
public struct Preprocessor: Sendable {
    /// The options in effect (metadata plus overrides).
    public let options: PreprocessOptions
    /// The model input this writes (index into `Model.inputs`).
    public let inputIndex: Int
    /// That input's tensor (shape, type, quantization).
    public let tensor: Tensor
    /// Input width, height and channels (NHWC [1, H, W, C]).
    public let width: Int, height: Int, channels: Int
    /// The channel model after defaults (gray for 1 channel, rgb for 3 unless bgr was asked).
    public let color: PreprocessOptions.ColorModel
    let scale: Double
    let zeroPoint: Double

    /// The preprocessing of `model`'s input `input` from its `dscflow.preprocess` metadata with
    /// `overrides` (see `PreprocessOptions`). Throws if the input is not an int8/uint8/int16
    /// [1, H, W, 1 or 3] tensor with a positive per-tensor scale, or the options do not fit it.
    public init(model: Model, overrides: [String: String] = [:], input: Int = 0) throws {
        try self.init(model: model, options: try PreprocessOptions(model: model, overrides: overrides, input: input), input: input)
    }

    /// What the options assumed because nothing said how to normalize (`PreprocessOptions.assumption`).
    public var assumption: String? { options.assumption }

    /// The preprocessing of `model`'s input `input` with explicit options.
    public init(model: Model, options: PreprocessOptions, input: Int = 0) throws {
        guard input >= 0, input < model.inputs.count else {
            throw DSCError.invalidArgument("the model has \(model.inputs.count) input(s); no input \(input)")
        }
        let t = model.tensors[model.inputs[input]]
        guard t.shape.count == 4, t.shape[0] == 1, [1, 3].contains(t.shape[3]), t.shape[1] >= 1, t.shape[2] >= 1 else {
            throw DSCError.invalidTensor(op: -1, tensor: t.name, reason: "an image input must be [1, H, W, 1 or 3], not \(t.signature)")
        }
        guard t.type != .int32, !t.type.isSubByte else {
            throw DSCError.invalidTensor(op: -1, tensor: t.name, reason: "image inputs must be int8, uint8 or int16, not \(t.type.name)")
        }
        let c = t.shape[3]
        let color = options.color ?? (c == 1 ? .gray : .rgb)
        guard color.channels == c else {
            throw DSCError.invalidArgument("preprocessing color=\(color.rawValue) needs \(color.channels) channel(s); input \(t.name) is \(t.signature)")
        }
        if let s = options.size, s.width != t.shape[2] || s.height != t.shape[1] {
            throw DSCError.invalidArgument("preprocessing size=\(s.width)x\(s.height) does not match input \(t.name) \(t.signature)")
        }
        guard options.pad.count == 1 || options.pad.count == c else {
            throw DSCError.invalidArgument("preprocessing pad has \(options.pad.count) values for \(c) channel(s)")
        }
        if case .meanStd(let mean, let std) = options.normalization,
           !(mean.count == 1 || mean.count == c) || !(std.count == 1 || std.count == c) {
            throw DSCError.invalidArgument("preprocessing mean/std need 1 or \(c) values")
        }
        var scale = 1.0, zeroPoint = 0.0
        if case .raw = options.normalization {
            guard t.type == .uint8 || t.type == .int8 else {
                throw DSCError.invalidArgument("range=raw needs a uint8 or int8 input; \(t.name) is \(t.type.name)")
            }
        } else {
            guard let q = t.quantization, !q.isPerChannel, q.scale.isFinite, q.scale > 0 else {
                throw DSCError.invalidTensor(op: -1, tensor: t.name, reason: "needs one positive quantization scale to quantize normalized pixels")
            }
            scale = Double(q.scale)
            zeroPoint = Double(q.zeroPoint)
        }
        self.options = options
        self.inputIndex = input
        self.tensor = t
        self.height = t.shape[1]
        self.width = t.shape[2]
        self.channels = c
        self.color = color
        self.scale = scale
        self.zeroPoint = zeroPoint
    }

    /// The preprocessing in effect as a `dscflow.preprocess` record (color resolved, size = the input's),
    /// which `PreprocessOptions(record:)` reads back to the same options.
    public var record: MetadataRecord {
        // Shortest round-trip decimals, whole numbers without ".0".
        func list(_ v: [Double]) -> String {
            v.map { $0 == $0.rounded() && abs($0) < 1e15 ? String(Int($0)) : String($0) }.joined(separator: ",")
        }
        var r = MetadataRecord(["color": color.rawValue, "resize": options.resize.rawValue, "fit": options.fit.rawValue,
                                "pad": options.pad.map(String.init).joined(separator: ","), "size": "\(width)x\(height)"])
        switch options.normalization {
        case .raw: r["range"] = "raw"
        case .range(let lo, let hi): r["range"] = list([lo, hi])
        case .meanStd(let mean, let std): r["mean"] = list(mean); r["std"] = list(std)
        }
        return r
    }

    /// Number of bytes `preprocess` writes.
    public var byteCount: Int { width * height * channels * tensor.type.byteSize }

    /// Where an image of the given size lands in the input.
    public func geometry(imageWidth: Int, imageHeight: Int) throws -> InputGeometry {
        try InputGeometry(fit: options.fit, imageWidth: imageWidth, imageHeight: imageHeight,
                          inputWidth: width, inputHeight: height)
    }

    /// The input tensor bytes for `image` (any size, gray/RGB/RGBA).
    public func preprocess(_ image: Image) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: byteCount)
        _ = try out.withUnsafeMutableBytes { try preprocess(image, into: $0) }
        return out
    }

    /// Writes the input tensor bytes for `image` into `buffer` (exactly `byteCount` bytes, e.g.
    /// `session.inputBytes()`) and returns the geometry used, for mapping boxes back.
    @discardableResult
    public func preprocess(_ image: Image, into buffer: UnsafeMutableRawBufferPointer) throws -> InputGeometry {
        guard buffer.count == byteCount else {
            throw DSCError.invalidArgument("input buffer has \(buffer.count) bytes; \(tensor.name) \(tensor.signature) needs \(byteCount)")
        }
        let geo = try geometry(imageWidth: image.width, imageHeight: image.height)
        var img = try image.converted(toChannels: channels)
        if color == .bgr { img = Self.swappedRedBlue(img) }
        img = try img.cropped(x: geo.sourceX, y: geo.sourceY, width: geo.sourceWidth, height: geo.sourceHeight)
        let dw = geo.destinationWidth, dh = geo.destinationHeight, c = channels
        let samples: [Float]
        switch options.resize {
        case .nearest:
            let r = (dw == img.width && dh == img.height) ? img : try ImageResampler.nearest(img, width: dw, height: dh)
            samples = r.pixels.map { Float($0) }
        case .bilinear:
            samples = try ImageResampler.bilinear(img, width: dw, height: dh)
        }
        let lut = quantizationTable()
        samples.withUnsafeBufferPointer { s in
            for y in 0..<height {
                for x in 0..<width {
                    let inside = x >= geo.destinationX && x < geo.destinationX + dw && y >= geo.destinationY && y < geo.destinationY + dh
                    let sBase = inside ? ((y - geo.destinationY) * dw + (x - geo.destinationX)) * c : 0
                    for k in 0..<c {
                        let q: Int32
                        if inside {
                            let v = s[sBase + k]
                            // Whole pixel values (nearest, or bilinear on integer positions) use the table.
                            if v == v.rounded(.towardZero), v >= 0, v <= 255 {
                                q = lut[k * 256 + Int(v)]
                            } else {
                                q = quantize(Double(v), channel: k)
                            }
                        } else {
                            let p = options.pad.count == 1 ? options.pad[0] : options.pad[k]
                            q = lut[k * 256 + Int(p)]
                        }
                        store(q, at: (y * width + x) * c + k, into: buffer)
                    }
                }
            }
        }
        return geo
    }

    /// The quantized value of a pixel value (0…255, may be fractional) in channel `channel`.
    public func quantize(_ pixel: Double, channel: Int) -> Int32 {
        let range = tensor.type.range
        let q: Double
        switch options.normalization {
        case .raw:
            q = pixel.rounded(.toNearestOrAwayFromZero) - (tensor.type == .int8 ? 128 : 0)
        case .range(let lo, let hi):
            q = ((lo + (hi - lo) * (pixel / 255)) / scale).rounded(.toNearestOrAwayFromZero) + zeroPoint
        case .meanStd(let mean, let std):
            let m = mean.count == 1 ? mean[0] : mean[channel], s = std.count == 1 ? std[0] : std[channel]
            q = (((pixel - m) / s) / scale).rounded(.toNearestOrAwayFromZero) + zeroPoint
        }
        // Clamp in floating point first so that huge or non-finite values cannot trap.
        if !(q >= Double(range.lowerBound)) { return range.lowerBound }
        if q > Double(range.upperBound) { return range.upperBound }
        return Int32(q)
    }

    /// quantize(p, c) for every whole pixel value p and channel c (index c·256 + p).
    private func quantizationTable() -> [Int32] {
        var t = [Int32](repeating: 0, count: 256 * channels)
        for k in 0..<channels { for p in 0..<256 { t[k * 256 + p] = quantize(Double(p), channel: k) } }
        return t
    }

    private func store(_ q: Int32, at index: Int, into buffer: UnsafeMutableRawBufferPointer) {
        switch tensor.type {
        case .int8: buffer[index] = UInt8(bitPattern: Int8(truncatingIfNeeded: q))
        case .uint8: buffer[index] = UInt8(truncatingIfNeeded: q)
        case .int16:
            let v = UInt16(bitPattern: Int16(truncatingIfNeeded: q))
            buffer[2 * index] = UInt8(v & 0xFF)
            buffer[2 * index + 1] = UInt8(v >> 8)
        case .int32, .int4, .uint4: break // rejected at init
        }
    }

    private static func swappedRedBlue(_ image: Image) -> Image {
        var out = image
        let c = image.channels
        guard c >= 3 else { return out }
        for i in stride(from: 0, to: out.pixels.count, by: c) { out.pixels.swapAt(i, i + 2) }
        return out
    }
}
