import CDSCFlowSIMD

/// Which kernels a session runs. Every path gives the same bytes; they differ in speed and in the
/// CPUs they run on.
public enum KernelPath: String, Sendable, CaseIterable {
    /// The reference kernels only (the executable specification).
    case reference
    /// Fast kernels built for no particular ISA (SSE2 on x86-64, NEON on aarch64).
    case portable
    /// Fast kernels for AVX2 (x86-64-v3).
    case avx2
    /// The AVX2 kernels with 256-bit VNNI dot products in the conv tiles (AVX-VNNI: CPUs with AVX2
    /// and AVX-VNNI but possibly no AVX-512, e.g. Intel Alder Lake and later client cores, Gracemont).
    case avxvnni
    /// Fast kernels with AVX-512 VNNI dot products.
    case avx512vnni
    /// `DSCFLOW_KERNELS` from the environment if set, otherwise the fastest path this CPU supports.
    case auto

    /// The environment variable `auto` consults (values: the raw names of this enum).
    public static let environmentVariable = "DSCFLOW_KERNELS"

    /// The paths this CPU can run (always `reference` and `portable`).
    public static var supported: [KernelPath] {
        let bits = dscsimd_supported_isas()
        var paths: [KernelPath] = [.reference, .portable]
        if bits & (1 << DSCSIMD_ISA_AVX2) != 0 { paths.append(.avx2) }
        if bits & (1 << DSCSIMD_ISA_AVXVNNI) != 0 { paths.append(.avxvnni) }
        if bits & (1 << DSCSIMD_ISA_AVX512VNNI) != 0 { paths.append(.avx512vnni) }
        return paths
    }

    /// The fastest path this CPU supports.
    public static var best: KernelPath { supported.last ?? .portable }

    /// The concrete path `self` stands for: `auto` resolved through the environment and the CPU.
    /// Throws if the path (requested or named by the environment) cannot run on this CPU.
    public func resolved() throws(DSCError) -> KernelPath {
        var path = self
        if path == .auto {
            if let raw = dscsimd_getenv(KernelPath.environmentVariable) {
                let name = String(cString: raw)
                guard let p = KernelPath(rawValue: name) else {
                    throw DSCError.invalidArgument("\(KernelPath.environmentVariable)=\(name): expected one of \(KernelPath.allCases.map { $0.rawValue }.joined(separator: ", "))")
                }
                path = p == .auto ? KernelPath.best : p
            } else {
                path = KernelPath.best
            }
        }
        guard KernelPath.supported.contains(path) else {
            throw DSCError.unsupported(op: -1, name: "kernel path \(path.rawValue)", reason: "this CPU does not support it (supported: \(KernelPath.supported.map { $0.rawValue }.joined(separator: ", ")))")
        }
        return path
    }

    /// The ISA code of the C kernels (nil for `reference` and `auto`).
    package var isa: Int32? {
        switch self {
        case .portable: return Int32(DSCSIMD_ISA_PORTABLE)
        case .avx2: return Int32(DSCSIMD_ISA_AVX2)
        case .avxvnni: return Int32(DSCSIMD_ISA_AVXVNNI)
        case .avx512vnni: return Int32(DSCSIMD_ISA_AVX512VNNI)
        case .reference, .auto: return nil
        }
    }
}
