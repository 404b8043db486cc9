/// The one error type of DSCFlow. Every case carries enough context (where, what, why) to be printed
/// as a one-line message; the C API maps each case to a status code.
public enum DSCError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The model bytes are not a well-formed file of their format (truncated, offsets out of range, ...).
    case malformedModel(String)
    /// A well-formed model uses something DSCFlow does not implement. `op` is the operator index, or -1.
    case unsupported(op: Int, name: String, reason: String)
    /// A tensor is inconsistent (shape, type, quantization). `op` is the operator index, or -1.
    case invalidTensor(op: Int, tensor: String, reason: String)
    /// An argument passed by the caller is not acceptable (wrong size, out of range, ...).
    case invalidArgument(String)
    /// A file could not be read or written.
    case io(path: String, reason: String)
    /// A size does not fit in memory or overflows.
    case outOfMemory(String)
    /// The object is not in a state where the call makes sense.
    case wrongState(String)

    /// The one-line message the CLI and the C API report.
    public var description: String {
        switch self {
        case .malformedModel(let why): return "malformed model: \(why)"
        case .unsupported(let op, let name, let why):
            return op >= 0 ? "unsupported operator \(name) at index \(op): \(why)" : "unsupported \(name): \(why)"
        case .invalidTensor(let op, let tensor, let why):
            return op >= 0 ? "invalid tensor '\(tensor)' of operator \(op): \(why)" : "invalid tensor '\(tensor)': \(why)"
        case .invalidArgument(let why): return "invalid argument: \(why)"
        case .io(let path, let why): return "\(path): \(why)"
        case .outOfMemory(let why): return "out of memory: \(why)"
        case .wrongState(let why): return "wrong state: \(why)"
        }
    }
}

/// Overflow-checked size arithmetic: every size derived from a file goes through these.
@inlinable
package func checkedMul(_ a: Int, _ b: Int, _ what: @autoclosure () -> String) throws(DSCError) -> Int {
    let (r, o) = a.multipliedReportingOverflow(by: b)
    if o || r < 0 { throw DSCError.outOfMemory("\(what()) overflows") }
    return r
}

@inlinable
func checkedAdd(_ a: Int, _ b: Int, _ what: @autoclosure () -> String) throws(DSCError) -> Int {
    let (r, o) = a.addingReportingOverflow(b)
    if o || r < 0 { throw DSCError.outOfMemory("\(what()) overflows") }
    return r
}

/// Product of dimensions, overflow-checked; every dimension must be ≥ 0.
package func checkedElementCount(_ shape: [Int], _ what: @autoclosure () -> String) throws(DSCError) -> Int {
    var n = 1
    for d in shape {
        if d < 0 { throw DSCError.invalidArgument("\(what()) has a negative dimension") }
        n = try checkedMul(n, d, what())
    }
    return n
}
