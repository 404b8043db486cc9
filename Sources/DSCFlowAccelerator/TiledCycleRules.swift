import DSCFlow
/// The cost of each primitive of a tiled engine (one call of a loop nest in the HLS sources), and
/// the `record…` steps that put a primitive's events on a ledger. The cost model records one tile
/// and multiplies by the plan's counts; the emulator records every tile and group it walks.
public struct TiledCycleRules: Sendable {
    /// The configuration the costs are for.
    public let c: AcceleratorConfig
    /// Its tiled engine.
    public let engine: AcceleratorConfig.TiledEngine
    private let busBytes: Int

    /// Rules for configuration `c`; nil unless its dataflow is a tiled engine.
    public init?(_ c: AcceleratorConfig) {
        guard let t = c.tiledEngine else { return nil }
        self.c = c
        engine = t
        busBytes = c.memory.busBytes
    }

    private var actBytes: Int { c.activationBytes }
    private var tiles: AcceleratorConfig.TiledEngine.Tiles { engine.tiles }
    /// Bus words per pixel of one channel group.
    public var wordsPerPixel: Int { max(1, (c.lanes &* actBytes &+ busBytes - 1) / busBytes) }
    /// Pixels the PW and activation loops walk per tile.
    public var pwArea: Int { tiles.pwLoopRows &* tiles.pwLoopCols }

    /// Off-chip bytes the memory system delivers per accelerator cycle, or 0 when `memory.bandwidthGBps`
    /// is 0 (the HLS schedule: every transfer loop moves one word per cycle at II=1).
    public var busBytesPerCycle: Double { c.memory.bandwidthGBps > 0 ? c.memory.bandwidthGBps * 1000 / c.clockMHz : 0 }

    /// Cycles a transfer loop of `count` beats of `bytesPerBeat` bytes each takes: one beat per cycle
    /// (the loop's II=1), or longer when the off-chip bandwidth cannot deliver a beat per cycle.
    public func transfer(_ count: Int, bytesPerBeat: Int) -> Int {
        let bpc = busBytesPerCycle
        guard bpc > 0, count > 0, Double(bytesPerBeat) > bpc else { return count }
        return max(count, saturatingInt((Double(count) * Double(bytesPerBeat) / bpc).rounded(.up)))
    }

    /// `count` feature-map bus words.
    public func busWords(_ count: Int) -> Int { transfer(count, bytesPerBeat: busBytes) }

    /// Pixels a load brings in: the tile plus its halo, or the whole buffer for a single-tile map.
    public func loadCycles(singleTile: Bool) -> Int {
        busWords((singleTile ? tiles.bufferRows &* tiles.bufferCols : (tiles.rows &+ 2) &* (tiles.cols &+ 2)) &* wordsPerPixel)
    }
    /// DDR bytes of one tile load.
    public func loadBytes(singleTile: Bool) -> Int { loadCycles(singleTile: singleTile) &* busBytes }

    /// Image loader for one tile of `channels` channels.
    public func imageLoadCycles(channels: Int, packedPixels: Int) -> Int {
        let pixels = engine.imageLoader.rows &* engine.imageLoader.cols
        // Channel enhancement: one 128-bit beat carries the packed pixels (Paper B §3.4).
        if packedPixels > 1 { return transfer((pixels &+ packedPixels - 1) / packedPixels, bytesPerBeat: 16) }
        let perBeat = engine.imageLoader.channelsPerBeat
        return transfer(pixels &* ((channels &+ perBeat - 1) / perBeat), bytesPerBeat: perBeat &* actBytes)
    }
    /// DDR bytes the image loader reads per tile.
    public func imageLoadBytes(channels: Int) -> Int { engine.imageLoader.rows &* engine.imageLoader.cols &* channels &* actBytes }

    /// Export of one channel group of a tile.
    public func exportCycles(singleTile: Bool) -> Int {
        if tiles.exportWholeBuffer { return busWords(tiles.bufferRows &* tiles.bufferCols &* wordsPerPixel) }
        if singleTile { return busWords((pwArea &+ tiles.bufferRows &+ tiles.bufferCols) &* wordsPerPixel) }
        return busWords(tiles.rows &* tiles.cols &* wordsPerPixel)
    }
    /// DDR bytes of one exported channel group of a tile.
    public func exportBytes(singleTile: Bool) -> Int {
        (singleTile ? tiles.bufferRows &* tiles.bufferCols : tiles.rows &* tiles.cols) &* c.lanes &* actBytes
    }

