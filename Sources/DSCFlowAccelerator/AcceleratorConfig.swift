import DSCFlow
/// Everything the accelerator model needs to know about one FPGA design: a few numbers every
/// design has (clock, batch and its stitching grid, channel lanes, data widths), its `dataflow` with
/// the settings of that dataflow only (a tiled engine's PE arrays, tiles and loops; a streaming
/// design's SIMD × PE folding; a layer pipeline's multiplier budget), and the system around it:
/// `memory` (buses, off-chip bandwidth, DDR), `host` (the frame workflow and host times), `power`
/// and `resources` (what the design uses, what the device has).
///
/// Presets (`AcceleratorConfig.preset(named:)`) reproduce published designs; every number's source
/// is in docs/ACCELERATORS.md. Loadable from and savable to JSON (`AcceleratorConfig(json:)`,
/// `json()`; the schema is `AcceleratorConfig.schema`); unknown keys are rejected so typos do not
/// pass silently, and files in the flat format of earlier versions still load.
public struct AcceleratorConfig: Sendable, Equatable {
    /// How the design maps layers onto hardware, with the settings of that mapping.
    public enum Dataflow: Sendable, Equatable {
        /// One (or two) reusable engines walk each layer tile by tile, channel group by channel group,
        /// through on-chip tile buffers (iSmart3, SkrSkr, SEUer).
        case tiledEngine(TiledEngine)
        /// Every layer has its own engine with FINN-style folding (SIMD × PE); layers run concurrently
        /// on a stream (UltraNet).
        case streaming(Streaming)
        /// Every layer has its own engine, folded to fit a multiplier budget; pointwise→depthwise pairs
        /// may be chained through data reorderers (Paper A).
        case layerPipeline(LayerPipeline)

        /// The dataflows by name (the JSON `dataflow.kind`).
        public enum Kind: String, Sendable, CaseIterable {
            /// `Dataflow.tiledEngine`.
            case tiledEngine = "tiled-engine"
            /// `Dataflow.streaming`.
            case streaming
            /// `Dataflow.layerPipeline`.
            case layerPipeline = "layer-pipeline"
        }

        /// Which dataflow this is.
        public var kind: Kind {
            switch self {
            case .tiledEngine: return .tiledEngine
            case .streaming: return .streaming
            case .layerPipeline: return .layerPipeline
            }
        }

        /// The dataflow `kind` with its default settings (`TiledEngine()`: SkrSkr's engine; no folding
        /// lists; no multipliers, which a layer pipeline must be given).
        public static func defaults(_ kind: Kind) -> Dataflow {
            switch kind {
            case .tiledEngine: return .tiledEngine(TiledEngine())
            case .streaming: return .streaming(Streaming())
            case .layerPipeline: return .layerPipeline(LayerPipeline())
            }
        }
    }

    /// How the host (PS) and the accelerator (PL) share the work on a stream of frames (Paper B Fig. 4).
    public enum FrameWorkflow: String, Sendable, CaseIterable {
        /// Preprocess, copy, compute, postprocess, one after the other.
        case serial
        /// The host preprocesses the next batch while the accelerator computes; the copy still waits.
        case parallel
        /// The next batch is copied into DDR as soon as the layers reading the input have consumed the current one.
        case preload
    }

    /// Name shown in reports (the preset name for presets).
    public var name: String
    /// Accelerator clock, MHz.
    public var clockMHz: Double
    /// Images per accelerator run (4 for the stitched DAC-SDC designs).
    public var batch: Int
    /// Rows of the grid the batch is stitched into, as one feature map (2 for DAC-SDC's 2×2).
    public var batchGridRows: Int
    /// Columns of the stitching grid.
    public var batchGridCols: Int
    /// Channel lanes: feature maps are stored and processed this many channels at a time (a channel group).
    public var lanes: Int
    /// Bits of one stored activation.
    public var activationBits: Int
    /// Bits of one stored weight.
    public var weightBits: Int
    /// Operations one multiply-accumulate counts as in GOPS (2: a multiply and an add).
    public var opsPerMAC: Double
    /// How layers map onto the hardware, with that mapping's settings.
    public var dataflow: Dataflow
    /// Buses, off-chip bandwidth and DDR.
    public var memory: MemorySystem
    /// The host's share of each frame and how it overlaps the accelerator.
    public var host: HostWorkflow
    /// Board power.
    public var power: Power
    /// Resources the design uses and the device's budget.
    public var resources: Resources

    /// A configuration with every group at its defaults (SkrSkr's numbers for a tiled engine, an
    /// Ultra96's device budget, nothing of the system modelled); presets and JSON override fields.
    public init(name: String, dataflow: Dataflow = .tiledEngine(TiledEngine())) {
        self.name = name
        clockMHz = 333
        batch = 4
        batchGridRows = 2
        batchGridCols = 2
        lanes = 32
        activationBits = 8
        weightBits = 6
        opsPerMAC = 2
        self.dataflow = dataflow
        memory = MemorySystem()
        host = HostWorkflow()
        power = Power()
        resources = Resources()
    }

