import DSCFlow
/// Everything the accelerator model needs to know about one FPGA design: its dataflow, PE array,
/// unrolling and initiation intervals, tiles and buffers, buses, the optimisations of Paper B,
/// the host workflow, clock, power and resources. Presets (`AcceleratorConfig.preset(named:)`)
/// reproduce published designs; every number's source is in docs/ACCELERATORS.md.
/// Loadable from and savable to JSON (`AcceleratorConfig(json:)`, `json()`); unknown keys are
/// rejected so typos do not pass silently.
public struct AcceleratorConfig: Sendable, Equatable {
    /// How the design maps layers onto hardware.
    public enum Dataflow: String, Sendable, CaseIterable {
        /// One (or two) reusable engines walk each layer tile by tile, channel group by channel group,
        /// through on-chip tile buffers (iSmart3, SkrSkr, SEUer).
        case tiledEngine = "tiled-engine"
        /// Every layer has its own engine with FINN-style folding (PE × SIMD); layers run concurrently
        /// on a stream (UltraNet).
        case streaming
        /// Every layer has its own engine; pointwise→depthwise pairs are chained through data
        /// reorderers (Paper A).
        case layerPipeline = "layer-pipeline"
    }

    /// How the host (PS) and the accelerator (PL) share the work on a stream of frames (Paper B Fig. 4).
    public enum FrameWorkflow: String, Sendable, CaseIterable {
        /// Preprocess, copy, compute, postprocess, one after the other.
        case serial
        /// The host preprocesses the next batch while the accelerator computes; the copy still waits.
        case parallel
        /// The next batch is copied into DDR as soon as the first layer has consumed the current one.
        case preload
    }

    /// Name shown in reports (the preset name for presets).
    public var name: String
    /// How layers map onto the hardware.
    public var dataflow: Dataflow
    /// Accelerator clock.
    public var clockMHz: Double
    /// Images per accelerator run (4 for the stitched DAC-SDC designs).
    public var batch: Int
    /// How the batch is stitched into one feature map (rows × columns of images; 2×2 for DAC-SDC).
    public var batchGridRows: Int
    /// Columns of the stitching grid.
    public var batchGridCols: Int
    /// The input layer tiles the stitched batch (true, iSmart3) or each image on its own (SkrSkr).
    public var stitchedImageInput: Bool

    // MARK: PE array
    /// Channel lanes per group: feature maps are stored and processed 32 channels at a time.
    public var lanes: Int
    /// Shared processing elements (Paper B: 32), each with `multipliersPerPE` multipliers (9: a 3×3 window).
    public var peCount: Int
    /// Multipliers per shared PE (9: one 3×3 window).
    public var multipliersPerPE: Int
    /// DW and PW run on the same PE array (Paper B's stackable shared PE) instead of separate engines.
    public var sharedEngine: Bool
    /// Pointwise unrolling: input channels × output channels per cycle, and its initiation interval.
    public var pwInputs: Int
    /// Pointwise output channels computed in parallel.
    public var pwOutputs: Int
    /// Pointwise initiation interval (cycles per pixel per input block).
    public var pwII: Int
    /// Cycles to move one block's weights into the PW registers before the block starts (iSmart3: 16×32).
    public var pwBlockSetupCycles: Int
    /// Depthwise: channels in parallel, taps per pass (9 with a line buffer, 1 without), initiation interval.
    public var dwChannels: Int
    /// Depthwise window taps computed per pass (9 with a line buffer; 1: one tap per pass).
    public var dwTapsPerPass: Int
    /// Depthwise initiation interval (cycles per pixel).
    public var dwII: Int
    /// Adjust the PW input-block loop count to the layer's real channels (Paper B §3.3).
    public var adjustableLoopCount: Bool
    /// Pack pixels into the unused lanes of the 3-channel input layer (Paper B §3.4).
    public var channelEnhancement: Bool
    /// Pixels packed per word by channel enhancement (4 RGB pixels in a 128-bit word).
    public var channelEnhancementPixels: Int

