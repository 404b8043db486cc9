import DSCFlow
extension Image {
    /// Draws the outline of the box [xmin, xmax) × [ymin, ymax) (pixel-edge coordinates, rounded to
    /// whole pixels) with lines `thickness` pixels wide inside the box, clipped to the image.
    /// `color` is R, G, B; gray images get its ITU-R 601 luma, RGBA images alpha 255.
    /// A box outside the image draws nothing; a box thinner than two lines is filled.
    public mutating func drawRectangle(xmin: Double, xmax: Double, ymin: Double, ymax: Double,
                                       color: (red: UInt8, green: UInt8, blue: UInt8) = (255, 0, 0), thickness: Int = 2) {
        func edge(_ v: Double, _ size: Int) -> Int {
            guard v.isFinite else { return v > 0 ? size : 0 }
            return Int(min(max(v.rounded(), 0), Double(size)))
        }
        let x0 = edge(xmin, width), x1 = edge(xmax, width), y0 = edge(ymin, height), y1 = edge(ymax, height)
        guard x1 > x0, y1 > y0, thickness >= 1 else { return }
        let value: [UInt8]
        switch channels {
        case 1:
            let r: Int = Int(color.red) * 299, g: Int = Int(color.green) * 587, b: Int = Int(color.blue) * 114
            value = [UInt8((r + g + b + 500) / 1000)]
        case 3: value = [color.red, color.green, color.blue]
        default: value = [color.red, color.green, color.blue, 255]
        }
        let t = min(thickness, max(x1 - x0, y1 - y0))
        for y in y0..<y1 {
            let horizontal = y < y0 + t || y >= y1 - t
            for x in x0..<x1 where horizontal || x < x0 + t || x >= x1 - t {
                let p = (y * width + x) * channels
                for k in 0..<channels { pixels[p + k] = value[k] }
            }
        }
    }

    /// Draws a detection's box (see `drawRectangle`).
    public mutating func draw(_ box: DetectedBox, color: (red: UInt8, green: UInt8, blue: UInt8) = (255, 0, 0), thickness: Int = 2) {
        drawRectangle(xmin: box.xmin, xmax: box.xmax, ymin: box.ymin, ymax: box.ymax, color: color, thickness: thickness)
    }
}
