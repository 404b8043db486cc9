/// Options fixed when a session is created.
public struct SessionOptions: Sendable {
    /// Rounding of `MultiplyByQuantizedMultiplier` (double rounding, TFLite's default, unless changed).
    public var rounding: RoundingMode
    /// Give every activation its own bytes so any operator's output can be read after `run`
    /// (like TFLite Micro's kPreserveAllTensors). Costs arena memory.
    public var preserveAllTensors: Bool
    /// Measure each operator's wall time during `run` (see `Session.operatorNanoseconds`).
    public var profile: Bool
    /// Which kernels run (all give the same bytes). `.auto`: `DSCFLOW_KERNELS` if set, else the
    /// fastest this CPU supports; operators no fast kernel covers always run the reference kernel.
    public var kernels: KernelPath

    public init(rounding: RoundingMode = .double, preserveAllTensors: Bool = false, profile: Bool = false,
                kernels: KernelPath = .auto) {
        self.rounding = rounding
        self.preserveAllTensors = preserveAllTensors
        self.profile = profile
        self.kernels = kernels
    }
}
