/// The library's version.
public enum DSCFlowVersion {
    /// The library version's components (semantic versioning; the C header's DSCFLOW_VERSION_*).
    public static let major = 0, minor = 1, patch = 0
    /// The version as text.
    public static let string = "0.1.0"
}