    // MARK: tiles and buffers
    /// Output rows × columns computed per tile.
    public var tileRows: Int
    /// Output columns per tile.
    public var tileCols: Int
    /// On-chip tile buffer (tile + halo + stitch separators).
    public var bufferRows: Int
    /// Columns of the tile buffer.
    public var bufferCols: Int
    /// The region the DW loop walks (SkrSkr: the whole 43×83 buffer through a line buffer; iSmart3: 42×82).
    public var dwLoopRows: Int
    /// Columns the DW loop walks.
    public var dwLoopCols: Int
    /// The region the PW and activation loops walk.
    public var pwLoopRows: Int
    /// Columns the PW and activation loops walk.
    public var pwLoopCols: Int
    /// Rows of the DW line buffer (informational: the DW cost follows `dwTapsPerPass` and `dwII`).
    public var lineBufferRows: Int
    /// Tile buffers available for feature maps: a DW layer whose channel groups all fit stays on chip
    /// and feeds the next PW directly.
    public var featureBuffers: Int
    /// PW weight blocks (lanes × lanes) held on chip: a layer that fits loads its weights once.
    public var weightBufferSlots: Int
    /// Extra passes over the PW region per call: bias initialisation before DW / PW, activation after
    /// DW when the result stays on chip / is exported, activation after PW.
    public var dwPrePasses: Double
    /// Activation sweeps after a DW whose output stays on chip.
    public var dwPostPassesOnChip: Double
    /// Activation sweeps after a DW whose output is exported.
    public var dwPostPassesExported: Double
    /// Bias-initialisation sweeps before a PW output group.
    public var pwPrePasses: Double
    /// Activation sweeps after a PW output group.
    public var pwPostPasses: Double
    /// Exports write the whole buffer (iSmart3) instead of the tile (SkrSkr).
    public var exportWholeBuffer: Bool
    /// Max-pool 2×2 initiation interval per output pixel (fused into the PW's export).
    public var poolII: Int
    /// Cycles per 32-channel group of the reorg loader (SkyNet's space-to-depth).
    public var reorgCyclesPerGroup: Int
    /// Image loader: rows × columns per tile and channels per bus beat (1: 8-bit bus; 4: RGBA word).
    public var imageLoadRows: Int
    /// Columns the image loader fetches per tile.
    public var imageLoadCols: Int
    /// Image channels per bus beat (1: 8-bit bus; 4: RGBA word).
    public var imageChannelsPerBeat: Int

    // MARK: memory
    /// Bytes of one feature-map bus word (32 lanes × activation bytes).
    public var busBytes: Int
    /// Off-chip bandwidth available to the accelerator, GB/s; 0 means one bus word per cycle, what the
    /// HLS schedule's loaders move (`effectiveBandwidthGBps`). When set, it is the roofline's slope and
    /// every transfer loop (loads, exports, weights, pooled writes, the image and reorg loaders) takes
    /// as long as the bandwidth needs, never less than one beat per cycle (`withBoardBandwidth()`).
    public var bandwidthGBps: Double
    /// Data width in bytes of the processing system's slave port the accelerator's feature-map bus
    /// reaches DDR through (Ultra96 designs: a 128-bit S_AXI_HP port, 16), clocked at the accelerator
    /// clock; 0 when not modelled. With `dramBandwidthGBps` it gives `boardBandwidthGBps`.
    public var axiPortBytes: Int
    /// Peak bandwidth of the board's DRAM, GB/s (Ultra96: 32-bit LPDDR4 at 533.33 MHz, double data
    /// rate: 4.267 GB/s); 0 when not modelled. Bounds the accelerator's bandwidth (`boardBandwidthGBps`)
    /// and prices the host's copy of each image into DDR (`hostCopyBytesPerImage`).
    public var dramBandwidthGBps: Double
    /// Activation and weight storage bits.
    public var activationBits: Int
    /// Weight storage bits.
    public var weightBits: Int
    /// On-chip buffer capacity in KiB the design declares (informational; the explorer estimates
    /// BRAM from the tile buffers instead).
    public var onChipBufferKiB: Double

    // MARK: streaming and layer pipeline
    /// Streaming: per conv layer (in model order) SIMD (input lanes) and PE (output lanes).
    public var streamSIMD: [Int]
    /// Streaming: per compute layer, output lanes (PE).
    public var streamPE: [Int]
    /// Layer pipeline: multipliers available (DSPs × multipliers per DSP) and whether PW→DW pairs are
    /// chained through data reorderers (layers start after a K-row fill instead of a whole frame:
    /// it changes the latency, not the frame interval).
    public var pipelineMultipliers: Int
    /// PW→DW pairs chained through data reorderers (Paper A).
    public var dataReorderers: Bool