    /// One DW call over a tile for one channel group (`taps` window taps, packed pixels for channel enhancement).
    public func dwCycles(taps: Int, packedPixels: Int) -> Int {
        let dw = engine.depthwise
        let passes = (taps &+ dw.tapsPerPass - 1) / dw.tapsPerPass
        let area = (tiles.dwLoopRows &* tiles.dwLoopCols &+ packedPixels - 1) / packedPixels
        // More channels than the DW engine has lanes take several rounds.
        let rounds = (c.lanes &+ dw.channels - 1) / dw.channels
        return area &* passes &* dw.initiationInterval &* rounds
    }

    /// One PW call over a tile: `blocks` input blocks of `pointwise.inputs` channels, `passes` output passes.
    public func pwCycles(blocks: Int, passes: Int) -> Int {
        blocks &* passes &* (engine.pointwise.blockSetupCycles &+ pwArea &* engine.pointwise.initiationInterval)
    }

    /// `passes` sweeps of the PW region (bias initialisation, activation).
    public func sweepCycles(_ passes: Double) -> Int { saturatingInt((passes * Double(pwArea)).rounded()) }

    /// The fused 2×2 max-pool writing one channel group of a tile.
    public func poolCycles() -> Int {
        // One pooled pixel every `poolII` cycles (the HLS schedule), unless a finite bandwidth needs
        // longer for its words.
        let pixels = (tiles.rows / 2) &* (tiles.cols / 2)
        let scheduled = pixels &* engine.poolII
        return busBytesPerCycle > 0 ? max(scheduled, busWords(pixels &* wordsPerPixel)) : scheduled
    }
    /// DDR bytes the fused pool writes per group and tile.
    public func poolBytes() -> Int { (tiles.rows / 2) &* (tiles.cols / 2) &* c.lanes &* actBytes }

    /// Loading one lanes×lanes PW weight block (one weight word per input channel).
    public var pwWeightLoadCycles: Int { transfer(c.lanes, bytesPerBeat: weightWordBytes) }
    /// Loading a DW group's taps, bias and multiplier words.
    public func dwParameterCycles(taps: Int) -> Int { transfer(taps &+ 2, bytesPerBeat: weightWordBytes) }
    /// The reorg loader for one group, priced as bus words (SkrSkr `REORG`: one word per cycle; iSmart3's
    /// unpipelined `load_and_reorg_part`: one cycle per read, plus its `local_buf_copy` cycles, which a
    /// finite bandwidth stretches too — an overestimate of 462 cycles × the stretch per group).
    public var reorgCycles: Int { busWords(engine.reorgCyclesPerGroup) }
    /// Bytes of one weight bus word.
    public var weightWordBytes: Int { c.lanes &* ((c.weightBits &+ 7) / 8) }

    // MARK: steps — what one call of a layer's loop body costs, recorded on a ledger. The cost model
    // records one tile and multiplies; the emulator records every tile it actually walks.

    /// One channel group of a DW layer on one tile (`reorg`: fed by the reorg loader).
    public func recordDepthwiseGroup(_ p: LayerPlan, reorg: Bool, into l: inout CycleLedger) {
        let dw = dwCycles(taps: p.taps, packedPixels: p.packedPixels)
        let post = sweepCycles(p.outputOnChip ? engine.passes.dwPostOnChip : engine.passes.dwPostExported)
        let pre = sweepCycles(engine.passes.dwPre)
        let export = p.outputOnChip ? 0 : exportCycles(singleTile: p.singleTile)
        let params = p.outputOnChip ? 0 : dwParameterCycles(taps: p.taps)
        let exported = p.outputOnChip ? 0 : exportBytes(singleTile: p.singleTile)
        if reorg {
            // Serial gather through the reorg loader, then compute.
            l.memory &+= reorgCycles &+ export &+ params
            l.compute &+= pre &+ dw &+ post
            l.offChipBytes &+= exportBytes(singleTile: p.singleTile) &+ exported
            return
        }
        let (load, bytes) = depthwiseLoad(p)
        l.memory &+= params &+ export
        l.compute &+= pre &+ post
        if p.overlapLoads {
            l.overlapped(load: load, work: dw)
        } else {
            l.memory &+= load
            l.compute &+= dw
        }
        l.offChipBytes &+= bytes &+ exported
    }

    /// The load feeding a DW group: the image loader for the input layer, a tile load otherwise.
    public func depthwiseLoad(_ p: LayerPlan) -> (cycles: Int, bytes: Int) {
        p.imageInput ? (imageLoadCycles(channels: p.realInChannels, packedPixels: p.packedPixels), imageLoadBytes(channels: p.realInChannels))
                     : (loadCycles(singleTile: p.singleTile), loadBytes(singleTile: p.singleTile))
    }

