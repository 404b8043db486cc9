import DSCFlow
/// A JSON document (RFC 8259) without Foundation: a bounds-checked recursive-descent parser that
/// reports the byte offset of the first error, and an emitter. Objects keep their key order.
public enum JSONValue: Sendable, Equatable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A finite number.
    case number(Double)
    /// A string (unescaped).
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object: its members in document order (duplicates kept).
    case object([(String, JSONValue)])

    /// Structural equality (object members in order).
    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.number(let x), .number(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.array(let x), .array(let y)): return x == y
        case (.object(let x), .object(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// The member `key` of an object (nil for other values or a missing key).
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members.first { $0.0 == key }?.1 }
        return nil
    }

    /// Parses UTF-8 JSON text. Throws `DSCError.invalidArgument` naming the offset and the problem.
    /// Nesting deeper than 64 levels is rejected (no stack exhaustion on hostile input).
    public static func parse(_ text: String) throws -> JSONValue {
        var p = JSONParser(bytes: Array(text.utf8))
        p.skipSpace()
        let v = try p.value(depth: 0)
        p.skipSpace()
        if p.i < p.bytes.count { throw p.error("unexpected text after the document") }
        return v
    }

    /// Compact (`indent` nil) or pretty-printed JSON text.
    public func serialized(indent: Int? = 2) -> String {
        var out = ""
        emit(into: &out, indent: indent, level: 0)
        return out
    }

    private func emit(into out: inout String, indent: Int?, level: Int) {
        func newline(_ l: Int) {
            if let indent { out += "\n" + String(repeating: " ", count: indent * l) }
        }
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let d): out += JSONValue.format(d)
        case .string(let s): JSONValue.quote(s, into: &out)
        case .array(let xs):
            if xs.isEmpty { out += "[]"; return }
            out += "["
            for (k, x) in xs.enumerated() {
                if k > 0 { out += "," }
                newline(level + 1)
                x.emit(into: &out, indent: indent, level: level + 1)
            }
            newline(level)
            out += "]"
        case .object(let ms):
            if ms.isEmpty { out += "{}"; return }
            out += "{"
            for (k, (key, x)) in ms.enumerated() {
                if k > 0 { out += "," }
                newline(level + 1)
                JSONValue.quote(key, into: &out)
                out += indent == nil ? ":" : ": "
                x.emit(into: &out, indent: indent, level: level + 1)
            }
            newline(level)
            out += "}"
        }
    }

    /// Integers print without a fraction; other finite numbers with up to 17 significant digits;
    /// non-finite numbers (not representable in JSON) print as null.
    static func format(_ d: Double) -> String {
        if !d.isFinite { return "null" }
        if d == d.rounded(), abs(d) < 9.0e15 { return String(Int64(d)) }
        return "\(d)"
    }

    /// `s` as a JSON string literal (quotes, escapes).
    public static func quoted(_ s: String) -> String {
        var out = ""
        quote(s, into: &out)
        return out
    }

    static func quote(_ s: String, into out: inout String) {
        out += "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out += "\""
    }
}

/// The parser state: a byte array and a cursor that never leaves it.
private struct JSONParser {
    let bytes: [UInt8]
    var i = 0
    static let maxDepth = 64

    init(bytes: [UInt8]) { self.bytes = bytes }

    func error(_ what: String) -> DSCError {
        .invalidArgument("JSON at byte \(i): \(what)")
    }

    var peek: UInt8? { i < bytes.count ? bytes[i] : nil }

    mutating func skipSpace() {
        while let c = peek, c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { i += 1 }
    }

    mutating func expect(_ literal: String) throws {
        for b in literal.utf8 {
            guard peek == b else { throw error("expected '\(literal)'") }
            i += 1
        }
    }

