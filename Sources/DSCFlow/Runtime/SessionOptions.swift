import CDSCFlowSIMD

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
    /// Threads one `run` uses (1...64; default 1). With more than one, the fast conv and depthwise
    /// kernels split their output rows among worker threads the session starts (and stops when it is
    /// released); the bytes are the same. Idle workers spin for tens of microseconds after each
    /// operator, then sleep. The reference path and the other operators run on the caller's thread.
    public var threads: Int
    /// Switches that steer kernel choices (tests use them to reach kernels this CPU would not choose).
    package var tuning = KernelTuning()

    /// Options with the defaults documented on each property.
    public init(rounding: RoundingMode = .double, preserveAllTensors: Bool = false, profile: Bool = false,
                kernels: KernelPath = .auto, threads: Int = 1) {
        self.rounding = rounding
        self.preserveAllTensors = preserveAllTensors
        self.profile = profile
        self.kernels = kernels
        self.threads = threads
    }

    /// Most threads a session can use.
    public static let maxThreads = Int(DSCSIMD_MAX_THREADS)
}
