import DSCFlow
/// A single-object detection decoded from a model's output, in pixels of the original image.
public struct DetectedBox: Sendable, Equatable {
    /// Left edge (inclusive), pixels.
    public var xmin: Double
    /// Right edge (exclusive), pixels.
    public var xmax: Double
    /// Top edge (inclusive), pixels.
    public var ymin: Double
    /// Bottom edge (exclusive), pixels.
    public var ymax: Double
    /// Confidence in [0, 1] when the head defines one (NaN otherwise).
    public var score: Double
    /// Which anchor won.
    public var anchor: Int
    /// The column of the grid cell of the box.
    public var gridX: Int
    /// The row of the grid cell of the box.
    public var gridY: Int
    /// Head-specific integer words (SkrSkr: the PL words xs, ys, ws, hs, flag, x, y).
    public var raw: [Int]

    /// A box with every field given.
    public init(xmin: Double, xmax: Double, ymin: Double, ymax: Double, score: Double, anchor: Int, gridX: Int,
                gridY: Int, raw: [Int] = []) {
        self.xmin = xmin
        self.xmax = xmax
        self.ymin = ymin
        self.ymax = ymax
        self.score = score
        self.anchor = anchor
        self.gridX = gridX
        self.gridY = gridY
        self.raw = raw
    }
}

/// Turns a detector's output tensor into a box. Heads are described by the model's
/// `dscflow.detection` metadata (`head=...` plus head-specific keys), never by constants in code.
public protocol DetectionHead: Sendable {
    /// Decodes `output` (the raw bytes of `tensor`) for an original image of the given size.
    func decode(output: UnsafeRawBufferPointer, tensor: Tensor, imageWidth: Int, imageHeight: Int) throws -> DetectedBox
}

/// The detection heads DSCFlow knows, chosen by a model's `dscflow.detection` metadata.
public enum DetectionHeads {
    /// The metadata key that describes a model's detection head.
    public static let metadataKey = "dscflow.detection"

    /// The key of the score below which a detection is "no object" (`min-score=S`, 0 ≤ S ≤ 1).
    public static let minScoreKey = "min-score"

    /// `model`'s `dscflow.detection` record with `overrides` (same keys) taking precedence.
    public static func record(for model: Model, overrides: [String: String] = [:]) throws -> MetadataRecord {
        var record = try model.metadata[metadataKey].map { try MetadataRecord(parsing: $0, name: metadataKey) } ?? MetadataRecord()
        for (k, v) in overrides { record[k] = v }
        return record
    }

    /// The head described by `model`'s metadata, with `overrides` (same keys) taking precedence.
    public static func make(for model: Model, overrides: [String: String] = [:]) throws -> DetectionHead {
        let record = try record(for: model, overrides: overrides)
        guard let kind = record["head"] else {
            throw DSCError.invalidArgument("the model has no '\(metadataKey)' metadata with a head= entry; give the head as a detection option (e.g. head=skynet with anchors=w0,h0,w1,h1)")
        }
        switch kind {
        case "skrskr": return try SkrSkrHead(record: record)
        case "skynet": return try SkyNetHead(record: record)
        case "ultranet": return try UltraNetHead(record: record)
        default:
            throw DSCError.invalidArgument("unknown detection head '\(kind)' (known: skrskr, skynet, ultranet)")
        }
    }

    /// The score below which `model`'s detection means "no object": `min-score=` from the
    /// overrides or the metadata, else the head's default — 0 for `skrskr` and `ultranet` (the DAC-SDC
    /// boards report a box for every image; every image holds one object), 0.5 for every other head.
    public static func minScore(for model: Model, overrides: [String: String] = [:]) throws -> Double {
        let record = try record(for: model, overrides: overrides)
        guard let text = record[minScoreKey] else { return record["head"] == "skrskr" || record["head"] == "ultranet" ? 0 : 0.5 }
        guard let s = Double(text), s >= 0, s <= 1 else {
            throw DSCError.invalidArgument("detection option \(minScoreKey)='\(text)': expected a number in 0...1")
        }
        return s
    }
}
