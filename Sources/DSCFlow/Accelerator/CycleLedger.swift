/// Cycles and traffic of one layer, split the way the report needs them.
public struct CycleLedger: Sendable, Equatable {
    /// Cycles the engine computes (DW, PW, activation, pooling passes).
    public var compute: Int = 0
    /// Cycles spent only moving data (loads/exports not hidden behind compute).
    public var memory: Int = 0
    /// Cycles an overlapped step waits because its load is longer than its compute.
    public var stall: Int = 0
    /// Bytes read from and written to DDR.
    public var offChipBytes: Int = 0
    /// Bytes moved between on-chip buffers and the engines.
    public var onChipBytes: Int = 0

    public init() {}

    /// Wall cycles of the layer.
    public var total: Int { compute &+ memory &+ stall }

    /// A step whose `load` runs in parallel with its `work` (ping-pong buffers).
    @inline(__always)
    public mutating func overlapped(load: Int, work: Int) {
        compute &+= work
        if load > work { stall &+= load - work }
    }

    public static func &+ (a: CycleLedger, b: CycleLedger) -> CycleLedger {
        var r = a
        r.compute &+= b.compute; r.memory &+= b.memory; r.stall &+= b.stall
        r.offChipBytes &+= b.offChipBytes; r.onChipBytes &+= b.onChipBytes
        return r
    }

    /// The ledger of `n` identical repetitions.
    public func times(_ n: Int) -> CycleLedger {
        var r = self
        r.compute &*= n; r.memory &*= n; r.stall &*= n; r.offChipBytes &*= n; r.onChipBytes &*= n
        return r
    }
}

/// The cost of each primitive of a tiled engine (one call of a loop nest in the HLS sources),
/// shared by the cost model (which multiplies) and the emulator (which adds as it executes).
public struct TiledCycleRules: Sendable {
    public let c: AcceleratorConfig

    public init(_ c: AcceleratorConfig) { self.c = c }

    private var actBytes: Int { (c.activationBits &+ 7) / 8 }
    /// Bus words per pixel of one channel group.
    public var wordsPerPixel: Int { max(1, (c.lanes &* actBytes &+ c.busBytes - 1) / c.busBytes) }
    public var pwArea: Int { c.pwLoopRows &* c.pwLoopCols }

    /// Pixels a load brings in: the tile plus its halo, or the whole buffer for a single-tile map.
    public func loadCycles(singleTile: Bool) -> Int {
        (singleTile ? c.bufferRows &* c.bufferCols : (c.tileRows &+ 2) &* (c.tileCols &+ 2)) &* wordsPerPixel
    }
    public func loadBytes(singleTile: Bool) -> Int { loadCycles(singleTile: singleTile) &* c.busBytes }

    /// Image loader for one tile of `channels` channels.
    public func imageLoadCycles(channels: Int, packedPixels: Int) -> Int {
        let pixels = c.imageLoadRows &* c.imageLoadCols
        if packedPixels > 1 { return (pixels &+ packedPixels - 1) / packedPixels }
        return pixels &* ((channels &+ c.imageChannelsPerBeat - 1) / c.imageChannelsPerBeat)
    }
    public func imageLoadBytes(channels: Int) -> Int { c.imageLoadRows &* c.imageLoadCols &* channels &* actBytes }

    /// Export of one channel group of a tile.
    public func exportCycles(singleTile: Bool) -> Int {
        if c.exportWholeBuffer { return c.bufferRows &* c.bufferCols &* wordsPerPixel }
        if singleTile { return (pwArea &+ c.bufferRows &+ c.bufferCols) &* wordsPerPixel }
        return c.tileRows &* c.tileCols &* wordsPerPixel
    }
    public func exportBytes(singleTile: Bool) -> Int {
        (singleTile ? c.bufferRows &* c.bufferCols : c.tileRows &* c.tileCols) &* c.lanes &* actBytes
    }

    /// One DW call over a tile for one channel group (`taps` window taps, packed pixels for channel enhancement).
    public func dwCycles(taps: Int, packedPixels: Int) -> Int {
        let passes = (taps &+ c.dwTapsPerPass - 1) / c.dwTapsPerPass
        let area = (c.dwLoopRows &* c.dwLoopCols &+ packedPixels - 1) / packedPixels
        // More channels than the DW engine has lanes take several rounds.
        let rounds = (c.lanes &+ c.dwChannels - 1) / c.dwChannels
        return area &* passes &* c.dwII &* rounds
    }

    /// One PW call over a tile: `blocks` input blocks of `pwInputs` channels, `passes` output passes.
    public func pwCycles(blocks: Int, passes: Int) -> Int {
        blocks &* passes &* (c.pwBlockSetupCycles &+ pwArea &* c.pwII)
    }

    /// `passes` sweeps of the PW region (bias initialisation, activation).
    public func sweepCycles(_ passes: Double) -> Int { saturatingInt((passes * Double(pwArea)).rounded()) }

    /// The fused 2×2 max-pool writing one channel group of a tile.
    public func poolCycles() -> Int { (c.tileRows / 2) &* (c.tileCols / 2) &* c.poolII }
    public func poolBytes() -> Int { (c.tileRows / 2) &* (c.tileCols / 2) &* c.lanes &* actBytes }

    /// Loading one lanes×lanes PW weight block (one word per input channel), or a DW group's taps &+ bias &+ M.
    public var pwWeightLoadCycles: Int { c.lanes }
    public func dwParameterCycles(taps: Int) -> Int { taps &+ 2 }
    public var weightWordBytes: Int { c.lanes &* ((c.weightBits &+ 7) / 8) }
}

/// A Double as an Int without trapping: NaN → 0, out-of-range → the nearest bound.
func saturatingInt(_ d: Double) -> Int {
    if !d.isFinite { return d.isNaN ? 0 : (d > 0 ? Int.max : Int.min) }
    if d >= 9.2e18 { return Int.max }
    if d <= -9.2e18 { return Int.min }
    return Int(d)
}
