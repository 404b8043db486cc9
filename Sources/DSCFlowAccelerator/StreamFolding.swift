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

    /// Assigns SIMD × PE to each compute layer: the config's lists for `streaming`; for the layer
    /// pipeline a greedy balance under `LayerPipeline.multipliers` (repeatedly double the lanes of the slowest
    /// layer while the budget allows — Paper A's design-space exploration of compute against resources).
    public static func fold(_ plans: [LayerPlan], _ c: AcceleratorConfig) -> [LayerPlan] {
        var out = plans
        let compute = plans.indices.filter { isCompute(plans[$0]) }
        if let s = c.streaming {
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
            .map { ledger(plans[$0], c, nil).compute }.max() ?? 0
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

    /// A folded engine issues SIMD × PE multiply-accumulates every cycle, used or not.
    private static func withIssuedMACs(_ plans: [LayerPlan], _ compute: [Int]) -> [LayerPlan] {
        var out = plans
        for i in compute { out[i].issuedMACs = cycles(out[i], simd: out[i].foldSIMD, pe: out[i].foldPE) &* out[i].foldSIMD &* out[i].foldPE }
        return out
    }

    /// The ledger of one folded layer for one frame. Only the first and last layers touch DDR.
    static func ledger(_ p: LayerPlan, _ c: AcceleratorConfig, _ model: Model?) -> CycleLedger {
        var l = CycleLedger()
        if isCompute(p) {
            l.compute = cycles(p, simd: p.foldSIMD, pe: p.foldPE)
            l.onChipBytes = p.usefulMACs
        } else if p.role == .pool {
            // A streaming pool takes one input pixel per cycle (all channels of it).
            l.compute = p.inPixels
        }
        guard let model else { return l }
        let op = model.operations[p.op]
        // One frame of the model's input / output (a model batch of n frames is n frame intervals).
        let frames = max(1, Shape4(extending: model.tensors[op.outputs[0]].shape).n)
        if model.inputs.contains(op.inputs[0]) { l.offChipBytes &+= model.tensors[op.inputs[0]].byteCount / frames }
        if model.outputs.contains(op.outputs[0]) { l.offChipBytes &+= model.tensors[op.outputs[0]].byteCount / frames }
        return l
    }
}
