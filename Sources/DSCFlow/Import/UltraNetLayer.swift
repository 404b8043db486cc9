/// One convolution of the UltraNet accelerator as its `config.h` describes it (the `CONV_N_*` macros),
/// with the checks that make a table an UltraNet: stride 1, "same" padding, 4-bit weights and outputs,
/// and the FINN folding dividing the layer exactly.
struct UltraNetLayer: Equatable {
    let name: String
    /// K (3, or 1 for the head).
    let kernel: Int
    let inChannels: Int, outChannels: Int
    let inHeight: Int, inWidth: Int
    /// Input lanes and output lanes of the layer's matrix-vector unit (FINN SIMD and PE).
    let simd: Int, pe: Int
    /// Bits of an input activation (8 for the first layer's pixels, 4 after).
    let inBits: Int
    /// Widths of the BN multiplier and addend (`INC_BIT`, `BIAS_BIT`); 0 for the head (raw output).
    let incBits: Int, biasBits: Int
    /// `L_SHIFT`: the requantizer shifts by W_BIT − 1 + IN_BIT + L_SHIFT.
    let lShift: Int
    /// A 2×2 max-pool follows (conv_0 … conv_3 in `ultranet.cpp`).
    let poolAfter: Bool

    static let weightBits = 4
    static let outputBits = 4

    /// The raw int32 head (conv_8: no BN, no activation).
    var isHead: Bool { incBits == 0 }
    /// Weight words per PE: K²·C_in·C_out / (SIMD·PE) (`W_TILES`).
    var tiles: Int { kernel * kernel * inChannels * outChannels / (simd * pe) }
    /// The requantizer's rounding shift S = W_BIT − 1 + IN_BIT + L_SHIFT (19 for conv_0, 15 after).
    var shift: Int { Self.weightBits - 1 + inBits + lShift }
    /// Output height and width (stride 1, same padding; a following pool halves them for the next layer).
    var outHeight: Int { inHeight }
    var outWidth: Int { inWidth }

    /// The design's table (`hls/ultra_net_accelerator_code/config.h`, FACTS.md §1).
    static let design: [UltraNetLayer] = [
        .init(name: "conv_0", kernel: 3, inChannels: 3, outChannels: 16, inHeight: 160, inWidth: 320, simd: 3, pe: 16, inBits: 8, incBits: 14, biasBits: 26, lShift: 8, poolAfter: true),
        .init(name: "conv_1", kernel: 3, inChannels: 16, outChannels: 32, inHeight: 80, inWidth: 160, simd: 16, pe: 8, inBits: 4, incBits: 13, biasBits: 21, lShift: 8, poolAfter: true),
        .init(name: "conv_2", kernel: 3, inChannels: 32, outChannels: 64, inHeight: 40, inWidth: 80, simd: 16, pe: 8, inBits: 4, incBits: 12, biasBits: 22, lShift: 8, poolAfter: true),
        .init(name: "conv_3", kernel: 3, inChannels: 64, outChannels: 64, inHeight: 20, inWidth: 40, simd: 16, pe: 4, inBits: 4, incBits: 11, biasBits: 21, lShift: 8, poolAfter: true),
        .init(name: "conv_4", kernel: 3, inChannels: 64, outChannels: 64, inHeight: 10, inWidth: 20, simd: 8, pe: 2, inBits: 4, incBits: 13, biasBits: 21, lShift: 8, poolAfter: false),
        .init(name: "conv_5", kernel: 3, inChannels: 64, outChannels: 64, inHeight: 10, inWidth: 20, simd: 8, pe: 2, inBits: 4, incBits: 12, biasBits: 21, lShift: 8, poolAfter: false),
        .init(name: "conv_6", kernel: 3, inChannels: 64, outChannels: 64, inHeight: 10, inWidth: 20, simd: 8, pe: 2, inBits: 4, incBits: 13, biasBits: 22, lShift: 8, poolAfter: false),
        .init(name: "conv_7", kernel: 3, inChannels: 64, outChannels: 64, inHeight: 10, inWidth: 20, simd: 8, pe: 2, inBits: 4, incBits: 14, biasBits: 23, lShift: 8, poolAfter: false),
        .init(name: "conv_8", kernel: 1, inChannels: 64, outChannels: 36, inHeight: 10, inWidth: 20, simd: 8, pe: 2, inBits: 4, incBits: 0, biasBits: 0, lShift: 8, poolAfter: false),
    ]

