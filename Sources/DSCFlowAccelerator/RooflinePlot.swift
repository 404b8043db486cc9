import DSCFlow
/// A roofline plot of a report as SVG: log-log axes of computation-to-communication ratio
/// (operations per off-chip byte) against GOPS, the bandwidth slope, the DW and PW compute roofs, the
/// slope of every narrower port a layer is bound by (the image loader's, for the input layer), and one
/// point per layer at its achieved performance — filled when the report calls the layer compute-bound,
/// hollow when memory-bound. Layer labels are placed where they overlap no other label or point (with a
/// leader line when they cannot sit beside their point); a legend beside the plot names every mark.
public enum RooflinePlot {
    /// A rectangle of the plot, in SVG pixels.
    struct Box {
        var x0: Double, y0: Double, x1: Double, y1: Double

        func overlaps(_ b: Box) -> Bool { x0 < b.x1 && b.x0 < x1 && y0 < b.y1 && b.y0 < y1 }
    }

    /// Width of one label character at the labels' font size (9 px sans-serif), a generous estimate.
    static let labelCharWidth = 5.6
    /// Height of a label line.
    static let labelHeight = 10.0

    /// The SVG document.
    public static func svg(_ r: AcceleratorReport) -> String {
        let legendWidth = 190.0
        let width = 900.0, height = 500.0, left = 70.0, right = 20.0 + legendWidth, top = 40.0, bottom = 60.0
        let plotRight = width - right
        let layers = r.layers.filter { $0.cycles > 0 && $0.usefulMACs > 0 }
        let ctcs = layers.map { $0.ctc.isFinite ? $0.ctc : 1e4 }
        let roofs = [r.config.dwRoofGOPS, r.config.pwRoofGOPS] + layers.map(\.roofGOPS)
        let xMin = pow10(floorLog10(min(ctcs.min() ?? 1, 1))), xMax = pow10(ceilLog10(max(ctcs.max() ?? 10, 10)))
        let yMax = pow10(ceilLog10(max(roofs.max() ?? 1, 1) * 1.5))
        let yMin = pow10(floorLog10(max(min(layers.map(\.achievedGOPS).filter { $0 > 0 }.min() ?? 0.1, 1), 1e-4)))
        func px(_ x: Double) -> Double { left + (log10(x) - log10(xMin)) / (log10(xMax) - log10(xMin)) * (plotRight - left) }
        func py(_ y: Double) -> Double {
            let v = min(max(y, yMin), yMax)
            return height - bottom - (log10(v) - log10(yMin)) / (log10(yMax) - log10(yMin)) * (height - top - bottom)
        }
        func f(_ d: Double) -> String { String(saturatingInt((d * 10).rounded())) .withDecimal }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" font-family=\"sans-serif\" font-size=\"11\">\n"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        s += "<text x=\"\(Int((left + plotRight) / 2))\" y=\"20\" text-anchor=\"middle\" font-size=\"14\">Roofline: \(escape(r.modelName)) on \(escape(r.config.name))</text>\n"
        // Axes and decade grid.
        var d = xMin
        while d <= xMax * 1.0001 {
            s += "<line x1=\"\(f(px(d)))\" y1=\"\(f(top))\" x2=\"\(f(px(d)))\" y2=\"\(f(height - bottom))\" stroke=\"#ddd\"/>"
            s += "<text x=\"\(f(px(d)))\" y=\"\(f(height - bottom + 16))\" text-anchor=\"middle\">\(label(d))</text>\n"
            d *= 10
        }
        d = yMin
        while d <= yMax * 1.0001 {
            s += "<line x1=\"\(f(left))\" y1=\"\(f(py(d)))\" x2=\"\(f(plotRight))\" y2=\"\(f(py(d)))\" stroke=\"#ddd\"/>"
            s += "<text x=\"\(f(left - 6))\" y=\"\(f(py(d) + 4))\" text-anchor=\"end\">\(label(d))</text>\n"
            d *= 10
        }
        s += "<text x=\"\(Int((left + plotRight) / 2))\" y=\"\(Int(height - 20))\" text-anchor=\"middle\">computation-to-communication ratio (ops/byte)</text>\n"
        s += "<text x=\"16\" y=\"\(Int(height / 2))\" transform=\"rotate(-90 16 \(Int(height / 2)))\" text-anchor=\"middle\">GOPS</text>\n"
        // Roofs: min(roof, CTC × bandwidth).
        let bw = r.config.effectiveBandwidthGBps
        func roofLine(_ roof: Double, _ bandwidth: Double, _ colour: String, dashed: Bool, toEnd: Bool, _ cls: String) -> String {
            let knee = min(max(roof / max(bandwidth, 1e-9), xMin), xMax)
            let end = toEnd ? " \(f(px(xMax))),\(f(py(roof)))" : ""
            return "<polyline class=\"\(cls)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\"\(dashed ? " stroke-dasharray=\"6 4\"" : "") points=\"\(f(px(xMin))),\(f(py(xMin * bandwidth))) \(f(px(knee))),\(f(py(knee * bandwidth)))\(end)\"/>\n"
        }
        var taken: [Box] = []
        for (name, roof, colour) in [("DW", r.config.dwRoofGOPS, dwColour), ("PW", r.config.pwRoofGOPS, pwColour)] where roof > 0 {
            s += roofLine(roof, bw, colour, dashed: false, toEnd: true, "roof")
            let text = "\(name) roof \(label(roof)) GOPS"
            let box = Box(x0: plotRight - 4 - Double(text.count) * 6.2, y0: py(roof) - 15, x1: plotRight - 4, y1: py(roof) - 2)
            taken.append(box)
            s += "<text x=\"\(f(plotRight - 4))\" y=\"\(f(py(roof) - 4))\" text-anchor=\"end\" fill=\"\(colour)\">\(text)</text>\n"
        }
        // Narrower ports: a memory-bound layer whose attainable performance implies another bandwidth
        // than the main slope's (the input layer reading through the image loader) gets its own slope.
        var ports: [Double] = []
        for l in layers where l.memoryBound && l.ctc.isFinite && l.ctc > 0 && l.attainableGOPS > 0 {
            let b = l.attainableGOPS / l.ctc
            if abs(b - bw) > 0.01 * bw, !ports.contains(where: { abs($0 - b) <= 0.01 * b }) {
                ports.append(b)
                s += roofLine(l.roofGOPS, b, portColour, dashed: true, toEnd: false, "port")
            }
        }
        // Points, then labels placed around them.
        let points = zip(layers, ctcs).map { (l, x) in (l, px(x), py(l.achievedGOPS)) }
        taken += points.map { Box(x0: $0.1 - 5, y0: $0.2 - 5, x1: $0.1 + 5, y1: $0.2 + 5) }
        let plotArea = Box(x0: left, y0: top, x1: plotRight, y1: height - bottom)
        for (l, x, y) in points {
            let colour = l.role == .depthwise ? dwColour : pwColour
            let fill = l.memoryBound ? "white" : colour
            s += "<circle class=\"\(l.memoryBound ? "memory" : "compute")\" cx=\"\(f(x))\" cy=\"\(f(y))\" r=\"4\" fill=\"\(fill)\" stroke=\"\(colour)\" stroke-width=\"1.5\"><title>\(escape(l.name)): \(label(l.achievedGOPS)) GOPS at CTC \(label(l.ctc.isFinite ? l.ctc : 1e4)), \(l.memoryBound ? "memory" : "compute")-bound</title></circle>\n"
        }
        for (l, x, y) in points {
            let w = Double(l.name.count) * labelCharWidth
            let spot = placeLabel(width: w, pointX: x, pointY: y, taken: taken, inside: plotArea)
            taken.append(spot)
            if !(spot.x0 - 8 <= x && x <= spot.x1 + 8 && spot.y0 - 8 <= y && y <= spot.y1 + 8) {
                let lx = min(max(x, spot.x0), spot.x1), ly = min(max(y, spot.y0), spot.y1)
                s += "<line x1=\"\(f(x))\" y1=\"\(f(y))\" x2=\"\(f(lx))\" y2=\"\(f(ly))\" stroke=\"#999\" stroke-width=\"0.7\"/>"
            }
            s += "<text class=\"layer-label\" x=\"\(f(spot.x0))\" y=\"\(f(spot.y1 - 2))\" font-size=\"9\">\(escape(l.name))</text>\n"
        }
        s += legend(x: plotRight + 20, y: top, bandwidth: bw, ports: ports)
        s += "</svg>\n"
        return s
    }

    static let dwColour = "#c0392b", pwColour = "#2471a3", portColour = "#7d3c98"

    /// Where a label `width` wide goes for a point: the first free spot beside it (right, left, above,
    /// below), else the nearest free spot further out along a spiral (drawn with a leader line).
    static func placeLabel(width w: Double, pointX x: Double, pointY y: Double, taken: [Box], inside area: Box) -> Box {
        let h = labelHeight
        func fits(_ b: Box) -> Bool {
            b.x0 >= area.x0 && b.x1 <= area.x1 && b.y0 >= area.y0 && b.y1 <= area.y1 && !taken.contains { $0.overlaps(b) }
        }
        let beside = [Box(x0: x + 7, y0: y - h / 2, x1: x + 7 + w, y1: y + h / 2),
                      Box(x0: x - 7 - w, y0: y - h / 2, x1: x - 7, y1: y + h / 2),
                      Box(x0: x - w / 2, y0: y - 7 - h, x1: x + w / 2, y1: y - 7),
                      Box(x0: x - w / 2, y0: y + 7, x1: x + w / 2, y1: y + 7 + h)]
        if let b = beside.first(where: fits) { return b }
        for ring in 1...40 {
            let radius = 7 + Double(ring) * 6
            for k in 0..<16 {
                let angle = Double(k) * 0.392_699_081_698_724_15  // π/8
                let cx = x + radius * cosine(angle), cy = y - radius * sine(angle)
                let b = Box(x0: cx < x ? cx - w : cx, y0: cy - h / 2, x1: cx < x ? cx : cx + w, y1: cy + h / 2)
                if fits(b) { return b }
            }
        }
        return beside[0]
    }

    /// The legend: one line per kind of mark.
    static func legend(x: Double, y: Double, bandwidth: Double, ports: [Double]) -> String {
        func f(_ d: Double) -> String { String(saturatingInt((d * 10).rounded())).withDecimal }
        var rows: [(mark: String, text: String)] = [
            ("<line x1=\"0\" y1=\"0\" x2=\"22\" y2=\"0\" stroke=\"\(dwColour)\" stroke-width=\"2\"/>", "DW roof; slope \(label(bandwidth)) GB/s"),
            ("<line x1=\"0\" y1=\"0\" x2=\"22\" y2=\"0\" stroke=\"\(pwColour)\" stroke-width=\"2\"/>", "PW roof; slope \(label(bandwidth)) GB/s"),
        ]
        for p in ports {
            rows.append(("<line x1=\"0\" y1=\"0\" x2=\"22\" y2=\"0\" stroke=\"\(portColour)\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>",
                         "image port \(label(p)) GB/s"))
        }
        rows += [
            ("<rect x=\"7\" y=\"-4\" width=\"8\" height=\"8\" rx=\"4\" fill=\"\(dwColour)\"/>", "DW layer, compute-bound"),
            ("<rect x=\"7\" y=\"-4\" width=\"8\" height=\"8\" rx=\"4\" fill=\"\(pwColour)\"/>", "PW layer, compute-bound"),
            ("<rect x=\"7\" y=\"-4\" width=\"8\" height=\"8\" rx=\"4\" fill=\"white\" stroke=\"\(dwColour)\" stroke-width=\"1.5\"/>", "DW layer, memory-bound"),
            ("<rect x=\"7\" y=\"-4\" width=\"8\" height=\"8\" rx=\"4\" fill=\"white\" stroke=\"\(pwColour)\" stroke-width=\"1.5\"/>", "PW layer, memory-bound"),
        ]
        var s = "<g class=\"legend\" transform=\"translate(\(f(x)) \(f(y)))\" font-size=\"10\">\n"
        s += "<rect x=\"-8\" y=\"-14\" width=\"178\" height=\"\(f(Double(rows.count) * 18 + 12))\" fill=\"white\" stroke=\"#bbb\"/>\n"
        for (i, row) in rows.enumerated() {
            s += "<g transform=\"translate(0 \(i * 18))\">\(row.mark)<text x=\"30\" y=\"4\">\(escape(row.text))</text></g>\n"
        }
        return s + "</g>\n"
    }

    /// sin and cos without Foundation (Taylor series after reduction to [−π, π]; labels need no more).
    static func sine(_ a: Double) -> Double {
        var x = a
        let twoPi = 6.283_185_307_179_586
        while x > twoPi / 2 { x -= twoPi }
        while x < -twoPi / 2 { x += twoPi }
        var term = x, sum = x
        for n in 1..<12 {
            term *= -x * x / Double((2 * n) * (2 * n + 1))
            sum += term
        }
        return sum
    }

    static func cosine(_ a: Double) -> Double { sine(a + 1.570_796_326_794_896_6) }

    static func log10(_ x: Double) -> Double { ln(x) / ln(10) }
    static func floorLog10(_ x: Double) -> Int { min(max(saturatingInt(log10(x).rounded(.down)), -30), 30) }
    static func ceilLog10(_ x: Double) -> Int { min(max(saturatingInt(log10(x).rounded(.up)), -30), 30) }
    static func pow10(_ k: Int) -> Double {
        var v = 1.0
        if k >= 0 { for _ in 0..<k { v *= 10 } } else { for _ in 0..<(-k) { v /= 10 } }
        return v
    }

    /// Natural logarithm without Foundation (range reduction to [1, 2) plus the atanh series).
    static func ln(_ x: Double) -> Double {
        guard x > 0, x.isFinite else { return x == 0 ? -.infinity : .nan }
        var m = x, e = 0.0
        while m >= 2 { m /= 2; e += 1 }
        while m < 1 { m *= 2; e -= 1 }
        let t = (m - 1) / (m + 1), t2 = t * t
        var term = t, sum = 0.0, k = 1.0
        for _ in 0..<40 { sum += term / k; term *= t2; k += 2 }
        return 2 * sum + e * 0.693_147_180_559_945_3
    }

    static func label(_ d: Double) -> String {
        if d >= 1000 || d == d.rounded() { return String(saturatingInt(d.rounded())) }
        if d >= 1 { return String(saturatingInt((d * 10).rounded())).withDecimal }
        return String(Double(saturatingInt((d * 1000).rounded())) / 1000)
    }

    static func escape(_ s: String) -> String {
        var o = ""
        for ch in s {
            switch ch {
            case "<": o += "&lt;"
            case ">": o += "&gt;"
            case "&": o += "&amp;"
            case "\"": o += "&quot;"
            default: o.append(ch)
            }
        }
        return o
    }
}

private extension String {
    /// "1234" (tenths) → "123.4".
    var withDecimal: String {
        var digits = self
        var sign = ""
        if digits.hasPrefix("-") { sign = "-"; digits.removeFirst() }
        while digits.count < 2 { digits = "0" + digits }
        return sign + digits.dropLast() + "." + digits.suffix(1)
    }
}
