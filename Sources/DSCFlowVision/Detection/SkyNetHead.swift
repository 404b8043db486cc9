import DSCFlow
/// SkyNet's single-object head decoded in floating point, for quantized (TFLite) detectors: the
/// output is a [1, H, W, C] grid holding, per anchor a, a block of channels named by `channels=`
/// (default `tx,ty,tw,th,conf`) at channel offset a·(block size) ("anchor-major").
///
/// Decode (SkyNet's host code: `Compute_BBOX` plus `Deploy/run.py` `compute_bounding_box`):
/// 1. per anchor, the cell with the highest dequantized `conf`, raster order (y outer, x inner),
///    ties keep the first cell;
/// 2. the anchor with the higher conf wins; ties go to the lower anchor;
/// 3. t = (q − zeroPoint) · scale in double precision for tx, ty, tw, th of that anchor and cell;
/// 4. bcx = (sigmoid(tx) + x)/W, bcy = (sigmoid(ty) + y)/H, bw = exp(tw)·anchorW/W,
///    bh = exp(th)·anchorH/H (double, libm `exp`), with W×H the grid and anchors in grid units;
/// 5. b0 = f32(bcx − bw/2), b1 = f32(bcy − bh/2), b2 = f32(b0 + bw), b3 = f32(b1 + bh) (sums in
///    double from the float32 b0/b1, numpy 1.x's rule);
/// 6. pixels: round half to even of the float32 products b0·w, b2·w, b1·h, b3·h, clipped to
///    [1, w] and [1, h] for an image of w×h pixels (SkyNet's clip). Steps 4–6 are `SkyNetBoxDecoder`.
/// The result is [xmin, xmax) × [ymin, ymax) in whole pixels, score = sigmoid(conf), and
/// `raw` = [tx, ty, tw, th, anchor, x, y, conf] as stored integers (SkrSkr's word order plus conf).
public struct SkyNetHead: DetectionHead {
    /// Anchor sizes (width, height) in grid cells, in channel-block order.
    public let anchors: [(width: Double, height: Double)]
    /// The grid the metadata promises (`grid=WxH`), checked against the output tensor if given.
    public let grid: (width: Int, height: Int)?
    /// Channels per anchor block, and where tx, ty, tw, th, conf sit in it.
    public let blockSize: Int
    let tx: Int, ty: Int, tw: Int, th: Int, conf: Int

