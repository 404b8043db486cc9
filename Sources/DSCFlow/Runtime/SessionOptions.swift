/// Options fixed when a session is created.
public struct SessionOptions: Sendable {
    /// Rounding of `MultiplyByQuantizedMultiplier` (double rounding, TFLite's default, unless changed).
    public var rounding: RoundingMode
    /// Give every activation its own bytes so any operator's output can be read after `run`
    /// (like TFLite Micro's kPreserveAllTensors). Costs arena memory.
    public var preserveAllTensors: Bool
    /// Measure each operator's wall time during `run` (see `Session.operatorNanoseconds`).
    public var profile: Bool

    public init(rounding: RoundingMode = .double, preserveAllTensors: Bool = false, profile: Bool = false) {
        self.rounding = rounding
        self.preserveAllTensors = preserveAllTensors
        self.profile = profile
    }
}
