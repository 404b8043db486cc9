extension AcceleratorConfig {
    /// A tiled engine's settings (iSmart3 `net_hls.cc`, SkrSkr `SkyNet.cpp`): the PE arrays, the tile
    /// buffers and the regions their loops walk, the extra sweeps, the loaders and Paper B's
    /// optimisations. `TiledCycleRules` prices every loop nest from these; `LayerPlanner` states the
    /// schedule. The defaults are SkrSkr's numbers.
    public struct TiledEngine: Sendable, Equatable {
        /// The pointwise (1×1) array: input channels × output channels per step.
        public struct Pointwise: Sendable, Equatable {
            /// Input channels multiplied in parallel (one input block).
            public var inputs = 16
            /// Output channels computed in parallel (one output pass).
            public var outputs = 32
            /// Cycles between pixels of one input block (the pixel loop's pipeline II).
            public var initiationInterval = 1
            /// Cycles to move one input block's weights into the array before the block starts
            /// (iSmart3: 16 × 32 pipelined; 0 when they are double-buffered).
            public var blockSetupCycles = 0
            /// SkrSkr's array.
            public init() {}
        }

        /// The depthwise (3×3) array.
        public struct Depthwise: Sendable, Equatable {
            /// Channels processed in parallel; a group of `lanes` channels takes ⌈lanes / channels⌉ rounds.
            public var channels = 32
            /// Window taps computed per pass over the region (9 through a line buffer; 1: one tap per pass).
            public var tapsPerPass = 9
            /// Cycles between pixels of one pass (the pixel loop's pipeline II).
            public var initiationInterval = 5
            /// Rows of the line buffer (informational: the cost follows `tapsPerPass` and `initiationInterval`).
            public var lineBufferRows = 3
            /// SkrSkr's array.
            public init() {}
        }

        /// The tile and its buffers, and the regions the loops walk, in pixels.
        public struct Tiles: Sendable, Equatable {
            /// Output rows computed per tile.
            public var rows = 40
            /// Output columns computed per tile.
            public var cols = 80
            /// Rows of an on-chip tile buffer (tile + halo + stitch separators).
            public var bufferRows = 43
            /// Columns of a tile buffer.
            public var bufferCols = 83
            /// Rows the DW loop walks per pass (SkrSkr: the whole 43×83 buffer through its line buffer; iSmart3: 42×82).
            public var dwLoopRows = 43
            /// Columns the DW loop walks per pass.
            public var dwLoopCols = 83
            /// Rows the PW and activation loops walk.
            public var pwLoopRows = 41
            /// Columns the PW and activation loops walk.
            public var pwLoopCols = 81
            /// Tile buffers available for feature maps: a DW layer whose channel groups all fit stays
            /// on chip and feeds the next PW directly.
            public var featureBuffers = 2
            /// PW weight blocks (lanes × lanes) held on chip: a layer whose blocks all fit loads its weights once.
            public var weightBufferSlots = 2
            /// Exports write the whole buffer (iSmart3) instead of the tile (SkrSkr).
            public var exportWholeBuffer = false
            /// SkrSkr's tiles.
            public init() {}
        }

        /// Extra sweeps over the PW region per call (bias initialisation, activation), in passes: 0.5
        /// is a loop that walks half the rows (iSmart3's `h += 2`).
        public struct Passes: Sendable, Equatable {
            /// Bias-initialisation sweeps before a DW group.
            public var dwPre = 0.0
            /// Activation sweeps after a DW group whose output stays on chip.
            public var dwPostOnChip = 1.0
            /// Activation sweeps after a DW group whose output is exported.
            public var dwPostExported = 1.0
            /// Bias-initialisation sweeps before a PW output group.
            public var pwPre = 0.0
            /// Activation sweeps after a PW output group.
            public var pwPost = 1.0
            /// SkrSkr's sweeps.
            public init() {}
        }

        /// The loader that reads the model's input image into a tile.
        public struct ImageLoader: Sendable, Equatable {
            /// Rows fetched per tile.
            public var rows = 42
            /// Columns fetched per tile.
            public var cols = 82
            /// Image channels per bus beat (1: an 8-bit port; 4: an RGBA word).
            public var channelsPerBeat = 4
            /// The input layer tiles the stitched batch (true, iSmart3) instead of each image on its own (SkrSkr).
            public var stitched = false
            /// SkrSkr's loader.
            public init() {}
        }

        /// Paper B's engine optimisations (its fourth, the preload workflow, is `HostWorkflow.workflow`).
        public struct Optimisations: Sendable, Equatable {
            /// DW and PW run on one array of stackable shared PEs (Paper B §3.2) instead of separate
            /// engines: the explorer counts max(PW, DW) multipliers instead of their sum.
            /// `withPaperBOptimisations` also gives the DW array the shared PEs' geometry.
            public var sharedPE = false
            /// Shared processing elements (Paper B: 32).
            public var sharedPECount = 32
            /// Multipliers per shared PE (9: one 3×3 window per cycle).
            public var multipliersPerSharedPE = 9
            /// PW loops run only the input blocks and output passes that hold real channels (Paper B §3.3).
            public var adjustableLoopCount = false
            /// The 3-channel input layer packs pixels into its unused lanes (Paper B §3.4).
            public var channelEnhancement = false
            /// Pixels packed per word by channel enhancement (4 RGB pixels in a 128-bit word).
            public var channelEnhancementPixels = 4
            /// All off.
            public init() {}
        }

        /// The pointwise array.
        public var pointwise = Pointwise()
        /// The depthwise array.
        public var depthwise = Depthwise()
        /// Tiles, buffers and loop regions.
        public var tiles = Tiles()
        /// Bias and activation sweeps.
        public var passes = Passes()
        /// The image loader.
        public var imageLoader = ImageLoader()
        /// Cycles per output pixel of the 2×2 max-pool fused into a PW's export (its pipeline II).
        public var poolII = 4
        /// Cycles per channel group of the reorg loader (SkyNet's space-to-depth feeding a DW), in bus words.
        public var reorgCyclesPerGroup = 3200
        /// Paper B's optimisations.
        public var optimisations = Optimisations()

        /// SkrSkr's engine.
        public init() {}
    }
}
