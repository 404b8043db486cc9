/// Affine quantization: real = scale · (q − zeroPoint). Per-tensor when `scales` has one entry,
/// per-channel along `dimension` otherwise.
public struct Quantization: Sendable, Equatable {
    /// The scale of each quantization group (one, or one per channel along `dimension`).
    public var scales: [Float]
    /// The zero point of each group (or one shared by all).
    public var zeroPoints: [Int32]
    /// The axis that `scales` runs along when per-channel. Kept as stored in the file (TOCO-era
    /// models store 3 on 1-D bias tensors, which TFLite Micro accepts).
    public var dimension: Int

    /// Per-channel (or per-tensor, with one scale) quantization.
    public init(scales: [Float], zeroPoints: [Int32], dimension: Int = 0) {
        self.scales = scales
        self.zeroPoints = zeroPoints
        self.dimension = dimension
    }

    /// Per-tensor quantization: real = scale · (q − zeroPoint).
    public init(scale: Float, zeroPoint: Int32) {
        self.init(scales: [scale], zeroPoints: [zeroPoint], dimension: 0)
    }

    /// The (first) scale; the per-tensor scale.
    public var scale: Float { scales.first ?? 0 }
    /// The (first) zero point; the per-tensor zero point.
    public var zeroPoint: Int32 { zeroPoints.first ?? 0 }
    /// True with more than one scale.
    public var isPerChannel: Bool { scales.count > 1 }
}
