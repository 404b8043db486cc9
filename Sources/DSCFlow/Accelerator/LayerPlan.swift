/// The role an operator plays on the accelerator.
public enum LayerRole: String, Sendable {
    case depthwise, pointwise, convolution, pool, reorg, concat, fullyConnected, other
}

/// How one operator is laid out on the accelerator: loop counts (tiles, channel groups, PW input
/// blocks), what stays on chip, what overlaps. Produced by `LayerPlanner` from the model and the
/// config; the cost model multiplies it out, the emulator walks it.
public struct LayerPlan: Sendable {
    public var op: Int
    public var name: String
    public var role: LayerRole
    /// Per-image output H × W and channels; input channels.
    public var outHeight: Int
    public var outWidth: Int
    public var outChannels: Int
    public var inChannels: Int
    /// Input channels that carry data (`ChannelUsage`): what the image loader fetches.
    public var realInChannels: Int
    /// Input pixels per image (H × W of the input map).
    public var inPixels: Int
    public var kernel: Int
    /// Window taps (kernel height × width) and input channels per filter (per group for grouped convs).
    public var taps: Int
    public var filterInChannels: Int
    public var stride: Int
    /// Tile grid (rows × columns of tiles over the stitched batch, or per image for the input layer)
    /// and the number of rows of tiles (each row starts a fresh ping-pong pipeline).
    public var tileRowsCount: Int
    public var tileColsCount: Int
    public var tileRowRuns: Int
    /// The whole stitched map fits one tile buffer.
    public var singleTile: Bool
    /// Channel groups of `lanes` channels.
    public var inGroups: Int
    public var outGroups: Int
    /// PW input blocks (of `pwInputs` channels) per input group, and PW output passes per output group.
    public var blocksPerInGroup: [Int]
    public var outPassesPerOutGroup: [Int]
    /// The input is read from the previous op's on-chip buffers (no load).
    public var inputOnChip: Bool
    /// The output stays on chip for the next op (no export).
    public var outputOnChip: Bool
    /// A following max-pool is fused into this op's output path; the output itself is still exported
    /// when another op reads it.
    public var fusedPool: Bool
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
    /// All PW weight blocks fit the weight buffer: loaded once per layer.
    public var weightsResident: Bool
    /// Multiply-accumulates the model needs (useful) and the engine issues (lanes padded, blocks rounded).
    public var usefulMACs: Int
    public var issuedMACs: Int
    /// Streaming / pipeline folding (SIMD × PE, or the multipliers this layer's engine got).
    public var foldSIMD: Int
    public var foldPE: Int
}
