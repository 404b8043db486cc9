import DSCFlow
/// The tiles a tiled engine walks over one layer's output, in its order, found from the geometry
/// alone: the stitched batch (or, for an input layer that tiles each image on its own, every image)
/// cut into `tiles.rows × tiles.cols` pieces, or one tile when the stitched map with its separators
/// fits a buffer. The emulator records its events per tile it visits here, while the cost model
/// multiplies by `LayerPlan`'s tile counts, so comparing the two checks the planner's counts too.
struct TileWalk {
    /// An output rectangle of one image: rows y0..<y1, columns x0..<x1 (per-image coordinates).
    struct Rect {
        /// First row.
        var y0: Int
        /// One past the last row.
        var y1: Int
        /// First column.
        var x0: Int
        /// One past the last column.
        var x1: Int
        /// Pixels in the rectangle.
        var area: Int { (y1 - y0) &* (x1 - x0) }
    }

    /// One tile: whether it starts a row of tiles (a fresh ping-pong pipeline), and the part of each
    /// batch slot's image it covers (nil where it covers none).
    struct Tile {
        /// The first tile of a row of tiles.
        var startsRow: Bool
        /// Per batch slot, the rectangle of that slot's image inside the tile.
        var rects: [Rect?]
        /// Output pixels of the tile over every batch slot.
        var pixels: Int { rects.reduce(0) { $0 &+ ($1?.area ?? 0) } }
    }

    /// Every tile, in the engine's order (rows of tiles top to bottom, tiles left to right).
    let tiles: [Tile]

    /// The walk over a `height × width` output map per image on engine `t` of `c`; `perImage`: an
    /// input layer whose loader tiles each image on its own (`imageLoader.stitched` false).
    init(height h: Int, width w: Int, _ c: AcceleratorConfig, _ t: AcceleratorConfig.TiledEngine, perImage: Bool) {
        let slots = c.batch, gridCols = c.batchGridCols
        // The stitched map: the batch in its grid with 1-pixel separators (SkrSkr transform.cpp).
        let stitchedRows = c.batchGridRows &* h &+ c.batchGridRows &+ 1
        let stitchedCols = gridCols &* w &+ gridCols &+ 1
        if stitchedRows <= t.tiles.bufferRows && stitchedCols <= t.tiles.bufferCols {
            tiles = [Tile(startsRow: true, rects: [Rect?](repeating: Rect(y0: 0, y1: h, x0: 0, x1: w), count: slots))]
            return
        }
        let rows = t.tiles.rows, cols = t.tiles.cols
        var out: [Tile] = []
        if perImage {
            for n in 0..<slots {
                for y in stride(from: 0, to: h, by: rows) {
                    for x in stride(from: 0, to: w, by: cols) {
                        var rects = [Rect?](repeating: nil, count: slots)
                        rects[n] = Rect(y0: y, y1: min(h, y &+ rows), x0: x, x1: min(w, x &+ cols))
                        out.append(Tile(startsRow: x == 0, rects: rects))
                    }
                }
            }
        } else {
            for y in stride(from: 0, to: c.batchGridRows &* h, by: rows) {
                for x in stride(from: 0, to: gridCols &* w, by: cols) {
                    // The part of each slot's grid cell inside the tile.
                    let rects: [Rect?] = (0..<slots).map { n in
                        let top = (n / gridCols) &* h, left = (n % gridCols) &* w
                        let y0 = max(y, top), y1 = min(y &+ rows, top &+ h)
                        let x0 = max(x, left), x1 = min(x &+ cols, left &+ w)
                        return y0 < y1 && x0 < x1 ? Rect(y0: y0 - top, y1: y1 - top, x0: x0 - left, x1: x1 - left) : nil
                    }
                    out.append(Tile(startsRow: x == 0, rects: rects))
                }
            }
        }
        tiles = out
    }
}