    /// The table a `config.h` describes (its `#define`s), checked for what the importer relies on:
    /// nine layers conv_0 … conv_8 chained channel to channel, each 3×3 (the head 1×1) at stride 1 with
    /// padding (K − 1)/2, 4-bit weights and outputs, W_TILES = K²·C_in·C_out / (SIMD·PE) with SIMD
    /// dividing K²·C_in and PE dividing C_out, pools after conv_0 … conv_3 halving the map.
    static func table(config d: [String: Int], file: String) throws(DSCError) -> [UltraNetLayer] {
        func bad(_ why: String) -> DSCError { .malformedModel("\(file): \(why)") }
        var layers: [UltraNetLayer] = []
        for i in 0..<design.count {
            let p = "CONV_\(i)_"
            func v(_ key: String) throws(DSCError) -> Int {
                guard let x = d[p + key] else { throw bad("no \(p)\(key)") }
                return x
            }
            let head = i == design.count - 1
            let k = try v("K"), inC = try v("IFM_CH"), outC = try v("OFM_CH"), h = try v("IFM_ROW"), w = try v("IFM_COL")
            let simd = try v("SIMD"), pe = try v("PE")
            let stride = try v("S"), pad = try v("P"), outH = try v("OFM_ROW"), outW = try v("OFM_COL")
            let wBits = try v("W_BIT"), outBits = head ? outputBits : try v("OUT_BIT")
            guard k == (head ? 1 : 3), stride == 1, pad == (k - 1) / 2 else {
                throw bad("conv_\(i): K/S/P \(k)/\(stride)/\(pad); UltraNet's layers are \(head ? "1/1/0" : "3/1/1")")
            }
            guard outH == h, outW == w else { throw bad("conv_\(i): output map differs from the input map") }
            guard wBits == weightBits, outBits == outputBits else {
                throw bad("conv_\(i): W_BIT/OUT_BIT must be \(weightBits) (the requantizer clips at 15)")
            }
            guard (1...1 << 12).contains(inC), (1...1 << 12).contains(outC), (1...1 << 12).contains(h), (1...1 << 12).contains(w),
                  simd >= 1, pe >= 1, (k * k * inC) % simd == 0, outC % pe == 0 else {
                throw bad("conv_\(i): SIMD \(simd) must divide K²·IFM_CH = \(k * k * inC) and PE \(pe) divide OFM_CH = \(outC)")
            }
            let tiles = try v("W_TILES")
            guard tiles == k * k * inC * outC / (simd * pe) else {
                throw bad("conv_\(i): W_TILES \(tiles); K²·IFM_CH·OFM_CH/(SIMD·PE) = \(k * k * inC * outC / (simd * pe))")
            }
            let inBits = try v("IN_BIT"), lShift = try v("L_SHIFT")
            guard inBits == (i == 0 ? 8 : 4) else { throw bad("conv_\(i): IN_BIT \(inBits); UltraNet reads \(i == 0 ? 8 : 4)-bit inputs here") }
            let incBits = head ? 0 : try v("INC_BIT"), biasBits = head ? 0 : try v("BIAS_BIT")
            guard head || ((2...32).contains(incBits) && (2...32).contains(biasBits) && (0...16).contains(lShift)) else {
                throw bad("conv_\(i): INC_BIT/BIAS_BIT must be 2…32 and L_SHIFT 0…16")
            }
            let layer = UltraNetLayer(name: "conv_\(i)", kernel: k, inChannels: inC, outChannels: outC, inHeight: h, inWidth: w,
                                      simd: simd, pe: pe, inBits: inBits, incBits: incBits, biasBits: biasBits,
                                      lShift: lShift, poolAfter: design[i].poolAfter)
            if let prev = layers.last {
                let (eh, ew) = prev.poolAfter ? (prev.outHeight / 2, prev.outWidth / 2) : (prev.outHeight, prev.outWidth)
                guard inC == prev.outChannels, h == eh, w == ew, !prev.poolAfter || (prev.outHeight % 2 == 0 && prev.outWidth % 2 == 0) else {
                    throw bad("conv_\(i) reads \(h)x\(w)x\(inC); conv_\(i - 1)\(prev.poolAfter ? " and its pool" : "") give \(eh)x\(ew)x\(prev.outChannels)")
                }
            } else if inC != 3 {
                throw bad("conv_0 reads \(inC) channels; the camera frame has 3")
            }
            layers.append(layer)
        }
        return layers
    }
}
