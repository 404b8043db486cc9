import DSCFlow
/// A roofline plot of a report as SVG: log-log axes of computation-to-communication ratio
/// (operations per off-chip byte) against GOPS, the bandwidth slope, the DW and PW compute roofs,
/// and one point per layer at its achieved performance.
public enum RooflinePlot {
    /// The SVG document.
    public static func svg(_ r: AcceleratorReport) -> String {
        let width = 720.0, height = 480.0, left = 70.0, right = 20.0, top = 40.0, bottom = 60.0
        let layers = r.layers.filter { $0.cycles > 0 && $0.usefulMACs > 0 }
        let ctcs = layers.map { $0.ctc.isFinite ? $0.ctc : 1e4 }
        let roofs = [r.config.dwRoofGOPS, r.config.pwRoofGOPS] + layers.map(\.roofGOPS)
        let xMin = pow10(floorLog10(min(ctcs.min() ?? 1, 1))), xMax = pow10(ceilLog10(max(ctcs.max() ?? 10, 10)))
        let yMax = pow10(ceilLog10(max(roofs.max() ?? 1, 1) * 1.5))
        let yMin = pow10(floorLog10(max(min(layers.map(\.achievedGOPS).filter { $0 > 0 }.min() ?? 0.1, 1), 1e-4)))
        func px(_ x: Double) -> Double { left + (log10(x) - log10(xMin)) / (log10(xMax) - log10(xMin)) * (width - left - right) }
        func py(_ y: Double) -> Double {
            let v = min(max(y, yMin), yMax)
            return height - bottom - (log10(v) - log10(yMin)) / (log10(yMax) - log10(yMin)) * (height - top - bottom)
        }
        func f(_ d: Double) -> String { String(saturatingInt((d * 10).rounded())) .withDecimal }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" font-family=\"sans-serif\" font-size=\"11\">\n"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        s += "<text x=\"\(Int(width / 2))\" y=\"20\" text-anchor=\"middle\" font-size=\"14\">Roofline: \(escape(r.modelName)) on \(escape(r.config.name))</text>\n"
        // Axes and decade grid.
        var d = xMin
        while d <= xMax * 1.0001 {
            s += "<line x1=\"\(f(px(d)))\" y1=\"\(f(top))\" x2=\"\(f(px(d)))\" y2=\"\(f(height - bottom))\" stroke=\"#ddd\"/>"
            s += "<text x=\"\(f(px(d)))\" y=\"\(f(height - bottom + 16))\" text-anchor=\"middle\">\(label(d))</text>\n"
            d *= 10
        }
        d = yMin
        while d <= yMax * 1.0001 {
            s += "<line x1=\"\(f(left))\" y1=\"\(f(py(d)))\" x2=\"\(f(width - right))\" y2=\"\(f(py(d)))\" stroke=\"#ddd\"/>"
            s += "<text x=\"\(f(left - 6))\" y=\"\(f(py(d) + 4))\" text-anchor=\"end\">\(label(d))</text>\n"
            d *= 10
        }
        s += "<text x=\"\(Int(width / 2))\" y=\"\(Int(height - 20))\" text-anchor=\"middle\">computation-to-communication ratio (ops/byte)</text>\n"
        s += "<text x=\"16\" y=\"\(Int(height / 2))\" transform=\"rotate(-90 16 \(Int(height / 2)))\" text-anchor=\"middle\">GOPS</text>\n"
        // Roofs: min(roof, CTC × bandwidth).
        let bw = r.config.effectiveBandwidthGBps
        for (name, roof, colour) in [("DW", r.config.dwRoofGOPS, "#c0392b"), ("PW", r.config.pwRoofGOPS, "#2471a3")] where roof > 0 {
            let knee = roof / max(bw, 1e-9)
            let x0 = xMin, x1 = min(max(knee, xMin), xMax)
            s += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" points=\"\(f(px(x0))),\(f(py(x0 * bw))) \(f(px(x1))),\(f(py(x1 * bw))) \(f(px(xMax))),\(f(py(roof)))\"/>\n"
            s += "<text x=\"\(f(px(xMax) - 4))\" y=\"\(f(py(roof) - 4))\" text-anchor=\"end\" fill=\"\(colour)\">\(name) roof \(label(roof)) GOPS</text>\n"
        }
        // One point per layer.
        for (l, x) in zip(layers, ctcs) {
            let colour = l.role == .depthwise ? "#c0392b" : "#2471a3"
            s += "<circle cx=\"\(f(px(x)))\" cy=\"\(f(py(l.achievedGOPS)))\" r=\"4\" fill=\"\(colour)\" fill-opacity=\"0.7\"><title>\(escape(l.name)): \(label(l.achievedGOPS)) GOPS at CTC \(label(x))</title></circle>"
            s += "<text x=\"\(f(px(x) + 6))\" y=\"\(f(py(l.achievedGOPS) + 3))\" font-size=\"9\">\(escape(l.name))</text>\n"
        }
        s += "</svg>\n"
        return s
    }

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