    /// The first load of a row of tiles when loads are ping-ponged (nothing to overlap it with).
    public func recordPipelineFill(_ p: LayerPlan, into l: inout CycleLedger) {
        guard p.overlapLoads, p.inGroups > p.reorgGroups else { return }
        let (load, bytes) = depthwiseLoad(p)
        l.memory &+= load
        l.offChipBytes &+= bytes
    }

    /// The per-output-group part of a PW layer on one tile: bias/activation sweeps, the output path
    /// (fused pool and/or export) and, with ping-pong loads, the first input group's load.
    public func recordPointwiseOutputGroup(_ p: LayerPlan, into l: inout CycleLedger) {
        l.compute &+= sweepCycles(engine.passes.pwPre) &+ sweepCycles(engine.passes.pwPost)
        if p.fusedPool { l.memory &+= poolCycles(); l.offChipBytes &+= poolBytes() }
        if !p.fusedPool || p.exportAlongsidePool {
            l.memory &+= exportCycles(singleTile: p.singleTile); l.offChipBytes &+= exportBytes(singleTile: p.singleTile)
        }
        if !p.inputOnChip && p.overlapLoads {
            l.memory &+= loadCycles(singleTile: p.singleTile)
            l.offChipBytes &+= loadBytes(singleTile: p.singleTile)
        }
    }

    /// One input group of one output group of a PW layer on one tile: weights, input, compute.
    public func recordPointwiseInputGroup(_ p: LayerPlan, inGroup nx: Int, outGroup mx: Int, into l: inout CycleLedger) {
        var pw = pwCycles(blocks: p.blocksPerInGroup[nx], passes: p.outPassesPerOutGroup[mx])
        if p.packedComputeFactor < 1 { pw = saturatingInt((Double(pw) * p.packedComputeFactor).rounded(.up)) }
        let wload = p.weightsResident ? 0 : pwWeightLoadCycles
        let load = loadCycles(singleTile: p.singleTile)
        l.memory &+= wload
        l.offChipBytes &+= p.weightsResident ? 0 : c.lanes &* weightWordBytes
        if p.inputOnChip {
            l.compute &+= pw
            return
        }
        if p.overlapLoads { l.overlapped(load: load, work: pw) } else { l.memory &+= load; l.compute &+= pw }
        l.offChipBytes &+= loadBytes(singleTile: p.singleTile)
    }

    /// The DW windows of one channel group of one tile: `pixels` outputs (over every batch slot), each
    /// reading `taps` operands on every lane from the tile buffer.
    public func recordDepthwiseWindows(_ p: LayerPlan, pixels: Int, into l: inout CycleLedger) {
        l.onChipBytes &+= pixels &* c.lanes &* p.taps
    }

    /// The operands one input group of one output group of a PW layer reads on one tile: `pixels`
    /// outputs (over every batch slot) × the input blocks × the output passes the array issues.
    public func recordPointwiseOperands(_ p: LayerPlan, pixels: Int, inGroup nx: Int, outGroup mx: Int,
                                        into l: inout CycleLedger) {
        let pw = engine.pointwise
        l.onChipBytes &+= pixels &* p.blocksPerInGroup[nx] &* pw.inputs &* p.outPassesPerOutGroup[mx] &* pw.outputs
    }

    /// One channel group of one tile of a pool or reorg that is not fused into its neighbours: load,
    /// one sweep (the pool's or the reorg loader's), export.
    public func recordStandaloneGroup(_ p: LayerPlan, into l: inout CycleLedger) {
        l.memory &+= loadCycles(singleTile: p.singleTile) &+ exportCycles(singleTile: p.singleTile)
        l.compute &+= p.role == .pool ? poolCycles() : reorgCycles
        l.offChipBytes &+= loadBytes(singleTile: p.singleTile) &+ exportBytes(singleTile: p.singleTile)
    }

    /// A layer that is not a DSC primitive (a standard conv, a fully connected layer, ...): the PW
    /// array computes it as one matrix product (im2col), `macs` multiply-accumulates packed
    /// `pointwise.inputs × outputs` per initiation interval, while its `bytes` of operands and
    /// results stream over the feature-map bus.
    public func recordMatrixProduct(macs: Int, bytes: Int, into l: inout CycleLedger) {
        l.compute &+= saturatingInt((Double(macs) / c.pwPeakMACsPerCycle).rounded(.up))
        l.memory &+= busWords((bytes &+ busBytes - 1) / busBytes)
        l.offChipBytes &+= bytes
    }

    /// Weights loaded once for the whole PW layer (they all fit the weight buffer).
    public func recordResidentWeights(_ p: LayerPlan, into l: inout CycleLedger) {
        guard p.weightsResident else { return }
        let blocks = p.outGroups &* p.inGroups
        l.memory &+= blocks &* pwWeightLoadCycles
        l.offChipBytes &+= blocks &* c.lanes &* weightWordBytes
    }
}
