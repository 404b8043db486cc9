import CDSCFlowCAPI
import DSCFlow
import DSCFlowVision

/// The `DSC_SESSION_*` flags of dscflow.h as `SessionOptions`.
enum SessionFlags {
    static let known: UInt32 = DSC_SESSION_PRESERVE_ALL_TENSORS | DSC_SESSION_PROFILE | DSC_SESSION_SINGLE_ROUNDING
        | DSC_SESSION_THREADS_MASK

    /// The options `flags` ask for; unknown bits are an `invalidArgument` (they may mean something in
    /// a later version, so silently ignoring them would be wrong).
    static func options(_ flags: UInt32) throws -> SessionOptions {
        guard flags & ~known == 0 else {
            throw DSCError.invalidArgument("unknown session flags 0x\(String(flags & ~known, radix: 16))")
        }
        return SessionOptions(rounding: flags & DSC_SESSION_SINGLE_ROUNDING != 0 ? .single : .double,
                              preserveAllTensors: flags & DSC_SESSION_PRESERVE_ALL_TENSORS != 0,
                              profile: flags & DSC_SESSION_PROFILE != 0,
                              threads: max(1, Int((flags & DSC_SESSION_THREADS_MASK) >> 8)))
    }
}
