import CDSCFlowSupport
import DSCFlow

/// SkyNet's host-side box decode (`Deploy/run.py` `compute_bounding_box`, FACTS §7), shared by every
/// SkyNet head: from the winning cell's real-valued offsets to whole pixels of a w×h image.
///
/// bcx = (sigmoid(tx) + x)/W, bcy = (sigmoid(ty) + y)/H, bw = exp(tw)·anchorW/W,
/// bh = exp(th)·anchorH/H in float64 (libm `exp`); b0 = f32(bcx − bw/2), b1 = f32(bcy − bh/2),
/// b2 = f32(b0 + bw), b3 = f32(b1 + bh) with the sums in float64 from the float32 b0/b1 (numpy 1.x);
/// pixels = round half to even of the float32 products b·w, b·h, clipped to [1, w] and [1, h]
/// (non-finite values clip to the nearer end; NaN to 1). Order: xmin, xmax, ymin, ymax.
public enum SkyNetBoxDecoder {
    /// The box in pixels of a `imageWidth`×`imageHeight` image (both ≥ 1) for offsets
    /// (tx, ty, tw, th) at grid cell (`cellX`, `cellY`) of a `gridWidth`×`gridHeight` grid, with the
    /// anchor's size in grid cells.
    public static func pixels(tx: Double, ty: Double, tw: Double, th: Double, cellX: Int, cellY: Int,
                              anchorWidth: Double, anchorHeight: Double, gridWidth: Int, gridHeight: Int,
                              imageWidth: Int, imageHeight: Int) -> (xmin: Int, xmax: Int, ymin: Int, ymax: Int) {
        let bcx = (sigmoid(tx) + Double(cellX)) / Double(gridWidth)
        let bcy = (sigmoid(ty) + Double(cellY)) / Double(gridHeight)
        let bw = dsc_exp(tw) * anchorWidth / Double(gridWidth)
        let bh = dsc_exp(th) * anchorHeight / Double(gridHeight)
        let b0 = Float(bcx - bw / 2), b1 = Float(bcy - bh / 2)
        let b2 = Float(Double(b0) + bw), b3 = Float(Double(b1) + bh)
        // float32 × int is computed in float32; Python's round() on a numpy float32 is half to even.
        func pixel(_ b: Float, _ size: Int) -> Int {
            let p = (b * Float(size)).rounded(.toNearestOrEven)
            if !(p >= 1) { return 1 }  // also NaN
            return p >= Float(size) ? size : Int(p)
        }
        return (pixel(b0, imageWidth), pixel(b2, imageWidth), pixel(b1, imageHeight), pixel(b3, imageHeight))
    }

    /// 1/(1 + e^−t) in float64 with the C library's exp (numpy's float64 scalar arithmetic).
    public static func sigmoid(_ t: Double) -> Double {
        1 / (1 + dsc_exp(-t))
    }
}