    /// The head described by a `dscflow.detection` record: `anchors=w0,h0,w1,h1,...` (grid units,
    /// required), optional `grid=WxH` and `channels=` (names per anchor block; must contain tx, ty,
    /// tw, th and conf once each; other names are skipped).
    public init(record: MetadataRecord) throws {
        guard let a = try record.doubles("anchors") else {
            throw DSCError.invalidArgument("skynet head: anchors=w0,h0,w1,h1 (grid units) is required (in the model's metadata or as a detection option)")
        }
        guard a.count >= 2, a.count % 2 == 0, a.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw DSCError.invalidArgument("skynet head: anchors='\(record["anchors"] ?? "")' must be pairs of positive numbers w,h")
        }
        anchors = stride(from: 0, to: a.count, by: 2).map { (a[$0], a[$0 + 1]) }
        grid = try record.size("grid")
        let names = (record["channels"] ?? "tx,ty,tw,th,conf").split(separator: ",").map { String($0).trimmingSpaces() }
        func position(_ n: String) throws -> Int {
            let hits = names.indices.filter { names[$0] == n }
            guard hits.count == 1 else {
                throw DSCError.invalidArgument("skynet head: channels='\(names.joined(separator: ","))' must name \(n) exactly once")
            }
            return hits[0]
        }
        tx = try position("tx"); ty = try position("ty"); tw = try position("tw"); th = try position("th")
        conf = try position("conf")
        blockSize = names.count
    }

    /// The box for an image of `imageWidth`×`imageHeight` pixels (steps 1–6 above). Throws if the
    /// tensor is not [1, H, W, C ≥ anchors·block] with one positive scale, the grid differs from
    /// `grid=`, or `output` is shorter than the tensor.
    public func decode(output: UnsafeRawBufferPointer, tensor: Tensor, imageWidth: Int, imageHeight: Int) throws -> DetectedBox {
        let s = tensor.shape
        guard s.count == 4 || s.count == 3, s.count == 3 || s[0] == 1 else {
            throw DSCError.invalidTensor(op: -1, tensor: tensor.name, reason: "a SkyNet head needs a [1, H, W, C] output, not \(tensor.signature)")
        }
        let gh = s[s.count - 3], gw = s[s.count - 2], c = s[s.count - 1]
        let needed = anchors.count * blockSize
        guard gh >= 1, gw >= 1, c >= needed else {
            throw DSCError.invalidTensor(op: -1, tensor: tensor.name, reason: "\(tensor.signature) has \(c) channels; \(anchors.count) anchors × \(blockSize) need \(needed)")
        }
        if let g = grid, g.width != gw || g.height != gh {
            throw DSCError.invalidTensor(op: -1, tensor: tensor.name, reason: "metadata grid=\(g.width)x\(g.height) but the output is \(tensor.signature)")
        }
        let count = try checkedElementCount(s, "output \(tensor.name)")
        guard output.count >= (try checkedMul(count, tensor.type.byteSize, "output \(tensor.name)")) else {
            throw DSCError.invalidArgument("output buffer has \(output.count) bytes; \(tensor.signature) needs \(count * tensor.type.byteSize)")
        }
        guard imageWidth >= 1, imageHeight >= 1, imageWidth <= 1 << 24, imageHeight <= 1 << 24 else {
            throw DSCError.invalidArgument("image size \(imageWidth)×\(imageHeight) must be in 1…2^24")
        }
        let q = tensor.quantization
        let scale = Double(q?.scale ?? 1), zeroPoint = Int(q?.zeroPoint ?? 0)
        guard !(q?.isPerChannel ?? false), scale.isFinite, scale > 0 else {
            throw DSCError.invalidTensor(op: -1, tensor: tensor.name, reason: "a SkyNet head needs one positive output scale")
        }
        func stored(_ y: Int, _ x: Int, _ ch: Int) -> Int { Int(output.element((y * gw + x) * c + ch, as: tensor.type)) }
        func real(_ v: Int) -> Double { Double(v - zeroPoint) * scale }

        // 1–2: best cell per anchor (raster order, first wins), then the best anchor (first wins).
        var best = (anchor: 0, y: 0, x: 0, conf: -Double.infinity)
        for a in 0..<anchors.count {
            let ch = a * blockSize + conf
            var top = (y: 0, x: 0, value: stored(0, 0, ch))
            for y in 0..<gh {
                for x in 0..<gw {
                    let v = stored(y, x, ch)
                    if v > top.value { top = (y, x, v) }
                }
            }
            let r = real(top.value)
            if r > best.conf { best = (a, top.y, top.x, r) }
        }
        let base = best.anchor * blockSize
        let rtx = stored(best.y, best.x, base + tx), rty = stored(best.y, best.x, base + ty)
        let rtw = stored(best.y, best.x, base + tw), rth = stored(best.y, best.x, base + th)
        let rconf = stored(best.y, best.x, base + conf)

        // 3–6: the float decode to pixels.
        let anchor = anchors[best.anchor]
        let box = SkyNetBoxDecoder.pixels(tx: real(rtx), ty: real(rty), tw: real(rtw), th: real(rth), cellX: best.x, cellY: best.y,
                                          anchorWidth: anchor.width, anchorHeight: anchor.height, gridWidth: gw, gridHeight: gh,
                                          imageWidth: imageWidth, imageHeight: imageHeight)
        return DetectedBox(xmin: Double(box.xmin), xmax: Double(box.xmax), ymin: Double(box.ymin), ymax: Double(box.ymax),
                           score: SkyNetBoxDecoder.sigmoid(real(rconf)), anchor: best.anchor, gridX: best.x, gridY: best.y,
                           raw: [rtx, rty, rtw, rth, best.anchor, best.x, best.y, rconf])
    }
}
