import DSCFlow
/// Predicts each layer's cycles and traffic analytically from its `LayerPlan` — the same numbers
/// the emulator counts while it executes, without touching data (thousands of configurations per
/// second for design-space exploration).
public enum CostModel {
    /// Per-op ledgers for one accelerator run (a batch of `config.batch` images).
    public static func evaluate(_ model: Model, _ c: AcceleratorConfig, usage: ChannelUsage? = nil) throws -> [CycleLedger] {
        let plans = try LayerPlanner.plan(model, c, usage: usage)
        return evaluate(plans: plans, model: model, c)
    }

    /// Per-op ledgers from plans already made.
    public static func evaluate(plans: [LayerPlan], model: Model, _ c: AcceleratorConfig) -> [CycleLedger] {
        if let rules = TiledCycleRules(c) { return plans.map { tiled($0, rules, model) } }
        return StreamFolding.fold(plans, c).map { StreamFolding.ledger($0, c, model) }
    }

    /// One layer on a tiled engine (the loop nests of iSmart3 `net_hls.cc` / SkrSkr `SkyNet.cpp`).
    static func tiled(_ p: LayerPlan, _ r: TiledCycleRules, _ model: Model) -> CycleLedger {
        let c = r.c
        var l = CycleLedger()
        if p.absorbed { return l }
        let tiles = p.tileRowsCount &* p.tileColsCount
        switch p.role {
        case .depthwise:
            // One tile's groups, times the tiles; plus the pipeline fill of each row of tiles.
            var tile = CycleLedger()
            for g in 0..<p.inGroups { r.recordDepthwiseGroup(p, reorg: g < p.reorgGroups, into: &tile) }
            l = tile.times(tiles)
            var fill = CycleLedger()
            r.recordPipelineFill(p, into: &fill)
            l = l + fill.times(p.tileRowRuns)
            l.onChipBytes &+= p.outHeight &* p.outWidth &* p.inGroups &* c.lanes &* p.taps &* c.batch
        case .pointwise:
            var tile = CycleLedger()
            for mx in 0..<p.outGroups {
                r.recordPointwiseOutputGroup(p, into: &tile)
                for nx in 0..<p.inGroups { r.recordPointwiseInputGroup(p, inGroup: nx, outGroup: mx, into: &tile) }
            }
            l = tile.times(tiles)
            r.recordResidentWeights(p, into: &l)
            l.onChipBytes &+= p.issuedMACs &* c.batch
        case .pool, .reorg:
            // Stand-alone (not fused): load, sweep, export per tile and group.
            var g = CycleLedger()
            g.memory &+= r.loadCycles(singleTile: p.singleTile) &+ r.exportCycles(singleTile: p.singleTile)
            g.compute &+= p.role == .pool ? r.poolCycles() : r.reorgCycles
            g.offChipBytes &+= r.loadBytes(singleTile: p.singleTile) &+ r.exportBytes(singleTile: p.singleTile)
            l = g.times(tiles &* p.outGroups)
        case .concat:
            break
        case .convolution, .fullyConnected, .other:
            // Not a DSC primitive: the PW array computes it as a matrix product (im2col), streaming
            // operands over the bus.
            let macs = p.usefulMACs &* c.batch
            l.compute &+= saturatingInt((Double(macs) / c.pwPeakMACsPerCycle).rounded(.up))
            // One run streams every batch slot's input and output map once.
            let op = model.operations[p.op], out = model.tensors[op.outputs[0]]
            let images = max(1, Shape4(extending: out.shape).n)
            let bytes = (model.tensors[op.inputs[0]].byteCount / images + out.byteCount / images) &* c.batch
            l.memory &+= r.busWords((bytes &+ c.memory.busBytes - 1) / c.memory.busBytes)
            l.offChipBytes &+= bytes
        }
        return l
    }
}
