import DSCFlow
/// SkyNet's single-box head as the SkrSkr accelerator and its host compute it (FACTS §6, §7):
/// the PL's `Compute_BBOX` (argmax of each anchor's confidence channel over the grid in raster order
/// with a strict `>`, confidence = raw accumulator × M, a strict `>` between anchors so ties go to
/// anchor 0, int16 clamp of the 7 words), then `Deploy/run.py`'s decode (float64 sigmoid and exp,
/// float32 storage, xmax = xmin + width from the float32 xmin, numpy 1.x promotion, round half to
/// even, clip to [1, width] × [1, height], order xmin, xmax, ymin, ymax).
///
/// Input: the model's raw int32 output [1, gridHeight, gridWidth, 10] (anchor 0: tx, ty, tw, th, conf;
/// anchor 1: the same). Every constant comes from the model's `dscflow.detection` metadata.
public struct SkrSkrHead: DetectionHead {
    /// (w0, h0, w1, h1) in grid cells.
    public let anchors: [Double]
    /// The last layer's per-channel multipliers M (10): the box scales and the confidence weights.
    public let multipliers: [Int32]
    /// The host's scale of the raw words (2^17 on SkrSkr).
    public let qm: Double
    /// The output grid's width in cells (40 on SkrSkr).
    public let gridWidth: Int
    /// The output grid's height in cells (20 on SkrSkr).
    public let gridHeight: Int
    /// The image size the host scales to when the caller gives none (640×360 for DAC-SDC).
    public let defaultImageWidth: Int
    /// The image height the host scales to when the caller gives none.
    public let defaultImageHeight: Int

