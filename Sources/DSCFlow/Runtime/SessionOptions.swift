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
    /// The most memory (bytes) a session may take: its arena (tensors, every thread's kernel scratch,
    /// alignment slack), its kernels' packed constants and its own tables (conv indirection, staging);
    /// `PreparedModel.memory` itemises it. Checked before any of it is allocated: a model that needs
    /// more makes preparation throw `DSCError.outOfMemory` with what it needs. Default
    /// `defaultMemoryLimit`; `Int.max` for none (what can be allocated is then the limit, and running out
    /// is still `DSCError.outOfMemory`, never a trap).
    public var memoryLimit: Int
    /// Switches that steer kernel choices (tests use them to reach kernels this CPU would not choose).
    package var tuning = KernelTuning()

    /// Options with the defaults documented on each property.
    public init(rounding: RoundingMode = .double, preserveAllTensors: Bool = false, profile: Bool = false,
                kernels: KernelPath = .auto, threads: Int = 1, memoryLimit: Int = SessionOptions.defaultMemoryLimit) {
        self.rounding = rounding
        self.preserveAllTensors = preserveAllTensors
        self.profile = profile
        self.kernels = kernels
        self.threads = threads
        self.memoryLimit = memoryLimit
    }

    /// The default `memoryLimit`: 256 MiB, 10 to 100 times what the largest models of this kind need
    /// (SkyNet at 160×320 with every tensor preserved: about 14 MB), and small enough that a hostile model
    /// asking for gigabytes is refused before a byte is allocated.
    public static let defaultMemoryLimit = 256 << 20

    /// Most threads a session can use.
    public static let maxThreads = Int(DSCSIMD_MAX_THREADS)
}
