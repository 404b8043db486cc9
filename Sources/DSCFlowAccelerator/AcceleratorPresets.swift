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
        var c = AcceleratorConfig(name: "ismart3")
        c.clockMHz = 214
        c.stitchedImageInput = true
        c.pwInputs = 16; c.pwOutputs = 32; c.pwII = 2; c.pwBlockSetupCycles = 16 * 32
        c.dwChannels = 32; c.dwTapsPerPass = 1; c.dwII = 1
        c.bufferRows = 44; c.bufferCols = 84
        c.dwLoopRows = 42; c.dwLoopCols = 82
        c.pwLoopRows = 42; c.pwLoopCols = 82
        c.lineBufferRows = 0  // no line buffer: the 9 taps are 9 passes over the tile
        c.featureBuffers = 3
        c.weightBufferSlots = 4
        c.dwPrePasses = 0.5; c.dwPostPassesOnChip = 0.5; c.dwPostPassesExported = 0
        c.pwPrePasses = 0.5; c.pwPostPasses = 0
        c.exportWholeBuffer = true
        c.poolII = 2
        c.reorgCyclesPerGroup = (4 * 10 * 20 * 16 + 22 * 84) / 4
        c.imageLoadRows = 44; c.imageLoadCols = 84; c.imageChannelsPerBeat = 1
        c.busBytes = 64
        c.activationBits = 16; c.weightBits = 16
        c.onChipBufferKiB = Double(5 * 32 * 44 * 84 * 2) / 1024
        c.frameWorkflow = .parallel
        c.hostPreprocessMs = 2.5
        c.setUltra96MemorySystem()
        // FPGA/Deploy/SkyNet.py copies the stitched 3×324×644 uint8 batch twice per run before starting
        // the accelerator (`np.array(preprocessed_img)`, then `np.copyto(img, …)`).
        c.hostCopyBytesPerImage = 2 * 3 * 324 * 644 / 4
        c.powerWatts = 8.886
        c.dsp = 360; c.bram = 216; c.lut = 70560
        return c
    }

    /// The Ultra96 memory system the DAC-SDC designs reach DDR through (jiangwx/SkrSkr
    /// `Develop/rtl.tcl`): the feature-map master on a 128-bit S_AXI_HP port (`PSU__SAXIGP3__DATA_WIDTH
    /// {128}`) clocked with the accelerator, and a 32-bit LPDDR4 at 1066 MT/s (`PSU__DDRC__MEMORY_TYPE
    /// {LPDDR 4}`, `PSU__DDRC__SPEED_BIN {LPDDR4_1066}`, `PSU__DDRC__DRAM_WIDTH {32 Bits}`): 4.267 GB/s peak.
    mutating func setUltra96MemorySystem() {
        axiPortBytes = 128 / 8
        dramBandwidthGBps = 1066.67e6 * 4 / 1e9
    }

    /// SkrSkr-SkyNet on Ultra96 (jiangwx/SkrSkr Develop/C/src/SkyNet.cpp, DAC-SDC 2020 2nd place).
    public static var skrskr: AcceleratorConfig {
        var c = AcceleratorConfig(name: "skrskr")
        c.clockMHz = 333
        c.frameWorkflow = .parallel
        c.hostPreprocessMs = 2.5
        c.setUltra96MemorySystem()
        // Deploy/run.py copies the stitched 4×160×320×4 RGBA batch once per run (`np.copyto(img, …)`).
        c.hostCopyBytesPerImage = 160 * 320 * 4
        c.powerWatts = 133.613382133 / 15.036086797714233
        c.multipliersPerDSP = 2
        c.dsp = 360; c.bram = 216; c.lut = 70560
        return c
    }

    /// Paper B's optimisations applied to a configuration: shared PE, adjustable loop count,
    /// channel enhancement, preload workflow.
    public func withPaperBOptimisations(sharedPE: Bool = true, adjustableLoopCount: Bool = true,
                                         channelEnhancement: Bool = true, preload: Bool = true) -> AcceleratorConfig {
        var c = self
        if sharedPE {
            // Stackable shared PE: 32 PEs of 9 multipliers; a line buffer gives one 3×3 window per cycle.
            c.sharedEngine = true
            c.dwChannels = c.peCount
            c.dwTapsPerPass = c.multipliersPerPE
            c.dwII = 1
            c.lineBufferRows = 3
        }
        if adjustableLoopCount { c.adjustableLoopCount = true }
        if channelEnhancement { c.channelEnhancement = true }
        if preload { c.frameWorkflow = .preload }
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
        c.powerWatts = 0.068 * 78.576
        return c
    }

    /// UltraNet on Ultra96 (heheda365/ultra_net hls/ultra_net_accelerator_code/config.h), FINN-style folding.
    public static var ultranet: AcceleratorConfig {
        var c = AcceleratorConfig(name: "ultranet")
        c.dataflow = .streaming
        c.clockMHz = 166.67
        c.batch = 1; c.batchGridRows = 1; c.batchGridCols = 1
        c.streamSIMD = [3, 16, 16, 16, 8, 8, 8, 8, 8]
        c.streamPE = [16, 8, 8, 4, 2, 2, 2, 2, 2]
        c.activationBits = 4; c.weightBits = 4
        c.setUltra96MemorySystem()
        c.frameWorkflow = .parallel
        c.powerWatts = 8.886
        c.dsp = 360; c.bram = 216; c.lut = 70560
        return c
    }

    /// Paper A's pipelined DSC accelerator on a Gowin GW2A (48 DSPs, 20k LUT, 828 KB BRAM, 54 MHz, 0.71 W).
    public static var gowinPipeline: AcceleratorConfig {
        var c = AcceleratorConfig(name: "gowin-pipeline")
        c.dataflow = .layerPipeline
        c.clockMHz = 54
        c.batch = 1; c.batchGridRows = 1; c.batchGridCols = 1
        c.multipliersPerDSP = 2
        c.pipelineMultipliers = 48 * c.multipliersPerDSP
        c.dataReorderers = true
        c.activationBits = 8; c.weightBits = 8
        c.frameWorkflow = .parallel
        c.powerWatts = 0.71
        c.dsp = 48; c.bram = 46; c.lut = 20736
        c.budgetDSP = 48; c.budgetBRAM = 46; c.budgetLUT = 20736
        c.onChipBufferKiB = 828
        return c
    }
}
