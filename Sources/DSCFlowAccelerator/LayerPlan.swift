import DSCFlow
/// The role an operator plays on the accelerator.
public enum LayerRole: String, Sendable {
    case depthwise, pointwise, convolution, pool, reorg, concat, fullyConnected, other
}

/// How one operator is laid out on the accelerator: loop counts (tiles, channel groups, PW input
/// blocks), what stays on chip, what overlaps. Produced by `LayerPlanner` from the model and the
/// config; the cost model multiplies it out, the emulator walks it.
public struct LayerPlan: Sendable {
    /// Operator index in the model.
    public var op: Int
    /// Operator name.
    public var name: String
    /// What the operator is on the accelerator.
    public var role: LayerRole
    /// Per-image output H × W and channels; input channels.
    public var outHeight: Int
    /// Output width per image.
    public var outWidth: Int
    /// Output channels.
    public var outChannels: Int
    /// Input channels (of the input tensor).
    public var inChannels: Int
    /// Input channels that carry data (`ChannelUsage`): what the image loader fetches.
    public var realInChannels: Int
    /// Input pixels per image (H × W of the input map).
    public var inPixels: Int
    /// Kernel height.
    public var kernel: Int
    /// Window taps (kernel height × width) and input channels per filter (per group for grouped convs).
    public var taps: Int
    /// Input channels per filter (per group for grouped convs; 1 for DW).
    public var filterInChannels: Int
    /// Stride (rows).
    public var stride: Int
    /// Tile grid (rows × columns of tiles over the stitched batch, or per image for the input layer)
    /// and the number of rows of tiles (each row starts a fresh ping-pong pipeline).
    public var tileRowsCount: Int
    /// Columns of tiles.
    public var tileColsCount: Int
    /// Rows of tiles: each starts a fresh ping-pong pipeline.
    public var tileRowRuns: Int
    /// The whole stitched map fits one tile buffer.
    public var singleTile: Bool
    /// Channel groups of `lanes` channels.
    public var inGroups: Int
    /// Output channel groups.
    public var outGroups: Int
    /// PW input blocks (of `pwInputs` channels) per input group, and PW output passes per output group.
    public var blocksPerInGroup: [Int]
    /// PW output passes per output group.
    public var outPassesPerOutGroup: [Int]
    /// The input is read from the previous op's on-chip buffers (no load).
    public var inputOnChip: Bool
    /// The output stays on chip for the next op (no export).
    public var outputOnChip: Bool
    /// A following max-pool is fused into this op's output path; the output itself is still exported
    /// when another op reads it.
    public var fusedPool: Bool
    /// The output is also exported because another op reads it.
    public var exportAlongsidePool: Bool
    /// This op is a max-pool / concat already accounted for by its producer or consumer.
    public var absorbed: Bool
    /// Loads overlap compute through ping-pong buffers.
    public var overlapLoads: Bool
    /// Input groups that come through the reorg loader instead of a plain load.
    public var reorgGroups: Int
    /// This op reads the model input (the image loader).
    public var imageInput: Bool
    /// Channel enhancement packs this many pixels per word in this layer (1: off).
    public var packedPixels: Int
    /// Channel enhancement carried into the PW after the packed image DW: its output lanes are
    /// shared by the packed pixels (block-diagonal weights), so its compute scales by this factor.
    public var packedComputeFactor: Double
    /// All PW weight blocks fit the weight buffer: loaded once per layer.
    public var weightsResident: Bool
    /// Multiply-accumulates the model needs (useful) and the engine issues (lanes padded, blocks rounded).
    public var usefulMACs: Int
    /// Multiply-accumulates the engine issues per image.
    public var issuedMACs: Int
    /// Streaming / pipeline folding (SIMD × PE, or the multipliers this layer's engine got).
    public var foldSIMD: Int
    /// Output lanes (PE) of the layer's own engine (streaming / pipeline).
    public var foldPE: Int
}
