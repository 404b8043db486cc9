import DSCFlow
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

    /// An empty ledger.
    public init() {}

    /// Wall cycles of the layer.
    public var total: Int { compute &+ memory &+ stall }

    /// Records a step whose `load` runs in parallel with its `work` (ping-pong buffers): the work counts as compute, any excess of the load as stall.
    @inline(__always)
    public mutating func overlapped(load: Int, work: Int) {
        compute &+= work
        if load > work { stall &+= load - work }
    }

    /// Field-by-field sum (wrapping: hostile configurations cannot trap).
    public static func + (a: CycleLedger, b: CycleLedger) -> CycleLedger {
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

/// A Double as an Int without trapping: NaN → 0, out-of-range → the nearest bound.
func saturatingInt(_ d: Double) -> Int {
    if !d.isFinite { return d.isNaN ? 0 : (d > 0 ? Int.max : Int.min) }
    if d >= 9.2e18 { return Int.max }
    if d <= -9.2e18 { return Int.min }
    return Int(d)
}
