import CDSCFlowSupport
import DSCFlow

/// The iSmart3 board's host box decode (`FPGA/Deploy/SkyNet.py`, `compute_bounding_box`;
/// ../shared/ismart3/FACTS.md §10) of the PL's result (anchor j, cell x, y, and tx, ty, tw, th as ACC
/// codes, value code/256): every step stored back into a float32 array as the host's numpy array does,
///   p0 = f32(sigmoid(tx) + x), p1 = f32(sigmoid(ty) + y), p2 = f32(exp(tw)·aw), p3 = f32(exp(th)·ah),
///   p0 = f32(p0/W), p1 = f32(p1/H), p2 = f32(p2/W), p3 = f32(p3/H),
/// with Python's float64 `math` functions (the C library's exp), then in float64 (numpy 1.x promotion)
/// x1 = round((p0 − p2/2)·width), x2 = round((p0 + p2/2)·width), likewise y, round half to even, no
/// clipping. Output order x1, x2, y1, y2 (DAC-SDC's).
public struct ISmart3BoxDecoder: Sendable {
    /// (w0, h0, w1, h1) in grid cells.
    public let anchors: [Double]
    /// Grid columns W and rows H.
    public let gridWidth: Int, gridHeight: Int

    /// The decoder of a `dscflow.detection` record with `head=ismart3` (keys anchors, grid).
    public init(record: MetadataRecord) throws {
        guard record["head"] == "ismart3" else {
            throw DSCError.invalidArgument("the detection metadata says head=\(record["head"] ?? "(none)"), not ismart3")
        }
        guard let anchors = try record.doubles("anchors"), anchors.count == 4, anchors.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw DSCError.invalidArgument("ismart3 head: anchors must be 4 positive numbers (w0,h0,w1,h1)")
        }
        let grid = try record.size("grid") ?? (40, 20)
        guard grid.width <= 1 << 15, grid.height <= 1 << 15 else { throw DSCError.invalidArgument("ismart3 head: grid too large") }
        self.anchors = anchors
        gridWidth = grid.width
        gridHeight = grid.height
    }

    /// The decoder of `model`'s `dscflow.detection` metadata.
    public init(model: Model) throws {
        try self.init(record: try MetadataRecord(parsing: model.metadata[DetectionHeads.metadataKey] ?? "", name: DetectionHeads.metadataKey))
    }

    /// [x1, x2, y1, y2] in pixels of a `width`×`height` image (640×360 on the board).
    public func box(anchor: Int, x: Int, y: Int, codes: [Int], width: Int, height: Int) -> (x1: Int, x2: Int, y1: Int, y2: Int) {
        let (aw, ah) = anchor == 0 ? (anchors[0], anchors[1]) : (anchors[2], anchors[3])
        let t = codes.prefix(4).map { Double(Float(Double($0) / 256)) } + [Double](repeating: 0, count: max(0, 4 - codes.count))
        var p0 = Float(SkyNetBoxDecoder.sigmoid(t[0]) + Double(x)), p1 = Float(SkyNetBoxDecoder.sigmoid(t[1]) + Double(y))
        var p2 = Float(dsc_exp(t[2]) * aw), p3 = Float(dsc_exp(t[3]) * ah)
        p0 = Float(Double(p0) / Double(gridWidth))
        p1 = Float(Double(p1) / Double(gridHeight))
        p2 = Float(Double(p2) / Double(gridWidth))
        p3 = Float(Double(p3) / Double(gridHeight))
        func pixel(_ v: Double) -> Int {
            let r = v.rounded(.toNearestOrEven)
            return r.isFinite ? Int(max(min(r, 1e15), -1e15)) : (r.isNaN ? 0 : (r > 0 ? Int(1e15) : -Int(1e15)))
        }
        let (cx, cy, w2, h2) = (Double(p0), Double(p1), Double(p2) / 2, Double(p3) / 2)
        return (pixel((cx - w2) * Double(width)), pixel((cx + w2) * Double(width)),
                pixel((cy - h2) * Double(height)), pixel((cy + h2) * Double(height)))
    }

    /// The box as a `DetectedBox`: score = sigmoid(conf), `raw` = [anchor, x, y, tx, ty, tw, th, conf].
    public func detectedBox(anchor: Int, x: Int, y: Int, codes: [Int], width: Int, height: Int) -> DetectedBox {
        let b = box(anchor: anchor, x: x, y: y, codes: codes, width: width, height: height)
        let conf = codes.count > 4 ? Double(codes[4]) / 256 : .nan
        return DetectedBox(xmin: Double(b.x1), xmax: Double(b.x2), ymin: Double(b.y1), ymax: Double(b.y2),
                           score: SkyNetBoxDecoder.sigmoid(conf), anchor: anchor, gridX: x, gridY: y, raw: [anchor, x, y] + codes)
    }
}