    /// The tiled engine's settings, or nil for the other dataflows. Setting it makes the design a
    /// tiled engine (setting nil changes nothing), so `config.tiledEngine?.pointwise.inputs = 8`
    /// edits a tiled design and leaves any other alone.
    public var tiledEngine: TiledEngine? {
        get { if case .tiledEngine(let t) = dataflow { return t } else { return nil } }
        set { if let newValue { dataflow = .tiledEngine(newValue) } }
    }

    /// The streaming design's folding, or nil for the other dataflows (setting works as for `tiledEngine`).
    public var streaming: Streaming? {
        get { if case .streaming(let s) = dataflow { return s } else { return nil } }
        set { if let newValue { dataflow = .streaming(newValue) } }
    }

    /// The layer pipeline's settings, or nil for the other dataflows (setting works as for `tiledEngine`).
    public var layerPipeline: LayerPipeline? {
        get { if case .layerPipeline(let p) = dataflow { return p } else { return nil } }
        set { if let newValue { dataflow = .layerPipeline(newValue) } }
    }

    /// Bytes of one stored activation (whole bytes).
    var activationBytes: Int { (activationBits &+ 7) / 8 }

    /// The roofline's bandwidth, GB/s: `memory.bandwidthGBps`, or one `memory.busBytes` word per cycle when it is 0.
    public var effectiveBandwidthGBps: Double {
        memory.bandwidthGBps > 0 ? memory.bandwidthGBps : Double(memory.busBytes) * clockMHz / 1000
    }

    /// What the board's memory system delivers to the accelerator, GB/s: the slave port's width ×
    /// the clock, bounded by the DRAM's peak (whichever of the two is modelled; 0 when neither is).
    public var boardBandwidthGBps: Double {
        let port = Double(memory.axiPortBytes) * clockMHz / 1000
        switch (port > 0, memory.dramBandwidthGBps > 0) {
        case (true, true): return min(port, memory.dramBandwidthGBps)
        case (true, false): return port
        case (false, true): return memory.dramBandwidthGBps
        case (false, false): return 0
        }
    }

    /// The design with its transfers priced at the board's bandwidth (`boardBandwidthGBps`) instead of
    /// the HLS schedule's one bus word per cycle: a system-level estimate (DDR-bound loads and exports
    /// stretch). Unchanged when the board's bandwidth is not modelled.
    public func withBoardBandwidth() -> AcceleratorConfig {
        var c = self
        let b = boardBandwidthGBps
        if b > 0 { c.memory.bandwidthGBps = b }
        return c
    }

    /// Seconds the host spends per image copying it into DDR: `host.copyMs` plus
    /// `host.copyBytesPerImage` read and written at the DRAM's peak (a lower bound on a memcpy).
    public var hostCopySecondsPerImage: Double {
        var s = host.copyMs / 1000
        if memory.dramBandwidthGBps > 0 { s += 2 * Double(host.copyBytesPerImage) / (memory.dramBandwidthGBps * 1e9) }
        return s
    }

    /// What a tiled engine's image loader moves, GB/s: one beat per cycle of `imageLoader.channelsPerBeat`
    /// activations (iSmart3: an 8-bit port; SkrSkr: 32-bit RGBA), or one 128-bit word of `packedPixels`
    /// pixels with channel enhancement (Paper B §3.4), bounded by `effectiveBandwidthGBps`. The roofline
    /// prices the input layer with it (Paper B Fig. 1(a): the first DWC is bandwidth-bound). Other
    /// dataflows read their input at `effectiveBandwidthGBps`.
    public func imageLoaderBandwidthGBps(packedPixels: Int) -> Double {
        guard let t = tiledEngine else { return effectiveBandwidthGBps }
        let beat = packedPixels > 1 ? 16 : t.imageLoader.channelsPerBeat &* activationBytes
        return min(effectiveBandwidthGBps, Double(beat) * clockMHz / 1000)
    }

    /// Peak multiply-accumulates per cycle of a tiled engine's DW array (0 for the other dataflows:
    /// each of their layers has an engine of its own, `LayerReport.roofGOPS`).
    public var dwPeakMACsPerCycle: Double {
        guard let d = tiledEngine?.depthwise else { return 0 }
        return Double(d.channels * d.tapsPerPass) / Double(d.initiationInterval)
    }

    /// Peak multiply-accumulates per cycle of a tiled engine's PW array (0 for the other dataflows).
    public var pwPeakMACsPerCycle: Double {
        guard let p = tiledEngine?.pointwise else { return 0 }
        return Double(p.inputs * p.outputs) / Double(p.initiationInterval)
    }

    /// Depthwise compute roof, GOPS (peak MACs per cycle × ops per MAC × clock).
    public var dwRoofGOPS: Double { dwPeakMACsPerCycle * opsPerMAC * clockMHz / 1000 }
    /// Pointwise compute roof, GOPS.
    public var pwRoofGOPS: Double { pwPeakMACsPerCycle * opsPerMAC * clockMHz / 1000 }
}
