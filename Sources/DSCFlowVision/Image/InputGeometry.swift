import DSCFlow
/// Where an image lands in a model's input: the rectangle of the original image that is used
/// (`source`, original pixels) and the rectangle of the input it is resized onto (`destination`,
/// input pixels). Stretch uses the whole image and the whole input; letterbox the whole image and a
/// centred rectangle of the input's with the image's aspect ratio (the rest is padding); crop a
/// centred rectangle of the image with the input's aspect ratio and the whole input.
///
/// All rectangles are whole pixels; coordinates are pixel edges (a box [xmin, xmax) covers columns
/// xmin … xmax − 1), so the inverse mapping is the affine map between the two rectangles.
public struct InputGeometry: Sendable, Equatable {
    /// The original image's size.
    public var imageWidth: Int, imageHeight: Int
    /// The model input's size.
    public var inputWidth: Int, inputHeight: Int
    /// The rectangle of the original image that is used (original pixels).
    public var sourceX: Int, sourceY: Int, sourceWidth: Int, sourceHeight: Int
    /// The rectangle of the input it is resized onto (input pixels); the rest is padding.
    public var destinationX: Int, destinationY: Int, destinationWidth: Int, destinationHeight: Int

    /// The geometry of `fit` for an image and an input of the given sizes (all ≥ 1).
    /// Sizes derived by rounding use round-half-up on exact integer ratios (no floating point):
    /// letterbox content = round(side · scale), crop source = round(side / scale), offsets = ⌊slack/2⌋.
    public init(fit: PreprocessOptions.Fit, imageWidth w: Int, imageHeight h: Int, inputWidth W: Int, inputHeight H: Int) throws {
        guard w >= 1, h >= 1, W >= 1, H >= 1, w <= 1 << 20, h <= 1 << 20, W <= 1 << 20, H <= 1 << 20 else {
            throw DSCError.invalidArgument("image \(w)×\(h) / input \(W)×\(H): sizes must be in 1…2^20")
        }
        imageWidth = w; imageHeight = h; inputWidth = W; inputHeight = H
        sourceX = 0; sourceY = 0; sourceWidth = w; sourceHeight = h
        destinationX = 0; destinationY = 0; destinationWidth = W; destinationHeight = H
        // Products of two sides ≤ 2^20 fit easily in Int.
        let imageIsWider = w * H >= h * W
        switch fit {
        case .stretch:
            break
        case .letterbox:
            if imageIsWider {
                destinationHeight = min(H, max(1, (2 * h * W + w) / (2 * w)))
                destinationY = (H - destinationHeight) / 2
            } else {
                destinationWidth = min(W, max(1, (2 * w * H + h) / (2 * h)))
                destinationX = (W - destinationWidth) / 2
            }
        case .crop:
            if imageIsWider {
                sourceWidth = min(w, max(1, (2 * h * W + H) / (2 * H)))
                sourceX = (w - sourceWidth) / 2
            } else {
                sourceHeight = min(h, max(1, (2 * w * H + W) / (2 * W)))
                sourceY = (h - sourceHeight) / 2
            }
        }
    }

    /// True when the whole image is stretched onto the whole input (input coordinates scale to
    /// image coordinates without offsets).
    public var isStretch: Bool {
        sourceX == 0 && sourceY == 0 && sourceWidth == imageWidth && sourceHeight == imageHeight
            && destinationX == 0 && destinationY == 0 && destinationWidth == inputWidth && destinationHeight == inputHeight
    }

    /// An input-pixel x coordinate in original-image pixels (not clamped).
    public func imageX(fromInputX x: Double) -> Double {
        Double(sourceX) + (x - Double(destinationX)) * Double(sourceWidth) / Double(destinationWidth)
    }

    /// An input-pixel y coordinate in original-image pixels (not clamped).
    public func imageY(fromInputY y: Double) -> Double {
        Double(sourceY) + (y - Double(destinationY)) * Double(sourceHeight) / Double(destinationHeight)
    }

    /// A box in input pixels mapped to original-image pixels and clamped to the image.
    /// Everything but the coordinates (score, anchor, cell, raw words) is kept.
    public func imageBox(fromInputBox b: DetectedBox) -> DetectedBox {
        func clamp(_ v: Double, _ hi: Int) -> Double { v.isNaN ? 0 : min(max(v, 0), Double(hi)) }
        var out = b
        out.xmin = clamp(imageX(fromInputX: b.xmin), imageWidth)
        out.xmax = clamp(imageX(fromInputX: b.xmax), imageWidth)
        out.ymin = clamp(imageY(fromInputY: b.ymin), imageHeight)
        out.ymax = clamp(imageY(fromInputY: b.ymax), imageHeight)
        return out
    }
}