    // MARK: system
    /// How host and accelerator overlap on a stream of frames.
    public var frameWorkflow: FrameWorkflow
    /// Host milliseconds per image: preprocessing, copy into DDR, postprocessing.
    public var hostPreprocessMs: Double
    /// Host milliseconds per image to copy it into DDR.
    public var hostCopyMs: Double
    /// Host milliseconds per image of postprocessing.
    public var hostPostprocessMs: Double
    /// Bytes the host copies per image into the accelerator's input buffer in DDR (its frame loop's
    /// copies of the stitched batch, divided by the batch). Each byte is read and written once, at
    /// the DRAM's peak (`dramBandwidthGBps`): `hostCopySecondsPerImage` adds this to `hostCopyMs`.
    public var hostCopyBytesPerImage: Int
    /// Board power while computing, W, and the part of it that scales with the DSPs in use.
    public var powerWatts: Double
    /// Watts per DSP in use, added to `powerWatts`.
    public var powerPerDSPWatts: Double
    /// Multiply/accumulates counted as this many operations in GOPS (2: multiply and add).
    public var opsPerMAC: Double
    /// Multipliers one DSP block provides at the design's operand widths (2: two narrow products per DSP).
    public var multipliersPerDSP: Int
    /// Resources the design uses and the device's budget.
    public var dsp: Int
    /// BRAM36 blocks the design uses.
    public var bram: Int
    /// LUTs the design uses.
    public var lut: Int
    /// The device's DSP budget (what `dscflow explore` uses for a resource its --budget omits).
    public var budgetDSP: Int
    /// The device's BRAM36 budget.
    public var budgetBRAM: Int
    /// The device's LUT budget.
    public var budgetLUT: Int

    /// A neutral tiled-engine configuration (SkrSkr's numbers); presets and JSON override fields.
    public init(name: String) {
        self.name = name
        dataflow = .tiledEngine
        clockMHz = 333
        batch = 4
        batchGridRows = 2
        batchGridCols = 2
        stitchedImageInput = false
        lanes = 32
        peCount = 32
        multipliersPerPE = 9
        sharedEngine = false
        pwInputs = 16
        pwOutputs = 32
        pwII = 1
        pwBlockSetupCycles = 0
        dwChannels = 32
        dwTapsPerPass = 9
        dwII = 5
        adjustableLoopCount = false
        channelEnhancement = false
        channelEnhancementPixels = 4
        tileRows = 40
        tileCols = 80
        bufferRows = 43
        bufferCols = 83
        dwLoopRows = 43
        dwLoopCols = 83
        pwLoopRows = 41
        pwLoopCols = 81
        lineBufferRows = 3
        featureBuffers = 2
        weightBufferSlots = 2
        dwPrePasses = 0
        dwPostPassesOnChip = 1
        dwPostPassesExported = 1
        pwPrePasses = 0
        pwPostPasses = 1
        exportWholeBuffer = false
        poolII = 4
        reorgCyclesPerGroup = 3200
        imageLoadRows = 42
        imageLoadCols = 82
        imageChannelsPerBeat = 4
        busBytes = 32
        bandwidthGBps = 0
        axiPortBytes = 0
        dramBandwidthGBps = 0
        activationBits = 8
        weightBits = 6
        onChipBufferKiB = 4 * 32 * 43 * 83 / 1024
        streamSIMD = []
        streamPE = []
        pipelineMultipliers = 0
        dataReorderers = false
        frameWorkflow = .parallel
        hostPreprocessMs = 0
        hostCopyMs = 0
        hostPostprocessMs = 0
        hostCopyBytesPerImage = 0
        powerWatts = 5
        powerPerDSPWatts = 0
        opsPerMAC = 2
        multipliersPerDSP = 1
        dsp = 0
        bram = 0
        lut = 0
        budgetDSP = 360
        budgetBRAM = 216
        budgetLUT = 70560
    }

