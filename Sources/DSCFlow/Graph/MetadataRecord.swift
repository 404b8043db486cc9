/// A model metadata entry in DSCFlow's `key=value` line format (e.g. `dscflow.detection`,
/// `dscflow.preprocess`): one pair per line, `#` starts a comment, surrounding spaces are ignored.
public struct MetadataRecord: Sendable, Equatable {
    /// The record's key/value pairs.
    public private(set) var values: [String: String]

    /// A record holding `values`.
    public init(_ values: [String: String] = [:]) {
        self.values = values
    }

    /// Parses `text`; a line without `=` is an error naming it.
    public init(parsing text: String, name: String) throws(DSCError) {
        var v: [String: String] = [:]
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let trimmed = line.trimmingSpaces()
            if trimmed.isEmpty { continue }
            guard let eq = trimmed.firstIndex(of: "=") else {
                throw DSCError.invalidArgument("metadata \(name): line '\(trimmed)' is not key=value")
            }
            v[String(trimmed[..<eq]).trimmingSpaces()] = String(trimmed[trimmed.index(after: eq)...]).trimmingSpaces()
        }
        self.values = v
    }

    /// The value of `key`, or nil.
    public subscript(key: String) -> String? {
        get { values[key] }
        set { values[key] = newValue }
    }

    /// The record as text (keys sorted, one per line).
    public var text: String {
        values.keys.sorted().map { "\($0)=\(values[$0]!)" }.joined(separator: "\n")
    }

    /// A comma-separated list of numbers, or an error naming the key.
    public func doubles(_ key: String) throws(DSCError) -> [Double]? {
        guard let s = values[key] else { return nil }
        return try s.split(separator: ",").map { (part) throws(DSCError) -> Double in
            guard let d = Double(String(part).trimmingSpaces()) else {
                throw DSCError.invalidArgument("metadata key \(key): '\(part)' is not a number")
            }
            return d
        }
    }

    /// "WxH" as (width, height), or an error naming the key.
    public func size(_ key: String) throws(DSCError) -> (width: Int, height: Int)? {
        guard let s = values[key] else { return nil }
        let parts = s.split(separator: "x")
        guard parts.count == 2, let w = Int(parts[0]), let h = Int(parts[1]), w >= 1, h >= 1 else {
            throw DSCError.invalidArgument("metadata key \(key): '\(s)' is not WxH")
        }
        return (w, h)
    }
}

extension StringProtocol {
    /// The string without leading and trailing spaces and tabs (no Foundation).
    package func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s.removeLast() }
        return String(s)
    }
}