    mutating func value(depth: Int) throws -> JSONValue {
        guard depth < JSONParser.maxDepth else { throw error("nesting deeper than \(JSONParser.maxDepth) levels") }
        guard let c = peek else { throw error("unexpected end of text") }
        switch c {
        case UInt8(ascii: "n"): try expect("null"); return .null
        case UInt8(ascii: "t"): try expect("true"); return .bool(true)
        case UInt8(ascii: "f"): try expect("false"); return .bool(false)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "["):
            i += 1
            var xs: [JSONValue] = []
            skipSpace()
            if peek == UInt8(ascii: "]") { i += 1; return .array(xs) }
            while true {
                skipSpace()
                xs.append(try value(depth: depth + 1))
                skipSpace()
                guard let d = peek else { throw error("unterminated array") }
                i += 1
                if d == UInt8(ascii: "]") { return .array(xs) }
                if d != UInt8(ascii: ",") { i -= 1; throw error("expected ',' or ']' in an array") }
            }
        case UInt8(ascii: "{"):
            i += 1
            var ms: [(String, JSONValue)] = []
            skipSpace()
            if peek == UInt8(ascii: "}") { i += 1; return .object(ms) }
            while true {
                skipSpace()
                guard peek == UInt8(ascii: "\"") else { throw error("expected a quoted key") }
                let key = try string()
                skipSpace()
                guard peek == UInt8(ascii: ":") else { throw error("expected ':' after key \"\(key)\"") }
                i += 1
                skipSpace()
                ms.append((key, try value(depth: depth + 1)))
                skipSpace()
                guard let d = peek else { throw error("unterminated object") }
                i += 1
                if d == UInt8(ascii: "}") { return .object(ms) }
                if d != UInt8(ascii: ",") { i -= 1; throw error("expected ',' or '}' in an object") }
            }
        default:
            if c == UInt8(ascii: "-") || (c >= 0x30 && c <= 0x39) { return .number(try number()) }
            throw error("unexpected character '\(Character(Unicode.Scalar(c)))'")
        }
    }

    mutating func hex4() throws -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard let c = peek else { throw error("truncated \\u escape") }
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: throw error("bad hex digit in \\u escape")
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }

    mutating func string() throws -> String {
        i += 1  // opening quote
        var scalars = String.UnicodeScalarView()
        var raw: [UInt8] = []
        func flush() throws {
            if raw.isEmpty { return }
            guard let s = String(validating: raw, as: UTF8.self) else { throw error("invalid UTF-8 in a string") }
            scalars.append(contentsOf: s.unicodeScalars)
            raw.removeAll(keepingCapacity: true)
        }
        while true {
            guard let c = peek else { throw error("unterminated string") }
            i += 1
            if c == UInt8(ascii: "\"") { try flush(); return String(scalars) }
            if c < 0x20 { throw error("control character in a string") }
            if c != UInt8(ascii: "\\") { raw.append(c); continue }
            try flush()
            guard let e = peek else { throw error("unterminated escape") }
            i += 1
            switch e {
            case UInt8(ascii: "\""): scalars.append("\"")
            case UInt8(ascii: "\\"): scalars.append("\\")
            case UInt8(ascii: "/"): scalars.append("/")
            case UInt8(ascii: "b"): scalars.append("\u{8}")
            case UInt8(ascii: "f"): scalars.append("\u{C}")
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "u"):
                var v = try hex4()
                if v >= 0xD800 && v < 0xDC00 {
                    try expect("\\u")
                    let lo = try hex4()
                    guard lo >= 0xDC00 && lo < 0xE000 else { throw error("unpaired surrogate") }
                    v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00)
                }
                guard let u = Unicode.Scalar(v) else { throw error("invalid code point") }
                scalars.append(u)
            default: throw error("unknown escape")
            }
        }
    }

    mutating func number() throws -> Double {
        let start = i
        if peek == UInt8(ascii: "-") { i += 1 }
        var digits = 0
        while let c = peek, c >= 0x30 && c <= 0x39 { i += 1; digits += 1 }
        if digits == 0 { throw error("a number needs digits") }
        if peek == UInt8(ascii: ".") {
            i += 1
            var frac = 0
            while let c = peek, c >= 0x30 && c <= 0x39 { i += 1; frac += 1 }
            if frac == 0 { throw error("a fraction needs digits") }
        }
        if let c = peek, c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
            i += 1
            if let s = peek, s == UInt8(ascii: "+") || s == UInt8(ascii: "-") { i += 1 }
            var ex = 0
            while let c = peek, c >= 0x30 && c <= 0x39 { i += 1; ex += 1 }
            if ex == 0 { throw error("an exponent needs digits") }
        }
        guard i - start <= 64, let text = String(validating: bytes[start..<i], as: UTF8.self),
              let d = Double(text), d.isFinite else { throw error("number out of range") }
        return d
    }
}
