import DSCFlow
import Foundation

/// A small UltraNet-shaped design written the way the original's `param.h` and `config.h` are
/// (FACTS.md §4: PE × W_TILES words of SIMD 4-bit lanes, inc/bias at [p][of]), from random weights the
/// test keeps, so the importer's unpacking is checked against the values that were packed, and a
/// model small enough for the reference kernels and the emulator runs in milliseconds. Always
/// available (no third-party data).
struct UltraNetSyntheticDesign {
    struct Layer {
        let k: Int, inC: Int, outC: Int, h: Int, w: Int, simd: Int, pe: Int, inBits: Int, incBits: Int, biasBits: Int
        var head: Bool { incBits == 0 }
        var tiles: Int { k * k * inC * outC / (simd * pe) }
    }

    /// conv_0 reads the resize's 32×64 output (360×640 → 32×64 is exact in the HLS fixed point); pools
    /// after conv_0…conv_3 leave 2×4 for conv_4…conv_8.
    static let layers: [Layer] = [
        .init(k: 3, inC: 3, outC: 4, h: 32, w: 64, simd: 3, pe: 4, inBits: 8, incBits: 14, biasBits: 26),
        .init(k: 3, inC: 4, outC: 8, h: 16, w: 32, simd: 4, pe: 2, inBits: 4, incBits: 13, biasBits: 21),
        .init(k: 3, inC: 8, outC: 8, h: 8, w: 16, simd: 8, pe: 4, inBits: 4, incBits: 12, biasBits: 22),
        .init(k: 3, inC: 8, outC: 16, h: 4, w: 8, simd: 8, pe: 2, inBits: 4, incBits: 11, biasBits: 21),
        .init(k: 3, inC: 16, outC: 16, h: 2, w: 4, simd: 16, pe: 2, inBits: 4, incBits: 13, biasBits: 21),
        .init(k: 3, inC: 16, outC: 16, h: 2, w: 4, simd: 8, pe: 4, inBits: 4, incBits: 12, biasBits: 21),
        .init(k: 3, inC: 16, outC: 16, h: 2, w: 4, simd: 16, pe: 1, inBits: 4, incBits: 13, biasBits: 22),
        .init(k: 3, inC: 16, outC: 16, h: 2, w: 4, simd: 8, pe: 2, inBits: 4, incBits: 14, biasBits: 23),
        .init(k: 1, inC: 16, outC: 36, h: 2, w: 4, simd: 8, pe: 2, inBits: 4, incBits: 0, biasBits: 0),
    ]

    /// Per layer the weights OHWI (−8…7), the BN multipliers and addends per output channel.
    var weights: [[Int]] = []
    var inc: [[Int]] = []
    var bias: [[Int]] = []

    init(seed: UInt64) {
        var g = SeededGenerator(seed: seed)
        for l in Self.layers {
            weights.append((0..<(l.outC * l.k * l.k * l.inC)).map { _ in Int.random(in: -8...7, using: &g) })
            if l.head { inc.append([]); bias.append([]); continue }
            // Multipliers and addends of the design's magnitudes, a few at the extremes of their widths.
            let maxInc = (1 << (l.incBits - 1)) - 1
            inc.append((0..<l.outC).map { _ in Bool.random(using: &g) ? Int.random(in: -(maxInc + 1)...maxInc, using: &g)
                                                             : Int.random(in: 200...min(3000, maxInc), using: &g) })
            bias.append((0..<l.outC).map { _ in Int.random(in: -(1 << (l.biasBits - 1))...((1 << (l.biasBits - 1)) - 1), using: &g) })
        }
    }

    static func hex(_ v: Int) -> String { (v < 0 ? "-0x" : "0x") + String(abs(v), radix: 16) }

    /// `param.h` text: `conv_N_w[PE][TILES]` of `ap_uint<SIMD·4>`, `conv_N_inc` / `conv_N_bias` [PE][OFM/PE].
    var parameterHeader: String {
        var s = ""
        for (i, l) in Self.layers.enumerated() {
            let k2c = l.k * l.k * l.inC, foldIn = k2c / l.simd
            s += "// conv_\(i)_w\n//PEs = \(l.pe), SIMD = \(l.simd)\nconst ap_uint<\(4 * l.simd)> conv_\(i)_w[\(l.pe)][\(l.tiles)] = {\n"
            s += (0..<l.pe).map { p in
                "{" + (0..<l.tiles).map { t -> String in
                    let o = t / foldIn * l.pe + p, m0 = t % foldIn * l.simd
                    var digits = ""
                    for lane in (0..<l.simd).reversed() { digits += String(weights[i][o * k2c + m0 + lane] & 15, radix: 16) }
                    let trimmed = String(digits.drop { $0 == "0" })
                    return "\"0x\(trimmed.isEmpty ? "0" : trimmed)\""
                }.joined(separator: ", ") + "}"
            }.joined(separator: ",\n") + "};\n"
            if l.head { continue }
            for (part, bits, values) in [("inc", l.incBits, inc[i]), ("bias", l.biasBits, bias[i])] {
                s += "/* conv_\(i)_\(part) */\nconst ap_int<\(bits)> conv_\(i)_\(part)[\(l.pe)][\(l.outC / l.pe)] = {\n"
                s += (0..<l.pe).map { p in "{" + (0..<(l.outC / l.pe)).map { "\"\(Self.hex(values[$0 * l.pe + p]))\"" }.joined(separator: ", ") + "}" }
                    .joined(separator: ",\n") + "};\n"
            }
        }
        return s
    }

    /// `config.h` text with every `CONV_N_*` macro the importer reads.
    var configHeader: String {
        var s = ""
        for (i, l) in Self.layers.enumerated() {
            var d: [(String, Int)] = [("K", l.k), ("S", 1), ("P", (l.k - 1) / 2), ("IFM_CH", l.inC), ("IFM_ROW", l.h), ("IFM_COL", l.w),
                                      ("OFM_CH", l.outC), ("OFM_ROW", l.h), ("OFM_COL", l.w), ("SIMD", l.simd), ("PE", l.pe),
                                      ("IN_BIT", l.inBits), ("W_BIT", 4), ("W_TILES", l.tiles), ("L_SHIFT", 8)]
            if !l.head { d += [("OUT_BIT", 4), ("INC_BIT", l.incBits), ("BIAS_BIT", l.biasBits), ("A_TILES", 1)] }
            s += "// conv_\(i)\n" + d.map { "#define CONV_\(i)_\($0.0) \($0.1) " }.joined(separator: "\n") + "\n\n"
        }
        return s
    }

    /// 36 float32 values in `.npy` form (the host's last_bias).
    static func lastBiasNPY(_ values: [Float]) -> [UInt8] {
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(values.count),), }"
        while (10 + header.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var b: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count & 255), UInt8(header.count >> 8)]
        b += Array(header.utf8)
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { b += $0 } }
        return b
    }

    /// The imported model (with config.h and a last_bias).
    func model() throws -> Model {
        let p = Array(parameterHeader.utf8), c = Array(configHeader.utf8)
        let b = Self.lastBiasNPY((0..<36).map { Float($0 % 6) * 0.25 - 0.5 })
        return try p.withUnsafeBytes { p in try c.withUnsafeBytes { c in try b.withUnsafeBytes { b in
            try UltraNetImporter.importModel(parameters: p, config: c, lastBias: b)
        } } }
    }
}
