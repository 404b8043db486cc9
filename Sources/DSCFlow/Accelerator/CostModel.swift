/// Predicts each layer's cycles and traffic analytically from its `LayerPlan` — the same numbers
/// the emulator counts while it executes, without touching data (thousands of configurations per
/// second for design-space exploration).
public enum CostModel {
    /// Per-op ledgers for one accelerator run (a batch of `config.batch` images).
    public static func evaluate(_ model: Model, _ c: AcceleratorConfig) throws -> [CycleLedger] {
        let plans = try LayerPlanner.plan(model, c)
        return evaluate(plans: plans, model: model, c)
    }

    /// Per-op ledgers from plans already made.
    public static func evaluate(plans: [LayerPlan], model: Model, _ c: AcceleratorConfig) -> [CycleLedger] {
        switch c.dataflow {
        case .tiledEngine:
            let rules = TiledCycleRules(c)
            return plans.map { tiled($0, rules, model) }
        case .streaming, .layerPipeline:
            let folded = StreamFolding.fold(plans, c)
            return folded.map { StreamFolding.ledger($0, c, model) }
        }
    }

    /// One layer on a tiled engine (the loop nests of iSmart3 `net_hls.cc` / SkrSkr `SkyNet.cpp`).
    static func tiled(_ p: LayerPlan, _ r: TiledCycleRules, _ model: Model) -> CycleLedger {
        let c = r.c
        var l = CycleLedger()
        if p.absorbed { return l }
        let tiles = p.tileRowsCount &* p.tileColsCount
        switch p.role {
        case .depthwise:
            let dw = r.dwCycles(taps: p.taps, packedPixels: p.packedPixels)
            let post = r.sweepCycles(p.outputOnChip ? c.dwPostPassesOnChip : c.dwPostPassesExported)
            let pre = r.sweepCycles(c.dwPrePasses)
            let export = p.outputOnChip ? 0 : r.exportCycles(singleTile: p.singleTile)
            let params = p.outputOnChip ? 0 : r.dwParameterCycles(taps: p.taps)
            let plainGroups = p.inGroups - p.reorgGroups
            // Reorg-loaded groups: serial gather, then compute.
            if p.reorgGroups > 0 {
                var g = CycleLedger()
                g.memory &+= c.reorgCyclesPerGroup &+ export &+ params
                g.compute &+= pre &+ dw &+ post
                g.offChipBytes &+= r.exportBytes(singleTile: p.singleTile) &* 2
                l = l &+ g.times(p.reorgGroups &* tiles)
            }
            if plainGroups > 0 {
                let load = p.imageInput ? r.imageLoadCycles(channels: p.inChannels, packedPixels: p.packedPixels)
                                        : r.loadCycles(singleTile: p.singleTile)
                let loadBytes = p.imageInput ? r.imageLoadBytes(channels: p.inChannels) : r.loadBytes(singleTile: p.singleTile)
                var g = CycleLedger()
                g.memory &+= params &+ export
                g.compute &+= pre &+ post
                if p.overlapLoads {
                    g.overlapped(load: load, work: dw)
                } else {
                    g.memory &+= load
                    g.compute &+= dw
                }
                g.offChipBytes &+= loadBytes &+ (p.outputOnChip ? 0 : r.exportBytes(singleTile: p.singleTile))
                l = l &+ g.times(plainGroups &* tiles)
                if p.overlapLoads {
                    // Each row of tiles (or the single-tile layer) starts by filling the first buffer.
                    l.memory &+= load &* p.tileRowRuns
                    l.offChipBytes &+= loadBytes &* p.tileRowRuns
                }
            }
            l.onChipBytes &+= p.outHeight &* p.outWidth &* p.inGroups &* c.lanes &* p.taps &* c.batch
        case .pointwise:
            let pre = r.sweepCycles(c.pwPrePasses), post = r.sweepCycles(c.pwPostPasses)
            var outPath = 0, outBytes = 0
            if p.fusedPool { outPath &+= r.poolCycles(); outBytes &+= r.poolBytes() }
            if !p.fusedPool || p.exportAlongsidePool {
                outPath &+= r.exportCycles(singleTile: p.singleTile); outBytes &+= r.exportBytes(singleTile: p.singleTile)
            }
            let wload = p.weightsResident ? 0 : r.pwWeightLoadCycles
            let load = r.loadCycles(singleTile: p.singleTile)
            for mx in 0..<p.outGroups {
                var m = CycleLedger()
                m.compute &+= pre &+ post
                m.memory &+= outPath
                m.offChipBytes &+= outBytes
                if !p.inputOnChip && p.overlapLoads {
                    m.memory &+= load  // the first input group
                    m.offChipBytes &+= load &* c.busBytes
                }
                for nx in 0..<p.inGroups {
                    let pw = r.pwCycles(blocks: p.blocksPerInGroup[nx], passes: p.outPassesPerOutGroup[mx])
                    m.memory &+= wload
                    m.offChipBytes &+= wload &* r.weightWordBytes
                    if p.inputOnChip {
                        m.compute &+= pw
                    } else if p.overlapLoads {
                        m.overlapped(load: load, work: pw)
                        m.offChipBytes &+= load &* c.busBytes
                    } else {
                        m.memory &+= load
                        m.compute &+= pw
                        m.offChipBytes &+= load &* c.busBytes
                    }
                }
                l = l &+ m.times(tiles)
            }
            if p.weightsResident {
                l.memory &+= p.outGroups &* p.inGroups &* r.pwWeightLoadCycles
                l.offChipBytes &+= p.outGroups &* p.inGroups &* r.pwWeightLoadCycles &* r.weightWordBytes
            }
            l.onChipBytes &+= p.issuedMACs &* c.batch
        case .pool, .reorg:
            // Stand-alone (not fused): load, sweep, export per tile and group.
            var g = CycleLedger()
            g.memory &+= r.loadCycles(singleTile: p.singleTile) &+ r.exportCycles(singleTile: p.singleTile)
            g.compute &+= p.role == .pool ? r.poolCycles() : c.reorgCyclesPerGroup
            g.offChipBytes &+= r.loadBytes(singleTile: p.singleTile) &+ r.exportBytes(singleTile: p.singleTile)
            l = g.times(tiles &* p.outGroups)
        case .concat:
            break
        case .convolution, .fullyConnected, .other:
            // Not a DSC primitive: the PW array computes it as a matrix product (im2col), streaming
            // operands over the bus.
            let macs = p.usefulMACs &* c.batch
            l.compute &+= saturatingInt((Double(macs) / c.pwPeakMACsPerCycle).rounded(.up))
            let bytes = (model.tensors[model.operations[p.op].inputs[0]].byteCount
                         + model.tensors[model.operations[p.op].outputs[0]].byteCount) &* c.batch
            l.memory &+= (bytes &+ c.busBytes - 1) / c.busBytes
            l.offChipBytes &+= bytes
        }
        return l
    }
}
