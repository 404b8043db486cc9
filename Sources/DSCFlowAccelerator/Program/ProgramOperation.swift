import DSCFlow

/// One primitive of an accelerator program: a call of one of the design's loop nests over its buffers
/// (iSmart3 `net_hls.cc`: `load_image_chunk_norm`, `set_bias_*`, `DW_CONV_3x3`, `CONV_1x1`,
/// `Relu_Max_Pooling`, `relu_copy_buf_to_DDR*`, `load_buf_from_DDR`, `load_and_reorg_part`, …).
/// Each is executed literally: it reads and writes exactly the cells the hardware does, so what an
/// earlier primitive left in a cell (a ring cell, a row a window load does not cover, a previous
/// batch's data) is what a later one reads.
///
/// The arithmetic of the compute primitives is the program's (`AcceleratorProgram.arithmetic`).
public enum ProgramOperation: Sendable {
    /// The image loader: for each cell of `region` of `dst` and each channel c < `channels`, lane c ←
    /// the input code (`APFixed.inputCode`) of input byte `offset + c·planeStride + r·rowStride + x`
    /// (r, x: the cell's row and column within the region). The input is read as one flat byte array
    /// (a window may wrap into the next row or run past the image into the zero bytes after it, as
    /// the DDR read does). Other lanes keep their contents.
    case loadImage(dst: BufferRef, region: CellRegion, offset: Int, rowStride: Int, planeStride: Int, channels: Int)
    /// Every cell of `region` of `dst` ← bias word `word` converted from the WT type to `dst`'s type
    /// (iSmart3 `set_bias_3x3` (FM: rounded) and `set_bias_1x1` (ACC: exact)).
    case presetBias(dst: BufferRef, region: CellRegion, word: Int)
    /// Every cell of `region` of `dst` ← 0.
    case clear(dst: BufferRef, region: CellRegion)
    /// A depthwise 3×3 of depthwise group `group` from `src` into the accumulator already in `dst`,
    /// on the cells of `region` (the same cells of both; the taps read one cell around them), then
    /// ReLU when `relu`.
    case depthwise(src: BufferRef, dst: BufferRef, region: CellRegion, group: Int, relu: Bool)
    /// A pointwise block (`lanes` × `lanes` weights of pointwise block `block`) from `src` accumulated
    /// into `acc`, on the cells of `region` of both.
    case pointwise(src: BufferRef, acc: BufferRef, region: CellRegion, block: Int)
    /// 2×2/2 max-pool of the accumulator cells of `src` starting at (`srcRow`, `srcCol`) through the
    /// conversion to `dst`'s type and ReLU, into `region` of `dst` (`region.rows` × `region.cols`
    /// outputs).
    case maxPool(src: BufferRef, srcRow: Int, srcCol: Int, dst: BufferRef, region: CellRegion)
    /// `region` of `dst` ← the same cells of `src` converted to `dst`'s type through ReLU (the stores
    /// to DDR: iSmart3 `relu_copy_buf_to_DDR` from an FM buffer, `…_acc` from the ACC buffer).
    case store(dst: BufferRef, src: BufferRef, region: CellRegion)
    /// `region` of `dst` ← the cells of `src` starting at (`srcRow`, `srcCol`), raw codes truncated to
    /// `dst`'s register width: a DDR load (off-chip → on-chip), a window load, or a register copy
    /// between on-chip buffers (iSmart3's copy of the low 9 bits of the ACC buffer into an FM buffer).
    case copy(dst: BufferRef, region: CellRegion, src: BufferRef, srcRow: Int, srcCol: Int)
    /// Space-to-depth by 2 of a 32-lane canvas: source lane l of cell (`srcRow` + 2y + dy,
    /// `srcCol` + 2x + dx) → lane 4·(l mod 8) + 2·dy + dx of cell (y, x) of `region` of destination
    /// l / 8, which replaces only the low `fieldBits[l / 8]` bits of its register (iSmart3
    /// `load_and_reorg_part`: 9 into an FM buffer, 11 into the 12-bit ACC buffer).
    case reorg(src: BufferRef, srcRow: Int, srcCol: Int, dst: [BufferRef], region: CellRegion, fieldBits: [Int])
    /// The PL's box selection (iSmart3 `compute_bounding_box`): over the cells of `region` of `src`,
    /// scan confidence lane `confidenceLanes[0]` in raster order, then `[1]`, …, keeping a cell only
    /// when it is strictly greater than the best so far (starting at `threshold`); write to cell
    /// `outCell` of `dst` the lanes [anchor, x, y] (x, y relative to the region; the start position
    /// is cell (0, 0) of the canvas) followed by the winning cell's `boxLanes[anchor]` and the
    /// confidence.
    case selectBox(src: BufferRef, region: CellRegion, confidenceLanes: [Int], boxLanes: [[Int]], threshold: Int32,
                   dst: BufferRef, outCell: Int)
    /// Weight words moved from DDR into the on-chip weight buffer (a cycle event only: the
    /// pointwise primitive reads the program's parameters directly).
    case loadWeights(words: Int)

    /// The primitive's name in reports.
    public var name: String {
        switch self {
        case .loadImage: return "load-image"
        case .presetBias: return "preset-bias"
        case .clear: return "clear"
        case .depthwise: return "depthwise"
        case .pointwise: return "pointwise"
        case .maxPool: return "max-pool"
        case .store: return "store"
        case .copy: return "copy"
        case .reorg: return "reorg"
        case .selectBox: return "select-box"
        case .loadWeights: return "load-weights"
        }
    }
}

/// One step of a schedule: a primitive, the layer it belongs to (for the cycle report), and whether
/// it runs alongside the next step (a ping-pong transfer hidden behind that step's compute).
public struct ProgramStep: Sendable {
    /// The primitive.
    public let operation: ProgramOperation
    /// Index into `AcceleratorProgram.layers`.
    public let layer: Int
    /// The step is a transfer that overlaps the following step (the pair costs the longer of the two).
    public let overlapsNext: Bool

    /// A step of layer `layer`.
    public init(_ operation: ProgramOperation, layer: Int, overlapsNext: Bool = false) {
        self.operation = operation
        self.layer = layer
        self.overlapsNext = overlapsNext
    }
}
