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
        let hw = p.outHeight * p.outWidth
        func cd(_ a: Int, _ b: Int) -> Int { (a + b - 1) / max(b, 1) }
        switch p.role {
        case .depthwise: return hw * cd(p.kernel * p.kernel, simd) * cd(p.outChannels, pe)
        case .fullyConnected: return cd(p.inChannels, simd) * cd(p.outChannels, pe)
        case .pointwise, .convolution: return hw * p.kernel * p.kernel * cd(p.inChannels, simd) * cd(p.outChannels, pe)
        default: return 0
        }
    }

    /// Assigns SIMD × PE to each compute layer: the config's lists for `streaming`; for the layer
    /// pipeline a greedy balance under `pipelineMultipliers` (repeatedly double the lanes of the slowest
    /// layer while the budget allows — Paper A's design-space exploration of compute against resources).
    public static func fold(_ plans: [LayerPlan], _ c: AcceleratorConfig) -> [LayerPlan] {
        var out = plans
        let compute = plans.indices.filter { isCompute(plans[$0]) }
        if c.dataflow == .streaming {
            for (k, i) in compute.enumerated() {
                out[i].foldSIMD = k < c.streamSIMD.count ? c.streamSIMD[k] : 1
                out[i].foldPE = k < c.streamPE.count ? c.streamPE[k] : 1
            }
            return out
        }
        // Layer pipeline: start from one output lane and a full input vector for DW (K² taps) or SIMD 1.
        for i in compute {
            out[i].foldSIMD = out[i].role == .depthwise ? out[i].kernel * out[i].kernel : 1
            out[i].foldPE = 1
        }
        func used() -> Int { compute.reduce(0) { $0 + out[$1].foldSIMD * out[$1].foldPE } }
        func maxSIMD(_ p: LayerPlan) -> Int {
            p.role == .depthwise ? p.kernel * p.kernel : (p.role == .fullyConnected ? p.inChannels : p.inChannels)
        }
        while true {
            // The slowest layer that can still grow.
            var best = -1, bestCycles = -1
            for i in compute {
                let cyc = cycles(out[i], simd: out[i].foldSIMD, pe: out[i].foldPE)
                if cyc > bestCycles { best = i; bestCycles = cyc }
            }
            guard best >= 0 else { break }
            var p = out[best]
            // Grow SIMD first (up to the input vector), then PE (up to the output channels).
            let cost = p.foldSIMD * p.foldPE
            if p.foldSIMD * 2 <= maxSIMD(p) { p.foldSIMD *= 2 } else if p.foldPE < p.outChannels { p.foldPE = min(p.foldPE * 2, p.outChannels) } else { break }
            if used() - cost + p.foldSIMD * p.foldPE > c.pipelineMultipliers { break }
            if cycles(p, simd: p.foldSIMD, pe: p.foldPE) >= bestCycles { break }
            out[best] = p
        }
        return out
    }

    /// The ledger of one folded layer for one frame. Only the first and last layers touch DDR.
    static func ledger(_ p: LayerPlan, _ c: AcceleratorConfig, _ model: Model) -> CycleLedger {
        var l = CycleLedger()
        if isCompute(p) {
            l.compute = cycles(p, simd: p.foldSIMD, pe: p.foldPE)
            l.onChipBytes = p.usefulMACs
        } else if p.role == .pool {
            // A streaming pool takes one input pixel per cycle.
            l.compute = p.outHeight * p.outWidth * 4
        }
        let op = model.operations[p.op]
        if model.inputs.contains(op.inputs[0]) { l.offChipBytes += model.tensors[op.inputs[0]].byteCount }
        if model.outputs.contains(op.outputs[0]) { l.offChipBytes += model.tensors[op.outputs[0]].byteCount }
        return l
    }
}
