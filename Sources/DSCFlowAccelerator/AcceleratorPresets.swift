import DSCFlow
/// The published designs. Every number is documented with its source in docs/ACCELERATORS.md.
extension AcceleratorConfig {
    /// Preset names accepted by `preset(named:)`.
    public static let presetNames = ["ismart3", "skrskr", "seuer-a", "seuer-b", "ultranet", "gowin-pipeline"]

    /// A preset by name; throws `DSCError.invalidArgument` listing the names for an unknown one.
    public static func preset(named name: String) throws -> AcceleratorConfig {
        switch name {
        case "ismart3": return ismart3
        case "skrskr": return skrskr
        case "seuer-a": return seuerA
        case "seuer-b": return seuerB
        case "ultranet": return ultranet
        case "gowin-pipeline": return gowinPipeline
        default:
            throw DSCError.invalidArgument("unknown accelerator preset '\(name)' (known: \(presetNames.joined(separator: ", ")))")
        }
    }

    /// iSmart3-SkyNet on Ultra96 (TomG008/SkyNet FPGA/HLS, DAC-SDC 2019 winner).
    public static var ismart3: AcceleratorConfig {
        var t = TiledEngine()
        t.pointwise.inputs = 16; t.pointwise.outputs = 32; t.pointwise.initiationInterval = 2
        t.pointwise.blockSetupCycles = 16 * 32
        t.depthwise.channels = 32; t.depthwise.tapsPerPass = 1; t.depthwise.initiationInterval = 1
        t.depthwise.lineBufferRows = 0  // no line buffer: the 9 taps are 9 passes over the tile
        t.tiles.bufferRows = 44; t.tiles.bufferCols = 84
        t.tiles.dwLoopRows = 42; t.tiles.dwLoopCols = 82
        t.tiles.pwLoopRows = 42; t.tiles.pwLoopCols = 82
        t.tiles.featureBuffers = 3
        t.tiles.weightBufferSlots = 4
        t.tiles.exportWholeBuffer = true
        t.passes.dwPre = 0.5; t.passes.dwPostOnChip = 0.5; t.passes.dwPostExported = 0
        t.passes.pwPre = 0.5; t.passes.pwPost = 0
        t.poolII = 2
        t.reorgCyclesPerGroup = (4 * 10 * 20 * 16 + 22 * 84) / 4
        t.imageLoader.rows = 44; t.imageLoader.cols = 84; t.imageLoader.channelsPerBeat = 1
        t.imageLoader.stitched = true
        var c = AcceleratorConfig(name: "ismart3", dataflow: .tiledEngine(t))
        c.clockMHz = 214
        c.activationBits = 16; c.weightBits = 16
        c.memory.busBytes = 64
        c.memory.onChipBufferKiB = Double(5 * 32 * 44 * 84 * 2) / 1024
        c.memory.setUltra96()
        c.host.workflow = .parallel
        c.host.preprocessMs = 2.5
        // FPGA/Deploy/SkyNet.py copies the stitched 3×324×644 uint8 batch twice per run before starting
        // the accelerator (`np.array(preprocessed_img)`, then `np.copyto(img, …)`).
        c.host.copyBytesPerImage = 2 * 3 * 324 * 644 / 4
        c.power.watts = 8.886
        c.resources.used = ResourceCount(dsp: 360, bram: 216, lut: 70560)
        return c
    }

    /// SkrSkr-SkyNet on Ultra96 (jiangwx/SkrSkr Develop/C/src/SkyNet.cpp, DAC-SDC 2020 2nd place):
    /// the default tiled engine.
    public static var skrskr: AcceleratorConfig {
        var c = AcceleratorConfig(name: "skrskr", dataflow: .tiledEngine(TiledEngine()))
        c.clockMHz = 333
        c.memory.setUltra96()
        c.host.workflow = .parallel
        c.host.preprocessMs = 2.5
        // Deploy/run.py copies the stitched 4×160×320×4 RGBA batch once per run (`np.copyto(img, …)`).
        c.host.copyBytesPerImage = 160 * 320 * 4
        c.power.watts = 133.613382133 / 15.036086797714233
        c.resources.multipliersPerDSP = 2
        c.resources.used = ResourceCount(dsp: 360, bram: 216, lut: 70560)
        return c
    }