    /// Checks the numbers a cost model divides by or loops over; throws `DSCError.invalidArgument`.
    public func validate() throws {
        func positive(_ v: Int, _ what: String, max: Int = 4096) throws {
            if v < 1 || v > max { throw DSCError.invalidArgument("accelerator '\(name)': \(what) = \(v) must be in 1…\(max)") }
        }
        func nonNegative(_ v: Double, _ what: String) throws {
            if !(v >= 0 && v < 1e12) { throw DSCError.invalidArgument("accelerator '\(name)': \(what) = \(v) must be ≥ 0") }
        }
        if !(clockMHz > 0 && clockMHz < 1e6) { throw DSCError.invalidArgument("accelerator '\(name)': clockMHz = \(clockMHz) must be in (0, 1e6)") }
        try positive(batch, "batch", max: 1 << 16)
        try positive(batchGridRows, "batchGridRows", max: 1 << 8)
        try positive(batchGridCols, "batchGridCols", max: 1 << 8)
        if batchGridRows * batchGridCols < batch {
            throw DSCError.invalidArgument("accelerator '\(name)': a \(batchGridRows)×\(batchGridCols) grid cannot hold a batch of \(batch)")
        }
        for (v, w) in [(lanes, "lanes"), (peCount, "peCount"), (multipliersPerPE, "multipliersPerPE"),
                       (pwInputs, "pwInputs"), (pwOutputs, "pwOutputs"), (pwII, "pwII"), (dwChannels, "dwChannels"),
                       (dwTapsPerPass, "dwTapsPerPass"), (dwII, "dwII"), (channelEnhancementPixels, "channelEnhancementPixels"),
                       (tileRows, "tileRows"), (tileCols, "tileCols"), (bufferRows, "bufferRows"), (bufferCols, "bufferCols"),
                       (dwLoopRows, "dwLoopRows"), (dwLoopCols, "dwLoopCols"), (pwLoopRows, "pwLoopRows"),
                       (pwLoopCols, "pwLoopCols"), (featureBuffers, "featureBuffers"),
                       (weightBufferSlots, "weightBufferSlots"), (poolII, "poolII"), (imageLoadRows, "imageLoadRows"),
                       (imageLoadCols, "imageLoadCols"), (imageChannelsPerBeat, "imageChannelsPerBeat"), (multipliersPerDSP, "multipliersPerDSP"),
                       (busBytes, "busBytes"), (activationBits, "activationBits"), (weightBits, "weightBits")] {
            try positive(v, w)
        }
        if axiPortBytes < 0 || axiPortBytes > 4096 { throw DSCError.invalidArgument("accelerator '\(name)': axiPortBytes = \(axiPortBytes) must be in 0…4096") }
        if hostCopyBytesPerImage < 0 || hostCopyBytesPerImage > 1 << 40 {
            throw DSCError.invalidArgument("accelerator '\(name)': hostCopyBytesPerImage = \(hostCopyBytesPerImage) must be in 0…2^40")
        }
        if lineBufferRows < 0 || lineBufferRows > 64 { throw DSCError.invalidArgument("accelerator '\(name)': lineBufferRows = \(lineBufferRows) must be in 0…64") }
        if pwBlockSetupCycles < 0 || pwBlockSetupCycles > 1 << 20 { throw DSCError.invalidArgument("accelerator '\(name)': pwBlockSetupCycles out of range") }
        if reorgCyclesPerGroup < 0 || reorgCyclesPerGroup > 1 << 24 { throw DSCError.invalidArgument("accelerator '\(name)': reorgCyclesPerGroup out of range") }
        if bufferRows < tileRows || bufferCols < tileCols {
            throw DSCError.invalidArgument("accelerator '\(name)': the \(bufferRows)×\(bufferCols) buffer is smaller than the \(tileRows)×\(tileCols) tile")
        }
        for (v, w) in [(dwPrePasses, "dwPrePasses"), (dwPostPassesOnChip, "dwPostPassesOnChip"),
                       (dwPostPassesExported, "dwPostPassesExported"), (pwPrePasses, "pwPrePasses"),
                       (pwPostPasses, "pwPostPasses"), (bandwidthGBps, "bandwidthGBps"), (onChipBufferKiB, "onChipBufferKiB"),
                       (hostPreprocessMs, "hostPreprocessMs"), (hostCopyMs, "hostCopyMs"),
                       (hostPostprocessMs, "hostPostprocessMs"), (powerWatts, "powerWatts"),
                       (dramBandwidthGBps, "dramBandwidthGBps"),
                       (powerPerDSPWatts, "powerPerDSPWatts"), (opsPerMAC, "opsPerMAC")] {
            try nonNegative(v, w)
        }
        if streamSIMD.count != streamPE.count {
            throw DSCError.invalidArgument("accelerator '\(name)': streamSIMD has \(streamSIMD.count) entries, streamPE \(streamPE.count)")
        }
        for v in streamSIMD + streamPE { try positive(v, "a streamSIMD/streamPE entry") }
        if dataflow == .layerPipeline { try positive(pipelineMultipliers, "pipelineMultipliers") }
        for (v, w) in [(dsp, "dsp"), (bram, "bram"), (lut, "lut"), (budgetDSP, "budgetDSP"), (budgetBRAM, "budgetBRAM"), (budgetLUT, "budgetLUT")] {
            if v < 0 || v > 1 << 30 { throw DSCError.invalidArgument("accelerator '\(name)': \(w) = \(v) out of range") }
        }
    }

