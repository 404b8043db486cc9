import DSCFlow
/// Predicts each layer's cycles and traffic analytically from its `LayerPlan`, without touching
/// data (thousands of configurations per second for design-space exploration): it records each
/// primitive's events once (`TiledCycleRules`, `StreamFolding`) and multiplies them by the plan's
/// loop counts. The emulator records the same events one by one as it executes, so the two agree
/// only if the plan's counts are the loops the emulator really walks.
public enum CostModel {
    /// Per-op ledgers for one accelerator run (a batch of `config.batch` images).
    public static func evaluate(_ model: Model, _ c: AcceleratorConfig, usage: ChannelUsage? = nil) throws -> [CycleLedger] {
        let plans = try LayerPlanner.plan(model, c, usage: usage)
        return evaluate(plans: plans, model: model, c)
    }

    /// Per-op ledgers from plans already made (folded again for streaming and layer-pipeline designs).
    public static func evaluate(plans: [LayerPlan], model: Model, _ c: AcceleratorConfig) -> [CycleLedger] {
        if let rules = TiledCycleRules(c) { return plans.map { tiled($0, rules, model) } }
        return StreamFolding.fold(plans, c, model: model).map { folded($0, model) }
    }

    /// One layer on a tiled engine (the loop nests of iSmart3 `net_hls.cc` / SkrSkr `SkyNet.cpp`).
    static func tiled(_ p: LayerPlan, _ r: TiledCycleRules, _ model: Model) -> CycleLedger {
        let batch = r.c.batch
        var l = CycleLedger()
        if p.absorbed { return l }
        let tiles = p.tileRowsCount &* p.tileColsCount
        // The tiles of a layer cover each batch slot's output once.
        let pixels = p.outHeight &* p.outWidth &* batch
        switch p.role {
        case .depthwise:
            // One tile's groups, times the tiles; plus the pipeline fill of each row of tiles.
            var tile = CycleLedger(), fill = CycleLedger()
            for g in 0..<p.inGroups { r.recordDepthwiseGroup(p, reorg: g < p.reorgGroups, into: &tile) }
            r.recordPipelineFill(p, into: &fill)
            l = tile.times(tiles) + fill.times(p.tileRowRuns)
            for _ in 0..<p.inGroups { r.recordDepthwiseWindows(p, pixels: pixels, into: &l) }
        case .pointwise:
            var tile = CycleLedger()
            for mx in 0..<p.outGroups {
                r.recordPointwiseOutputGroup(p, into: &tile)
                for nx in 0..<p.inGroups { r.recordPointwiseInputGroup(p, inGroup: nx, outGroup: mx, into: &tile) }
            }
            l = tile.times(tiles)
            r.recordResidentWeights(p, into: &l)
            for mx in 0..<p.outGroups {
                for nx in 0..<p.inGroups { r.recordPointwiseOperands(p, pixels: pixels, inGroup: nx, outGroup: mx, into: &l) }
            }
        case .pool, .reorg:
            var group = CycleLedger()
            r.recordStandaloneGroup(p, into: &group)
            l = group.times(tiles &* p.outGroups)
        case .concat:
            break
        case .convolution, .fullyConnected, .other, .resize:
            let bytes = operandBytesPerImage(model.operations[p.op], model)
            r.recordMatrixProduct(macs: p.usefulMACs &* batch, bytes: (bytes.input &+ bytes.output) &* batch, into: &l)
        }
        return l
    }

    /// One folded layer (streaming, layer pipeline) for one frame.
    static func folded(_ p: LayerPlan, _ model: Model) -> CycleLedger {
        var l = CycleLedger()
        StreamFolding.recordSteps(StreamFolding.frameCycles(p), into: &l)
        if StreamFolding.isCompute(p) { StreamFolding.recordMACs(p.usefulMACs, into: &l) }
        for bytes in frameTransfers(model.operations[p.op], model) { StreamFolding.recordFrameTransfer(bytes: bytes, into: &l) }
        return l
    }
}

/// Bytes of one image of operator `op`'s first input and of its output (a model batch of n images divided by n).
func operandBytesPerImage(_ op: Operator, _ model: Model) -> (input: Int, output: Int) {
    let out = model.tensors[op.outputs[0]]
    let images = max(1, Shape4(extending: out.shape).n)
    return (model.tensors[op.inputs[0]].byteCount / images, out.byteCount / images)
}

/// The frames operator `op` moves between DDR and a folded design: one image of the model's input
/// if it reads it, one of the model's output if it writes it.
func frameTransfers(_ op: Operator, _ model: Model) -> [Int] {
    let bytes = operandBytesPerImage(op, model)
    var out: [Int] = []
    if model.inputs.contains(op.inputs[0]) { out.append(bytes.input) }
    if model.outputs.contains(op.outputs[0]) { out.append(bytes.output) }
    return out
}
