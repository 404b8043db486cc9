import CDSCFlowSupport
import DSCFlow

/// UltraNet's single-box head as its host computes it (heheda365/ultra_net `deploy/dac_sdc.ipynb`
/// `yolo()`, ../shared/ultranet/FACTS.md §6), in float64 as numpy does:
///
/// - per cell the confidence is the integer sum of the 6 anchors' `conf` fields; the cell is the
///   first maximum in raster order (gx = cell mod W, gy = cell div W);
/// - per anchor a, t = head[cell][a][0…3] / divisor + lastBias[a][0…3] (float32 constants widened);
/// - x = (mean_a sigmoid(t_x) + gx)·cell·sx, y likewise with sy, w = mean_a exp(t_w)·unit·sx,
///   h = mean_a exp(t_h)·unit·sy, means summed anchor by anchor then divided; sx, sy = image size /
///   (grid · cell) (640/320 = 2, 360/160 = 2.25 on DAC-SDC);
/// - [xmin, xmax, ymin, ymax] = x ∓ w/2, y ∓ h/2 truncated toward zero (`int()`), not clipped.
///
/// Input: the raw int32 output [1, H, W, anchors·6] (anchor a's fields tx, ty, tw, th, conf, unused at
/// a·6…a·6+5). Every constant comes from the model's `dscflow.detection` metadata. The host computes
/// no score: `score` is NaN and every image has a box (as on the board).
public struct UltraNetHead: DetectionHead {
    /// Grid width and height in cells (20×10).
    public let gridWidth: Int, gridHeight: Int
    /// Anchors per cell (6).
    public let anchors: Int
    /// The raw sums' divisor (105 = 7·15).
    public let divisor: Double
    /// Input pixels per cell (16).
    public let cellSize: Double
    /// The box unit of exp(t_w), exp(t_h) (20).
    public let unit: Double
    /// Per anchor the 4 float32 offsets added to tx, ty, tw, th (`last_bias.npy` reshaped (6, 6)[:, :4]).
    public let lastBias: [[Float]]
    /// The image size boxes are given in when the caller gives none (640×360).
    public let defaultImageWidth: Int, defaultImageHeight: Int

    /// Validates and keeps the constants; `lastBias` has anchors × 6 values (the first 4 of each
    /// anchor's 6 are used).
    public init(gridWidth: Int, gridHeight: Int, anchors: Int, divisor: Double, cellSize: Double, unit: Double,
                lastBias: [Float], imageWidth: Int, imageHeight: Int) throws {
        guard (1...4096).contains(gridWidth), (1...4096).contains(gridHeight), (1...64).contains(anchors) else {
            throw DSCError.invalidArgument("ultranet head: grid \(gridWidth)x\(gridHeight) with \(anchors) anchors out of range")
        }
        for (name, v) in [("divisor", divisor), ("cell", cellSize), ("unit", unit)] where !(v.isFinite && v > 0) {
            throw DSCError.invalidArgument("ultranet head: \(name) must be a positive number; got \(v)")
        }
        guard lastBias.count == anchors * 6, lastBias.allSatisfy(\.isFinite) else {
            throw DSCError.invalidArgument("ultranet head: last-bias needs \(anchors * 6) finite numbers (\(anchors) anchors × 6); got \(lastBias.count)")
        }
        guard (1...1 << 20).contains(imageWidth), (1...1 << 20).contains(imageHeight) else {
            throw DSCError.invalidArgument("ultranet head: image \(imageWidth)x\(imageHeight) out of range")
        }
        self.gridWidth = gridWidth
        self.gridHeight = gridHeight
        self.anchors = anchors
        self.divisor = divisor
        self.cellSize = cellSize
        self.unit = unit
        self.lastBias = (0..<anchors).map { Array(lastBias[6 * $0..<6 * $0 + 4]) }
        self.defaultImageWidth = imageWidth
        self.defaultImageHeight = imageHeight
    }

