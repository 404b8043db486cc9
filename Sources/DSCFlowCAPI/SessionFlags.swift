import CDSCFlowCAPI
import DSCFlow

/// The `DSC_SESSION_*` flags of dscflow.h as `SessionOptions`.
enum SessionFlags {
    static let known: UInt32 = DSC_SESSION_PRESERVE_ALL_TENSORS | DSC_SESSION_PROFILE | DSC_SESSION_SINGLE_ROUNDING
        | DSC_SESSION_THREADS_MASK | DSC_SESSION_KERNELS_MASK | DSC_SESSION_NO_MEMORY_LIMIT | DSC_SESSION_MEMORY_LIMIT_MASK

    /// `DSC_KERNELS_*` codes in order (the code is the index).
    static let kernelPaths: [KernelPath] = [.auto, .reference, .portable, .avx2, .avxvnni, .avx512vnni]

    /// The options `flags` ask for; unknown bits are an `invalidArgument` (they may mean something in
    /// a later version, so silently ignoring them would be wrong).
    static func options(_ flags: UInt32) throws(DSCError) -> SessionOptions {
        guard flags & ~known == 0 else {
            throw DSCError.invalidArgument("unknown session flags 0x\(String(flags & ~known, radix: 16))")
        }
        let code = Int((flags & DSC_SESSION_KERNELS_MASK) >> 16)
        guard code < kernelPaths.count else {
            throw DSCError.invalidArgument("unknown kernel path \(code) in the session flags (DSC_KERNELS_AUTO ... DSC_KERNELS_AVX512VNNI)")
        }
        let mib = Int((flags & DSC_SESSION_MEMORY_LIMIT_MASK) >> 20)
        let unlimited = flags & DSC_SESSION_NO_MEMORY_LIMIT != 0
        guard !(unlimited && mib != 0) else {
            throw DSCError.invalidArgument("the session flags give both DSC_SESSION_NO_MEMORY_LIMIT and DSC_SESSION_MEMORY_LIMIT_MIB(\(mib))")
        }
        return SessionOptions(rounding: flags & DSC_SESSION_SINGLE_ROUNDING != 0 ? .single : .double,
                              preserveAllTensors: flags & DSC_SESSION_PRESERVE_ALL_TENSORS != 0,
                              profile: flags & DSC_SESSION_PROFILE != 0,
                              kernels: kernelPaths[code],
                              threads: max(1, Int((flags & DSC_SESSION_THREADS_MASK) >> 8)),
                              memoryLimit: unlimited ? Int.max : mib > 0 ? mib << 20 : SessionOptions.defaultMemoryLimit)
    }

    /// The `DSC_KERNELS_*` code of a kernel path.
    static func code(of path: KernelPath) -> Int32 {
        Int32(kernelPaths.firstIndex(of: path) ?? 0)
    }
}