    /// The roofline's bandwidth: `bandwidthGBps`, or one `busBytes` word per cycle when it is 0.
    public var effectiveBandwidthGBps: Double {
        bandwidthGBps > 0 ? bandwidthGBps : Double(busBytes) * clockMHz / 1000
    }

    /// What the board's memory system delivers to the accelerator, GB/s: the slave port's width ×
    /// the clock, bounded by the DRAM's peak (whichever of the two is modelled; 0 when neither is).
    public var boardBandwidthGBps: Double {
        let port = Double(axiPortBytes) * clockMHz / 1000
        switch (port > 0, dramBandwidthGBps > 0) {
        case (true, true): return min(port, dramBandwidthGBps)
        case (true, false): return port
        case (false, true): return dramBandwidthGBps
        case (false, false): return 0
        }
    }

    /// The design with its transfers priced at the board's bandwidth (`boardBandwidthGBps`) instead of
    /// the HLS schedule's one bus word per cycle: a system-level estimate (DDR-bound loads and exports
    /// stretch). Unchanged when the board's bandwidth is not modelled.
    public func withBoardBandwidth() -> AcceleratorConfig {
        var c = self
        let b = boardBandwidthGBps
        if b > 0 { c.bandwidthGBps = b }
        return c
    }

    /// Seconds the host spends per image copying it into DDR: `hostCopyMs` plus
    /// `hostCopyBytesPerImage` read and written at the DRAM's peak (a lower bound on a memcpy).
    public var hostCopySecondsPerImage: Double {
        var s = hostCopyMs / 1000
        if dramBandwidthGBps > 0 { s += 2 * Double(hostCopyBytesPerImage) / (dramBandwidthGBps * 1e9) }
        return s
    }

    /// What the image loader's port moves, GB/s: one beat per cycle of `imageChannelsPerBeat`
    /// activation bytes (iSmart3: an 8-bit port; SkrSkr: 32-bit RGBA), or one 128-bit word of
    /// `packedPixels` pixels with channel enhancement (Paper B §3.4), bounded by `effectiveBandwidthGBps`.
    /// The roofline prices the input layer with it (Paper B Fig. 1(a): the first DWC is bandwidth-bound).
    public func imageLoaderBandwidthGBps(packedPixels: Int) -> Double {
        let beat = packedPixels > 1 ? 16 : imageChannelsPerBeat * ((activationBits + 7) / 8)
        return min(effectiveBandwidthGBps, Double(beat) * clockMHz / 1000)
    }

    /// Peak depthwise multiply-accumulates per cycle of a tiled engine's DW array (0 for the other
    /// dataflows: each of their layers has an engine of its own, `LayerReport.roofGOPS`).
    public var dwPeakMACsPerCycle: Double {
        dataflow == .tiledEngine ? Double(dwChannels * dwTapsPerPass) / Double(dwII) : 0
    }

    /// Peak pointwise multiply-accumulates per cycle of a tiled engine's PW array (0 for the other dataflows).
    public var pwPeakMACsPerCycle: Double {
        dataflow == .tiledEngine ? Double(pwInputs * pwOutputs) / Double(pwII) : 0
    }

    /// Depthwise compute roof, GOPS (peak MACs/cycle × ops per MAC × clock).
    public var dwRoofGOPS: Double { dwPeakMACsPerCycle * opsPerMAC * clockMHz / 1000 }
    /// Pointwise compute roof, GOPS.
    public var pwRoofGOPS: Double { pwPeakMACsPerCycle * opsPerMAC * clockMHz / 1000 }
}
