import DSCFlow
/// A single-object detection decoded from a model's output, in pixels of the original image.
public struct DetectedBox: Sendable, Equatable {
    public var xmin: Double
    public var xmax: Double
    public var ymin: Double
    public var ymax: Double
    /// Confidence in [0, 1] when the head defines one (NaN otherwise).
    public var score: Double
    /// Which anchor won, and the grid cell of the box.
    public var anchor: Int
    public var gridX: Int
    public var gridY: Int
    /// Head-specific integer words (SkrSkr: the PL words xs, ys, ws, hs, flag, x, y).
    public var raw: [Int]

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

public enum DetectionHeads {
    /// The metadata key that describes a model's detection head.
    public static let metadataKey = "dscflow.detection"

    /// The head described by `model`'s metadata, with `overrides` (same keys) taking precedence.
    public static func make(for model: Model, overrides: [String: String] = [:]) throws -> DetectionHead {
        var record = try model.metadata[metadataKey].map { try MetadataRecord(parsing: $0, name: metadataKey) } ?? MetadataRecord()
        for (k, v) in overrides { record[k] = v }
        guard let kind = record["head"] else {
            throw DSCError.invalidArgument("the model has no '\(metadataKey)' metadata with a head= entry; give the head with options (e.g. --head skynet --anchors w0,h0,w1,h1)")
        }
        switch kind {
        case "skrskr": return try SkrSkrHead(record: record)
        case "skynet": return try SkyNetHead(record: record)
        default:
            throw DSCError.invalidArgument("unknown detection head '\(kind)' (known: skrskr, skynet)")
        }
    }
}
