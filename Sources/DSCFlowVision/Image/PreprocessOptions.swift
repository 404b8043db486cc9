import DSCFlow
/// How an image becomes a model's input tensor, as described by the model's `dscflow.preprocess`
/// metadata (one `key=value` per line) with caller overrides taking precedence.
///
/// Keys (all optional; defaults in brackets):
/// - `color=rgb|bgr|gray` [from the input's channel count: 1 → gray, 3 → rgb]
/// - `resize=bilinear|nearest` [bilinear]. Bilinear uses half-pixel centres with TensorFlow's
///   `resize_bilinear(half_pixel_centers=True)` float32 arithmetic (= TF2 `tf.image.resize(...,
///   'bilinear')` without antialiasing); nearest reproduces Pillow's `Image.resize(..., NEAREST)`.
/// - `fit=stretch|letterbox|crop` [stretch]: stretch to the input size, fit inside and pad, or
///   cut the centre to the input's aspect ratio.
/// - `pad=V` or `pad=R,G,B` [0]: the pixel value (0–255) of letterbox padding.
/// - `range=lo,hi` [what the input's quantization implies, see below]: pixel/255 mapped linearly
///   onto [lo, hi]; or `range=raw`: the pixel byte itself is the input value (uint8 inputs:
///   unchanged; int8 inputs: pixel − 128), no scale.
/// - `mean=m` or `mean=m0,m1,m2`, `std=s` or `std=s0,s1,s2`: value = (pixel − mean)/std, in
///   pixel units (0–255), like TFLite Support's NormalizationOptions. Excludes `range`.
/// - `size=WxH`: must equal the input tensor's width and height (a check, not a resize target).
///
/// When neither the metadata nor the overrides give `range`, `mean` or `std`, the range is inferred
/// from the input's quantization (`impliedRange(of:)`: int8 with scale 1/128 and zero point 0 holds
/// [−1, 0.992] ⇒ `range=-1,1`; scale 1/255 and zero point −128 ⇒ `range=0,1`) and `assumption` says
/// so; when the quantization implies no conventional range, building the options fails and names
/// the option to give. Nothing that changes the answer is assumed silently.
public struct PreprocessOptions: Sendable, Equatable {
    /// The metadata key that describes a model's preprocessing.
    public static let metadataKey = "dscflow.preprocess"

    /// Channel model of the input tensor.
    public enum ColorModel: String, Sendable, Equatable {
        case gray, rgb, bgr

        /// Number of input channels the model implies.
        public var channels: Int { self == .gray ? 1 : 3 }
    }

    /// Resampling filter.
    public enum ResizeMethod: String, Sendable, Equatable {
        case bilinear, nearest
    }

    /// How the image's aspect ratio is reconciled with the input's.
    public enum Fit: String, Sendable, Equatable {
        case stretch, letterbox, crop
    }

    /// How a pixel value (0–255, possibly fractional after bilinear resizing) becomes a real input value.
    public enum Normalization: Sendable, Equatable {
        /// lo + (hi − lo) · pixel/255.
        case range(lo: Double, hi: Double)
        /// (pixel − mean[c]) / std[c]; one entry applies to every channel.
        case meanStd(mean: [Double], std: [Double])
        /// The pixel byte is the stored value (uint8), or pixel − 128 (int8); no quantization.
        case raw
    }

    /// `color=`; nil means from the input's channel count.
    public var color: ColorModel?
    /// `resize=`.
    public var resize: ResizeMethod
    /// `fit=`.
    public var fit: Fit
    /// Letterbox padding pixel, one value for every channel or one per channel.
    public var pad: [UInt8]
    /// `range=` or `mean=`/`std=`.
    public var normalization: Normalization
    /// The `size=` check, if given.
    public var size: (width: Int, height: Int)?
    /// What was inferred because nothing said how to normalize (nil when the metadata or the
    /// overrides did): one sentence naming the input's quantization and the range it implies.
    public var assumption: String?

    /// The defaults: colour from the input, bilinear, stretch, pad 0, range 0,1.
    public init() {
        color = nil
        resize = .bilinear
        fit = .stretch
        pad = [0]
        normalization = .range(lo: 0, hi: 1)
        size = nil
        assumption = nil
    }

    /// The options described by `model`'s `dscflow.preprocess` metadata, then `overrides` (same keys).
    /// Unknown keys in the metadata are ignored (newer writers may add some); unknown override keys
    /// are an error, so that a typo on the command line is not silently dropped. Without any
    /// `range`/`mean`/`std`, the range comes from input `input`'s quantization (see the type's notes).
    public init(model: Model, overrides: [String: String] = [:], input: Int = 0) throws {
        var record = try model.metadata[Self.metadataKey].map {
            try MetadataRecord(parsing: $0, name: Self.metadataKey)
        } ?? MetadataRecord()
        for key in overrides.keys where !Self.keys.contains(key) {
            throw DSCError.invalidArgument("unknown preprocessing option '\(key)' (known: \(Self.keys.joined(separator: ", ")))")
        }
        // An override of one normalization style replaces the metadata's other style.
        if overrides["range"] != nil { record["mean"] = nil; record["std"] = nil }
        if overrides["mean"] != nil || overrides["std"] != nil { record["range"] = nil }
        for (k, v) in overrides { record[k] = v }
        try self.init(record: record)
        if record["range"] == nil, record["mean"] == nil, record["std"] == nil, model.inputs.indices.contains(input) {
            let t = model.tensors[model.inputs[input]]
            let held = Self.heldValues(of: t).map { "real values [\(Self.short($0.lo)), \(Self.short($0.hi))]" } ?? "no real range"
            let what = "input '\(t.name)' (\(t.type.name), \(t.quantization.map { "scale \($0.scale), zero point \($0.zeroPoint)" } ?? "not quantized"): \(held))"
            guard let implied = Self.impliedRange(of: t) else {
                throw DSCError.invalidArgument("the model says nothing about normalization (no \(Self.metadataKey) range, mean or std) and \(what) implies none of [0, 1], [-1, 1], [0, 255], [-128, 127]; give the preprocessing option range=lo,hi, mean= and std=, or range=raw")
            }
            normalization = .range(lo: implied.lo, hi: implied.hi)
            assumption = "no \(Self.metadataKey) range, mean or std: assumed range=\(Self.short(implied.lo)),\(Self.short(implied.hi)) from \(what)"
        }
    }

