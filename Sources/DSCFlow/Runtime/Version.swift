/// The library's version.
public enum DSCFlowVersion {
    public static let major = 0, minor = 1, patch = 0
    public static let string = "0.1.0"
}
