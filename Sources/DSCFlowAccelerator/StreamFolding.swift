import DSCFlow
/// Per-layer engines for the streaming (FINN-style, UltraNet) and layer-pipeline (Paper A)
/// dataflows: every compute layer has its own engine folded into SIMD (input lanes) × PE (output
/// lanes); the slowest layer sets the frame interval.
public enum StreamFolding {
    /// Whether the op gets its own compute engine.
    static func isCompute(_ p: LayerPlan) -> Bool {
        switch p.role {
        case .depthwise, .pointwise, .convolution, .fullyConnected: return true
        default: return false
        }
    }

    /// Cycles of one frame through layer `p` folded as `simd` × `pe`.
    /// Conv/PW/FC (FINN MVAU): H·W·K²·⌈Cin/SIMD⌉·⌈Cout/PE⌉. DW: H·W·⌈K²/SIMD⌉·⌈C/PE⌉ (SIMD over taps).
    public static func cycles(_ p: LayerPlan, simd: Int, pe: Int) -> Int {
        let hw = p.outHeight &* p.outWidth
        func cd(_ a: Int, _ b: Int) -> Int { (a &+ b - 1) / max(b, 1) }
        switch p.role {
        case .depthwise: return hw &* cd(p.taps, simd) &* cd(p.outChannels, pe)
        case .fullyConnected: return cd(p.filterInChannels, simd) &* cd(p.outChannels, pe)
        case .pointwise, .convolution: return hw &* p.taps &* cd(p.filterInChannels, simd) &* cd(p.outChannels, pe)
        default: return 0
        }
    }

    /// Assigns SIMD × PE to each compute layer: the config's lists for `streaming` (when both lists are
    /// empty, the model's own folding, `modelFolding`, if it records one); for the layer
    /// pipeline a greedy balance under `LayerPipeline.multipliers` (repeatedly double the lanes of the slowest
    /// layer while the budget allows — Paper A's design-space exploration of compute against resources).
    public static func fold(_ plans: [LayerPlan], _ c: AcceleratorConfig, model: Model? = nil) -> [LayerPlan] {
        var out = plans
        let compute = plans.indices.filter { isCompute(plans[$0]) }
        if var s = c.streaming {
            if s.simd.isEmpty && s.pe.isEmpty, let m = model, let own = modelFolding(m) { s = own }
            for (k, i) in compute.enumerated() {
                out[i].foldSIMD = k < s.simd.count ? s.simd[k] : 1
                out[i].foldPE = k < s.pe.count ? s.pe[k] : 1
            }
            return withIssuedMACs(out, compute)
        }
        let budget = c.layerPipeline?.multipliers ?? 0
        // Layer pipeline: every engine starts with one multiplier; the slowest engine grows (SIMD ×2,
        // SIMD +1 or PE ×2, whichever helps most) while the multiplier budget allows, and no longer
        // than the stream's own rate (the slowest non-compute stage) requires.
        for i in compute { out[i].foldSIMD = 1; out[i].foldPE = 1 }
        let floor = plans.indices.filter { !isCompute(plans[$0]) }
            .map { frameCycles(plans[$0]) }.max() ?? 0
        var used = compute.count
        while true {
            var best = -1, bestCycles = -1
            for i in compute {
                let cyc = cycles(out[i], simd: out[i].foldSIMD, pe: out[i].foldPE)
                if cyc > bestCycles { best = i; bestCycles = cyc }
            }
            guard best >= 0, bestCycles > floor else { break }
            let p = out[best]
            let maxSIMD = p.role == .depthwise ? p.taps : p.filterInChannels
            var choice: (cycles: Int, simd: Int, pe: Int)? = nil
            for (s, e) in [(p.foldSIMD &* 2, p.foldPE), (p.foldSIMD &+ 1, p.foldPE), (p.foldSIMD, p.foldPE &* 2)] {
                let s2 = min(s, maxSIMD), e2 = min(e, p.outChannels)
                if used - p.foldSIMD &* p.foldPE &+ s2 &* e2 > budget { continue }
                let cyc = cycles(p, simd: s2, pe: e2)
                if cyc < bestCycles && (choice == nil || cyc < choice!.cycles) { choice = (cyc, s2, e2) }
            }
            guard let ch = choice else { break }
            used &+= ch.simd &* ch.pe - p.foldSIMD &* p.foldPE
            out[best].foldSIMD = ch.simd
            out[best].foldPE = ch.pe
        }
        return withIssuedMACs(out, compute)
    }

    /// The metadata key of a model's own folding: `simd=` and `pe=` lists, one entry per compute layer in
    /// model order (`UltraNetImporter` writes the design's, read from the PE × SIMD shapes of param.h's
    /// weight arrays and config.h's `CONV_N_SIMD` / `CONV_N_PE`).
    public static let metadataKey = "dscflow.folding"

    /// The folding `model` records (`metadataKey`), or nil when it has none or the lists are not
    /// positive integers of equal length.
    public static func modelFolding(_ model: Model) -> AcceleratorConfig.Streaming? {
        guard let text = model.metadata[metadataKey], let r = try? MetadataRecord(parsing: text, name: metadataKey) else { return nil }
        func list(_ key: String) -> [Int]? {
            guard let v = r[key] else { return nil }
            let items = v.split(separator: ",").map { Int(String($0).trimmingSpaces()) }
            guard !items.isEmpty, items.allSatisfy({ ($0 ?? 0) >= 1 }) else { return nil }
            return items.map { $0! }
        }
        guard let simd = list("simd"), let pe = list("pe"), simd.count == pe.count else { return nil }
        return AcceleratorConfig.Streaming(simd: simd, pe: pe)
    }

    /// A folded engine issues SIMD × PE multiply-accumulates every cycle, used or not.
    private static func withIssuedMACs(_ plans: [LayerPlan], _ compute: [Int]) -> [LayerPlan] {
        var out = plans
        for i in compute { out[i].issuedMACs = cycles(out[i], simd: out[i].foldSIMD, pe: out[i].foldPE) &* out[i].foldSIMD &* out[i].foldPE }
        return out
    }

    /// Cycles of one frame through layer `p` as folded: its engine's `cycles`, or one input pixel per
    /// cycle for a streaming pool or resize (all channels of it; UltraNet's resize loop runs over the
    /// 360×640 source at II = 1); 0 for ops without an engine.
    static func frameCycles(_ p: LayerPlan) -> Int {
        if isCompute(p) { return cycles(p, simd: p.foldSIMD, pe: p.foldPE) }
        return p.role == .pool || p.role == .resize ? p.inPixels : 0
    }

    // MARK: events — what the cost model multiplies out and the emulator records as it executes.

    /// `n` steps of a folded engine: each issues SIMD × PE multiply-accumulates (a pool: one input pixel).
    public static func recordSteps(_ n: Int, into l: inout CycleLedger) { l.compute &+= n }

    /// `n` multiply-accumulates whose operands the engine reads from its on-chip weights and line buffer.
    public static func recordMACs(_ n: Int, into l: inout CycleLedger) { l.onChipBytes &+= n }

    /// One frame of the model's input read from DDR, or of its output written (only the first and
    /// last layers touch DDR).
    public static func recordFrameTransfer(bytes: Int, into l: inout CycleLedger) { l.offChipBytes &+= bytes }
}
