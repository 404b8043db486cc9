import DSCFlow
/// The role an operator plays on the accelerator.
public enum LayerRole: String, Sendable {
    /// A depthwise convolution: the DW engine (through a line buffer or tap passes).
    case depthwise
    /// A 1×1, stride-1, ungrouped convolution: the PW engine, input block by input block.
    case pointwise
    /// Any other convolution: a matrix product on the PW array (tiled engines), an MVAU (folded).
    case convolution
    /// A max or average pool: fused into the PW before it when 2×2/2 max, else a pass of its own.
    case pool
    /// Space-to-depth: the reorg loader of the DW it feeds through a concatenation, else a pass of its own.
    case reorg
    /// A concatenation: written in place by its producers.
    case concat
    /// A fully connected layer: a matrix product (tiled engines), an MVAU (folded).
    case fullyConnected
    /// An image resize: a streaming stage taking one input pixel per cycle on a folded design
    /// (UltraNet's on-chip `Resize_opr_linear`), its operands over the bus on a tiled one.
    case resize
    /// Anything else (softmax, add, reshape, ...): its operands streamed over the bus.
    case other
}

/// How one operator is laid out on the accelerator: loop counts (tiles, channel groups, PW input
/// blocks), what stays on chip, what overlaps, and for folded designs each engine's SIMD × PE.
/// Produced by `LayerPlanner` from the model and the config; the cost model multiplies its counts
/// out, while the emulator walks the same loops from the tensors' geometry (`TileWalk`).
public struct LayerPlan: Sendable {
    /// Operator index in the model.
    public var op: Int
    /// Operator name.
    public var name: String
    /// What the operator is on the accelerator.
    public var role: LayerRole
    /// Output height per image.
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
    /// Window taps (kernel height × width).
    public var taps: Int
    /// Input channels per filter (per group for grouped convs; 1 for DW; an FC's input depth).
    public var filterInChannels: Int
    /// Stride (rows).
    public var stride: Int
    /// Rows of tiles over the stitched batch (over every image, one after the other, for an input
    /// layer whose loader tiles each image on its own); 1 for the other dataflows.
    public var tileRowsCount: Int
    /// Columns of tiles.
    public var tileColsCount: Int
    /// Rows of tiles that start a fresh ping-pong pipeline (one per row of tiles; 1 for a single tile).
    public var tileRowRuns: Int
    /// The whole stitched map fits one tile buffer (tiled engines).
    public var singleTile: Bool
    /// Input channel groups of `lanes` channels.
    public var inGroups: Int
    /// Output channel groups.
    public var outGroups: Int
    /// PW input blocks (of `pointwise.inputs` channels) per input group (tiled engines; empty otherwise).
    public var blocksPerInGroup: [Int]
    /// PW output passes (of `pointwise.outputs` channels) per output group (tiled engines; empty otherwise).
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
    /// Multiply-accumulates the model needs per image.
    public var usefulMACs: Int
    /// Multiply-accumulates the engine issues per image (lanes padded and blocks rounded on a tiled
    /// engine; SIMD × PE per cycle on a folded one).
    public var issuedMACs: Int
    /// Input lanes (SIMD) of the layer's own engine (streaming / layer pipeline; taps for a DW).
    public var foldSIMD: Int
    /// Output lanes (PE) of the layer's own engine (streaming / pipeline).
    public var foldPE: Int
}