    /// Paper B's optimisations applied to a configuration: shared PE, adjustable loop count and
    /// channel enhancement (tiled engines only), preload workflow.
    public func withPaperBOptimisations(sharedPE: Bool = true, adjustableLoopCount: Bool = true,
                                         channelEnhancement: Bool = true, preload: Bool = true) -> AcceleratorConfig {
        var c = self
        if var t = c.tiledEngine {
            if sharedPE {
                // Stackable shared PE: 32 PEs of 9 multipliers; a line buffer gives one 3×3 window per cycle.
                t.optimisations.sharedPE = true
                t.depthwise.channels = t.optimisations.sharedPECount
                t.depthwise.tapsPerPass = t.optimisations.multipliersPerSharedPE
                t.depthwise.initiationInterval = 1
                t.depthwise.lineBufferRows = 3
            }
            if adjustableLoopCount { t.optimisations.adjustableLoopCount = true }
            if channelEnhancement { t.optimisations.channelEnhancement = true }
            c.tiledEngine = t
        }
        if preload { c.host.workflow = .preload }
        return c
    }

    /// SEUer A: iSmart3 with Paper B's four optimisations.
    public static var seuerA: AcceleratorConfig {
        var c = ismart3.withPaperBOptimisations()
        c.name = "seuer-a"
        return c
    }

    /// SEUer B: SkrSkr with Paper B's four optimisations at 300 MHz (Paper B §4, Table 2).
    public static var seuerB: AcceleratorConfig {
        var c = skrskr.withPaperBOptimisations()
        c.name = "seuer-b"
        c.clockMHz = 300
        c.power.watts = 0.068 * 78.576
        return c
    }

    /// UltraNet on Ultra96 (heheda365/ultra_net hls/ultra_net_accelerator_code/config.h), FINN-style folding.
    public static var ultranet: AcceleratorConfig {
        let folding = Streaming(simd: [3, 16, 16, 16, 8, 8, 8, 8, 8], pe: [16, 8, 8, 4, 2, 2, 2, 2, 2])
        var c = AcceleratorConfig(name: "ultranet", dataflow: .streaming(folding))
        c.clockMHz = 166.67
        c.batch = 1; c.batchGridRows = 1; c.batchGridCols = 1
        c.activationBits = 4; c.weightBits = 4
        c.memory.setUltra96()
        c.host.workflow = .parallel
        c.power.watts = 8.886
        c.resources.used = ResourceCount(dsp: 360, bram: 216, lut: 70560)
        return c
    }

    /// Paper A's pipelined DSC accelerator on a Gowin GW2A (48 DSPs, 20k LUT, 828 KB BRAM, 54 MHz, 0.71 W).
    public static var gowinPipeline: AcceleratorConfig {
        let multipliersPerDSP = 2
        let pipeline = LayerPipeline(multipliers: 48 * multipliersPerDSP, dataReorderers: true)
        var c = AcceleratorConfig(name: "gowin-pipeline", dataflow: .layerPipeline(pipeline))
        c.clockMHz = 54
        c.batch = 1; c.batchGridRows = 1; c.batchGridCols = 1
        c.activationBits = 8; c.weightBits = 8
        c.memory.onChipBufferKiB = 828
        c.host.workflow = .parallel
        c.power.watts = 0.71
        c.resources.multipliersPerDSP = multipliersPerDSP
        c.resources.used = ResourceCount(dsp: 48, bram: 46, lut: 20736)
        c.resources.budget = ResourceCount(dsp: 48, bram: 46, lut: 20736)
        return c
    }
}

extension AcceleratorConfig.MemorySystem {
    /// The Ultra96 memory system the DAC-SDC designs reach DDR through (jiangwx/SkrSkr
    /// `Develop/rtl.tcl`): the feature-map master on a 128-bit S_AXI_HP port (`PSU__SAXIGP3__DATA_WIDTH
    /// {128}`) clocked with the accelerator, and a 32-bit LPDDR4 at 1066 MT/s (`PSU__DDRC__MEMORY_TYPE
    /// {LPDDR 4}`, `PSU__DDRC__SPEED_BIN {LPDDR4_1066}`, `PSU__DDRC__DRAM_WIDTH {32 Bits}`): 4.267 GB/s peak.
    mutating func setUltra96() {
        axiPortBytes = 128 / 8
        dramBandwidthGBps = 1066.67e6 * 4 / 1e9
    }
}