    /// The head described by a `dscflow.detection` record (keys grid, anchors, divisor, cell, unit,
    /// last-bias, image; `UltraNetImporter` writes them). last-bias values are parsed as float32.
    public init(record: MetadataRecord) throws {
        guard let text = record["last-bias"] else {
            throw DSCError.invalidArgument("ultranet head: the detection metadata has no last-bias= (import with --last-bias last_bias.npy)")
        }
        let bias: [Float] = try text.split(separator: ",").map {
            guard let f = Float(String($0).trimmingSpaces()) else {
                throw DSCError.invalidArgument("ultranet head: last-bias value '\($0)' is not a number")
            }
            return f
        }
        let grid = try record.size("grid") ?? (20, 10)
        let image = try record.size("image") ?? (640, 360)
        func number(_ key: String, _ fallback: Double) throws -> Double {
            guard let v = try record.doubles(key) else { return fallback }
            guard v.count == 1 else { throw DSCError.invalidArgument("ultranet head: \(key) must be one number") }
            return v[0]
        }
        let anchors = try number("anchors", 6)
        guard anchors == anchors.rounded(), anchors >= 1, anchors <= 64 else {
            throw DSCError.invalidArgument("ultranet head: anchors must be a whole number 1…64")
        }
        try self.init(gridWidth: grid.width, gridHeight: grid.height, anchors: Int(anchors), divisor: try number("divisor", 105),
                      cellSize: try number("cell", 16), unit: try number("unit", 20), lastBias: bias,
                      imageWidth: image.width, imageHeight: image.height)
    }

    /// The winning cell (raster index) and its confidence sum: the first maximum of the per-cell sums.
    public func bestCell(output: UnsafeRawBufferPointer, tensor: Tensor) throws -> (cell: Int, confidence: Int64) {
        let fields = anchors * 6, cells = gridWidth * gridHeight
        guard tensor.type == .int32, tensor.elementCount == cells * fields, tensor.shape.last == fields else {
            throw DSCError.invalidArgument("ultranet head: expected an int32 output of \(gridHeight)×\(gridWidth)×\(fields); got \(tensor.signature)")
        }
        guard output.count == cells * fields * 4 else {
            throw DSCError.invalidArgument("ultranet head: output has \(output.count) bytes; expected \(cells * fields * 4)")
        }
        var best = Int64.min, at = 0
        for cell in 0..<cells {
            var sum: Int64 = 0
            for a in 0..<anchors { sum += Int64(value(output, cell, a, 4)) }
            if sum > best { best = sum; at = cell }
        }
        return (at, best)
    }

    private func value(_ output: UnsafeRawBufferPointer, _ cell: Int, _ anchor: Int, _ field: Int) -> Int32 {
        Int32(littleEndian: output.loadUnaligned(fromByteOffset: 4 * ((cell * anchors + anchor) * 6 + field), as: Int32.self))
    }

    /// The box exactly as the host gives it, in pixels of an `imageWidth`×`imageHeight` image (the
    /// defaults when 0); `raw` holds the cell index and its confidence sum.
    public func decode(output: UnsafeRawBufferPointer, tensor: Tensor, imageWidth: Int, imageHeight: Int) throws -> DetectedBox {
        let (cell, confidence) = try bestCell(output: output, tensor: tensor)
        let width = imageWidth > 0 ? imageWidth : defaultImageWidth, height = imageHeight > 0 ? imageHeight : defaultImageHeight
        let gx = cell % gridWidth, gy = cell / gridWidth
        var sx = 0.0, sy = 0.0, sw = 0.0, sh = 0.0
        for a in 0..<anchors {
            func t(_ k: Int) -> Double { Double(value(output, cell, a, k)) / divisor + Double(lastBias[a][k]) }
            sx += 1 / (1 + dsc_exp(-t(0)))
            sy += 1 / (1 + dsc_exp(-t(1)))
            sw += dsc_exp(t(2))
            sh += dsc_exp(t(3))
        }
        let n = Double(anchors)
        let scaleX = Double(width) / (Double(gridWidth) * cellSize), scaleY = Double(height) / (Double(gridHeight) * cellSize)
        var x = sx / n + Double(gx), y = sy / n + Double(gy), w = sw / n, h = sh / n
        x *= cellSize; y *= cellSize; w *= unit; h *= unit
        x *= scaleX; y *= scaleY; w *= scaleX; h *= scaleY
        let edges = [x - w / 2, x + w / 2, y - h / 2, y + h / 2]
        guard edges.allSatisfy({ $0.isFinite && abs($0) < 1e15 }) else {
            throw DSCError.invalidArgument("ultranet head: the decoded box \(edges) is not finite (the host's int() would fail too)")
        }
        let p = edges.map { Double(Int($0)) }  // int(): toward zero
        return DetectedBox(xmin: p[0], xmax: p[1], ymin: p[2], ymax: p[3], score: .nan, anchor: 0, gridX: gx, gridY: gy,
                           raw: [cell, Int(confidence)])
    }
}
