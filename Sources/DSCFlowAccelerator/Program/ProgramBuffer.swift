import DSCFlow

/// One named memory of an accelerator program: an on-chip tile buffer (iSmart3's `FM_buf1`…`FM_buf4`,
/// `FM_buf_acc`; SkrSkr's `FM1`, `FM2`, …) or an off-chip DDR array of such canvases (iSmart3's
/// `DDR_buf` with 128 of them, the pooled maps `DDR_dw1_pool_out_PL`, …).
///
/// A buffer is `instances` canvases of `rows` × `cols` cells; a cell is one bus word of `lanes`
/// channel lanes, each an integer code in a register of `registerBits` bits (9 for an iSmart3 FM
/// buffer, 12 for its ACC buffer, 16 for a lane of a 512-bit DDR word). Every cell starts at 0.
public struct ProgramBuffer: Sendable, Equatable {
    /// Where the buffer lives; it decides which cycle event a transfer is (load, export, local copy).
    public enum Placement: String, Sendable {
        /// A BRAM tile buffer next to the engines.
        case onChip = "on-chip"
        /// DDR, reached through the accelerator's AXI master.
        case offChip = "off-chip"
    }

    /// The name used in dumps and messages (`A`, `E`, `BUF`, `P1`, …).
    public let name: String
    /// On or off chip.
    public let placement: Placement
    /// Canvases (channel groups, or ids of `DDR_buf`).
    public let instances: Int
    /// Cells per canvas: rows × columns.
    public let rows: Int
    /// Columns of a canvas.
    public let cols: Int
    /// Channel lanes per cell.
    public let lanes: Int
    /// Width of a lane's register: a copy into this buffer keeps the low `registerBits` bits of a
    /// code, sign-extended (`ap_int<registerBits>` = x.range(registerBits − 1, 0)).
    public let registerBits: Int
    /// What a code means (the ap_fixed type of the values held), for conversions into this buffer.
    public let format: APFixed.Format

    /// A buffer; `ProgramDefinition` validates the sizes.
    public init(name: String, placement: Placement, instances: Int = 1, rows: Int, cols: Int, lanes: Int,
                registerBits: Int, format: APFixed.Format) {
        self.name = name
        self.placement = placement
        self.instances = instances
        self.rows = rows
        self.cols = cols
        self.lanes = lanes
        self.registerBits = registerBits
        self.format = format
    }

    /// Codes per canvas.
    public var canvasElements: Int { rows &* cols &* lanes }
    /// Codes of the whole buffer.
    public var elements: Int { instances &* canvasElements }
}

/// One canvas of one buffer: `buffer` indexes the program's buffers, `instance` the canvas.
public struct BufferRef: Sendable, Hashable {
    /// Index into `AcceleratorProgram.buffers`.
    public let buffer: Int
    /// Canvas of that buffer.
    public let instance: Int

    /// Canvas `instance` of buffer `buffer`.
    public init(_ buffer: Int, _ instance: Int = 0) {
        self.buffer = buffer
        self.instance = instance
    }
}

/// A rectangle of cells: `rows` × `cols` starting at (`row`, `col`).
public struct CellRegion: Sendable, Equatable {
    /// First row.
    public let row: Int
    /// First column.
    public let col: Int
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let cols: Int

    /// The rectangle at (`row`, `col`) of `rows` × `cols` cells.
    public init(row: Int, col: Int, rows: Int, cols: Int) {
        self.row = row
        self.col = col
        self.rows = rows
        self.cols = cols
    }

    /// Cells in the rectangle.
    public var cells: Int { rows &* cols }

    /// Whether the rectangle grown by `margin` (≥ 0) cells on every side lies inside `rows` × `cols`
    /// cells (no arithmetic that can overflow on hostile values).
    func fits(rows totalRows: Int, cols totalCols: Int, margin: Int = 0) -> Bool {
        guard rows >= 1, cols >= 1, margin >= 0, totalRows >= 0, totalCols >= 0,
              row >= margin, col >= margin, row <= totalRows, col <= totalCols,
              margin <= totalRows - row, margin <= totalCols - col else { return false }
        return rows <= totalRows - row - margin && cols <= totalCols - col - margin
    }
}
