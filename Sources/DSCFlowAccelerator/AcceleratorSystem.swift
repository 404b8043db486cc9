extension AcceleratorConfig {
    /// The buses and memories between the accelerator and DDR.
    public struct MemorySystem: Sendable, Equatable {
        /// Bytes of one feature-map bus word (lanes × activation bytes: SkrSkr 32, iSmart3 64).
        public var busBytes = 32
        /// Off-chip bandwidth available to the accelerator, GB/s; 0 means one bus word per cycle, what
        /// the HLS schedule's loaders move (`effectiveBandwidthGBps`). When set, it is the roofline's
        /// slope and every transfer loop (loads, exports, weights, pooled writes, the image and reorg
        /// loaders) takes as long as the bandwidth needs, never less than one beat per cycle
        /// (`withBoardBandwidth()`).
        public var bandwidthGBps = 0.0
        /// Data width in bytes of the processing system's slave port the feature-map bus reaches DDR
        /// through (Ultra96 designs: a 128-bit S_AXI_HP port, 16), clocked at the accelerator clock; 0
        /// when not modelled. With `dramBandwidthGBps` it gives `boardBandwidthGBps`.
        public var axiPortBytes = 0
        /// Peak bandwidth of the board's DRAM, GB/s (Ultra96: 32-bit LPDDR4 at 1066 MT/s, 4.267 GB/s); 0
        /// when not modelled. Bounds `boardBandwidthGBps` and prices the host's copy of each image into DDR.
        public var dramBandwidthGBps = 0.0
        /// On-chip buffer capacity the design declares, KiB (informational: the explorer estimates BRAM
        /// from the tile buffers instead).
        public var onChipBufferKiB: Double = 4 * 32 * 43 * 83 / 1024
        /// SkrSkr's bus, nothing else modelled.
        public init() {}
    }

    /// The host's share of each frame and how it overlaps the accelerator (Paper B Fig. 4).
    public struct HostWorkflow: Sendable, Equatable {
        /// How host and accelerator overlap on a stream of frames.
        public var workflow = FrameWorkflow.parallel
        /// Host milliseconds per image of preprocessing.
        public var preprocessMs = 0.0
        /// Host milliseconds per image to copy it into DDR, besides `copyBytesPerImage`.
        public var copyMs = 0.0
        /// Host milliseconds per image of postprocessing.
        public var postprocessMs = 0.0
        /// Bytes the host copies per image into the accelerator's input buffer in DDR (its frame loop's
        /// copies of the stitched batch, divided by the batch). Each byte is read and written once at
        /// the DRAM's peak (`MemorySystem.dramBandwidthGBps`): `hostCopySecondsPerImage` adds this to `copyMs`.
        public var copyBytesPerImage = 0
        /// The parallel workflow with no host time.
        public init() {}
    }

    /// Board power while the accelerator computes.
    public struct Power: Sendable, Equatable {
        /// Board power, W.
        public var watts = 5.0
        /// Watts added per DSP the design uses (`Resources.used.dsp`).
        public var wattsPerDSP = 0.0
        /// 5 W, nothing per DSP.
        public init() {}
    }

    /// DSP blocks, BRAM36 blocks and LUTs.
    public struct ResourceCount: Sendable, Equatable {
        /// DSP blocks.
        public var dsp: Int
        /// BRAM36 blocks.
        public var bram: Int
        /// Look-up tables.
        public var lut: Int

        /// A count.
        public init(dsp: Int, bram: Int, lut: Int) { (self.dsp, self.bram, self.lut) = (dsp, bram, lut) }
    }

    /// What the design uses and what the device has.
    public struct Resources: Sendable, Equatable {
        /// Multipliers one DSP block provides at the design's operand widths (2: two narrow products per DSP).
        public var multipliersPerDSP = 1
        /// Resources the design uses (as published; the explorer fills in its own estimate).
        public var used = ResourceCount(dsp: 0, bram: 0, lut: 0)
        /// The device's budget (what `dscflow explore` uses for a resource its --budget omits; Ultra96's ZU3EG by default).
        public var budget = ResourceCount(dsp: 360, bram: 216, lut: 70560)
        /// One multiplier per DSP, nothing used, an Ultra96's budget.
        public init() {}
    }
}