    /// Validates and keeps the constants (4 positive anchors, 10 multipliers, qm > 0, grid ≥ 1).
    public init(anchors: [Double], multipliers: [Int32], qm: Double, gridWidth: Int, gridHeight: Int,
                imageWidth: Int, imageHeight: Int) throws {
        guard anchors.count == 4, anchors.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw DSCError.invalidArgument("skrskr head: anchors must be 4 positive numbers (w0,h0,w1,h1); got \(anchors)")
        }
        guard multipliers.count == 10 else {
            throw DSCError.invalidArgument("skrskr head: multipliers must be 10 integers; got \(multipliers.count)")
        }
        guard qm.isFinite, qm > 0 else { throw DSCError.invalidArgument("skrskr head: qm must be positive; got \(qm)") }
        // The grid position travels in int16 PL words.
        guard gridWidth >= 1, gridHeight >= 1, gridWidth <= 32767, gridHeight <= 32767 else {
            throw DSCError.invalidArgument("skrskr head: grid \(gridWidth)x\(gridHeight) out of range")
        }
        guard imageWidth >= 1, imageHeight >= 1, imageWidth <= 1 << 20, imageHeight <= 1 << 20 else {
            throw DSCError.invalidArgument("skrskr head: image \(imageWidth)x\(imageHeight) out of range")
        }
        self.anchors = anchors
        self.multipliers = multipliers
        self.qm = qm
        self.gridWidth = gridWidth
        self.gridHeight = gridHeight
        self.defaultImageWidth = imageWidth
        self.defaultImageHeight = imageHeight
    }

    /// The head described by a `dscflow.detection` record (keys anchors, multipliers, qm, grid, image).
    public init(record: MetadataRecord) throws {
        guard let anchors = try record.doubles("anchors") else {
            throw DSCError.invalidArgument("skrskr head: the detection metadata has no anchors=")
        }
        guard let m = try record.doubles("multipliers") else {
            throw DSCError.invalidArgument("skrskr head: the detection metadata has no multipliers=")
        }
        let multipliers: [Int32] = try m.map {
            guard $0 == $0.rounded(), $0 >= -32768, $0 <= 32767 else {
                throw DSCError.invalidArgument("skrskr head: multiplier \($0) is not an int16")
            }
            return Int32($0)
        }
        let qm = try record.doubles("qm")?.first ?? 131072
        let grid = try record.size("grid") ?? (40, 20)
        let image = try record.size("image") ?? (640, 360)
        try self.init(anchors: anchors, multipliers: multipliers, qm: qm, gridWidth: grid.width,
                      gridHeight: grid.height, imageWidth: image.width, imageHeight: image.height)
    }

    /// The accelerator's 7 words [xs, ys, ws, hs, flag, x, y] (`Compute_BBOX`), each clamped to int16.
    public func plWords(output: UnsafeRawBufferPointer, tensor: Tensor) throws -> [Int] {
        let cells = gridWidth * gridHeight
        guard tensor.type == .int32, tensor.elementCount == cells * 10, tensor.shape.last == 10 else {
            throw DSCError.invalidArgument("skrskr head: expected an int32 output of \(gridHeight)×\(gridWidth)×10; got \(tensor.signature)")
        }
        guard output.count == cells * 40 else {
            throw DSCError.invalidArgument("skrskr head: output has \(output.count) bytes; expected \(cells * 40)")
        }
        func a(_ cell: Int, _ c: Int) -> Int32 {
            Int32(littleEndian: output.loadUnaligned(fromByteOffset: 4 * (cell * 10 + c), as: Int32.self))
        }
        // Raster-order argmax, first maximum wins (strict >).
        func argmax(_ c: Int) -> (value: Int32, cell: Int) {
            var best = a(0, c), at = 0
            for cell in 1..<max(cells, 1) where a(cell, c) > best {
                best = a(cell, c)
                at = cell
            }
            return (best, at)
        }
        let (m0, cell0) = argmax(4)
        let (m1, cell1) = argmax(9)
        // Both confidences are 32-bit ints on the PL; anchor 1 only wins when strictly greater.
        let conf0 = m0 &* multipliers[4]
        let conf1 = m1 &* multipliers[9]
        let anchor1 = conf1 > conf0
        let cell = anchor1 ? cell1 : cell0
        let base = anchor1 ? 5 : 0
        let words = [a(cell, base), a(cell, base + 1), a(cell, base + 2), a(cell, base + 3),
                     anchor1 ? 1 : 0, Int32(cell % gridWidth), Int32(cell / gridWidth)]
        return words.map { Int(min(max($0, -32768), 32767)) }
    }

    /// `Deploy/run.py`'s decode of the 7 words into [xmin, xmax, ymin, ymax] pixels.
    public func decodeWords(_ w: [Int], imageWidth: Int, imageHeight: Int) throws -> (xmin: Int, xmax: Int, ymin: Int, ymax: Int) {
        guard w.count == 7 else { throw DSCError.invalidArgument("skrskr head: expected 7 PL words; got \(w.count)") }
        guard imageWidth >= 1, imageHeight >= 1, imageWidth <= 1 << 20, imageHeight <= 1 << 20 else {
            throw DSCError.invalidArgument("skrskr head: image \(imageWidth)x\(imageHeight) out of range")
        }
        let one = w[4] > 0
        let m = one ? Array(multipliers[5...8]) : Array(multipliers[0...3])
        let (aw, ah) = one ? (anchors[2], anchors[3]) : (anchors[0], anchors[1])
        let txf = Double(w[0]) * (Double(m[0]) / qm)
        let tyf = Double(w[1]) * (Double(m[1]) / qm)
        let twf = Double(w[2]) * (Double(m[2]) / qm)
        let thf = Double(w[3]) * (Double(m[3]) / qm)
        return SkyNetBoxDecoder.pixels(tx: txf, ty: tyf, tw: twf, th: thf, cellX: w[5], cellY: w[6], anchorWidth: aw,
                                       anchorHeight: ah, gridWidth: gridWidth, gridHeight: gridHeight,
                                       imageWidth: imageWidth, imageHeight: imageHeight)
    }

    /// The box exactly as the accelerator and its host give it; `raw` holds the 7 PL words and `score`
    /// is sigmoid(conf · M / qm) of the winning anchor's cell.
    public func decode(output: UnsafeRawBufferPointer, tensor: Tensor, imageWidth: Int, imageHeight: Int) throws -> DetectedBox {
        let words = try plWords(output: output, tensor: tensor)
        let w = imageWidth > 0 ? imageWidth : defaultImageWidth
        let h = imageHeight > 0 ? imageHeight : defaultImageHeight
        let box = try decodeWords(words, imageWidth: w, imageHeight: h)
        let anchor = words[4] > 0 ? 1 : 0
        let cell = words[6] * gridWidth + words[5]
        let conf = Int32(littleEndian: output.loadUnaligned(fromByteOffset: 4 * (cell * 10 + 5 * anchor + 4), as: Int32.self))
        let score = SkyNetBoxDecoder.sigmoid(Double(conf) * (Double(multipliers[5 * anchor + 4]) / qm))
        return DetectedBox(xmin: Double(box.xmin), xmax: Double(box.xmax), ymin: Double(box.ymin), ymax: Double(box.ymax),
                           score: score, anchor: anchor, gridX: words[5], gridY: words[6], raw: words)
    }
}