    /// The conventional ranges an input's quantization can imply, in the order they are tried.
    public static let conventionalRanges: [(lo: Double, hi: Double)] = [(0, 1), (-1, 1), (0, 255), (-128, 127)]

    /// The conventional range (`conventionalRanges`) whose ends are each within two quantization
    /// steps of the real values `tensor` can hold, [scale·(qmin − zp), scale·(qmax − zp)]; nil when
    /// none is, or the tensor has no single positive scale. Two steps absorb the asymmetric integer
    /// range: int8 scale 1/128 zero point 0 holds [−1, 0.992], scale 1/127.5 zero point −1
    /// [−0.996, 1.004]; both are [−1, 1].
    public static func impliedRange(of tensor: Tensor) -> (lo: Double, hi: Double)? {
        guard let held = heldValues(of: tensor), let q = tensor.quantization else { return nil }
        let step = 2 * Double(q.scale)
        return conventionalRanges.first { abs(held.lo - $0.lo) <= step && abs(held.hi - $0.hi) <= step }
    }

    /// [scale·(qmin − zp), scale·(qmax − zp)] for a tensor with one positive finite scale.
    static func heldValues(of tensor: Tensor) -> (lo: Double, hi: Double)? {
        guard let q = tensor.quantization, !q.isPerChannel, q.scale.isFinite, q.scale > 0 else { return nil }
        let s = Double(q.scale), z = Double(q.zeroPoint), r = tensor.type.range
        return (s * (Double(r.lowerBound) - z), s * (Double(r.upperBound) - z))
    }

    /// A number with at most 4 decimals, without trailing zeros ("-1", "0.9922").
    static func short(_ v: Double) -> String {
        let r = (v * 10000).rounded() / 10000
        if r == r.rounded(), abs(r) < 1e15 { return String(Int(r)) }
        return String(r)
    }

    /// Parses a record of the keys above (unknown keys ignored).
    public init(record: MetadataRecord) throws {
        self.init()
        if let c = record["color"] {
            guard let v = ColorModel(rawValue: c) else { throw Self.bad("color", c, "rgb, bgr or gray") }
            color = v
        }
        if let r = record["resize"] {
            guard let v = ResizeMethod(rawValue: r) else { throw Self.bad("resize", r, "bilinear or nearest") }
            resize = v
        }
        if let f = record["fit"] {
            guard let v = Fit(rawValue: f) else { throw Self.bad("fit", f, "stretch, letterbox or crop") }
            fit = v
        }
        if let p = record["pad"] {
            let values = p.split(separator: ",").map { Int(String($0).trimmingSpaces()) }
            guard [1, 3].contains(values.count), values.allSatisfy({ $0 != nil && (0...255).contains($0!) }) else {
                throw Self.bad("pad", p, "one or three integers in 0…255")
            }
            pad = values.map { UInt8($0!) }
        }
        if let r = record["range"] {
            if record["mean"] != nil || record["std"] != nil {
                throw DSCError.invalidArgument("preprocessing: give either range= or mean=/std=, not both")
            }
            if r.trimmingSpaces() == "raw" {
                normalization = .raw
            } else {
                guard let v = try record.doubles("range"), v.count == 2, v[0].isFinite, v[1].isFinite, v[0] != v[1] else {
                    throw Self.bad("range", r, "lo,hi (two different finite numbers) or raw")
                }
                normalization = .range(lo: v[0], hi: v[1])
            }
        } else if record["mean"] != nil || record["std"] != nil {
            let mean = try record.doubles("mean") ?? [0]
            let std = try record.doubles("std") ?? [1]
            guard [1, 3].contains(mean.count), mean.allSatisfy({ $0.isFinite }) else {
                throw Self.bad("mean", record["mean"] ?? "", "one or three finite numbers")
            }
            guard [1, 3].contains(std.count), std.allSatisfy({ $0.isFinite && $0 != 0 }) else {
                throw Self.bad("std", record["std"] ?? "", "one or three finite non-zero numbers")
            }
            normalization = .meanStd(mean: mean, std: std)
        }
        if record["size"] != nil { size = try record.size("size") }
    }

    /// Every key this type understands.
    public static let keys = ["color", "resize", "fit", "pad", "range", "mean", "std", "size"]

    /// Equal when every option is equal.
    public static func == (a: PreprocessOptions, b: PreprocessOptions) -> Bool {
        a.color == b.color && a.resize == b.resize && a.fit == b.fit && a.pad == b.pad
            && a.normalization == b.normalization && a.size?.width == b.size?.width && a.size?.height == b.size?.height
    }

    private static func bad(_ key: String, _ value: String, _ expected: String) -> DSCError {
        DSCError.invalidArgument("preprocessing option \(key)='\(value)': expected \(expected)")
    }
}
