/// The UltraNet design's two C headers read as data (heheda365/ultra_net
/// `hls/ultra_net_accelerator_code/param.h` and `config.h`; ../shared/ultranet/FACTS.md §4): nothing
/// is compiled or evaluated, every token is checked, and anything else is an error naming the file,
/// the line and what was expected.

/// One array of `param.h`: `const ap_(u)int<bits> name[rows][columns] = {{"0x…", …}, …};`.
struct UltraNetParameterArray {
    /// A literal: its sign and hex digits, least significant first.
    struct Literal {
        var negative: Bool
        /// Hex digits (0…15), least significant first, without leading zeros.
        var digits: [UInt8]

        /// Digit `i` (0 past the end).
        func digit(_ i: Int) -> UInt8 { i < digits.count ? digits[i] : 0 }
    }

    let name: String
    /// `ap_int` (true) or `ap_uint` (false).
    let signed: Bool
    /// The declared width.
    let bits: Int
    let rows: Int
    let columns: Int
    /// rows × columns literals, row-major; each checked to fit `bits` (two's complement when signed).
    let values: [Literal]
    /// The line of the declaration (for messages).
    let line: Int

    /// The literal at [row][column].
    func value(_ row: Int, _ column: Int) -> Literal { values[row * columns + column] }

    /// The literal at [row][column] as an integer (a signed array of at most 32 bits).
    func integer(_ row: Int, _ column: Int) -> Int64 {
        let l = value(row, column)
        var v: Int64 = 0
        for d in l.digits.reversed() { v = v << 4 | Int64(d) }
        return l.negative ? -v : v
    }
}

/// A tokenizer over C source as data: identifiers, integers, string literals and punctuation, with
/// `//` and `/* */` comments skipped and line numbers kept for messages.
struct CHeaderScanner {
    enum Token: Equatable {
        case identifier(String)
        case integer(Int)
        case string(String)
        case punctuation(UInt8)
        case end
    }

    private let bytes: [UInt8]
    private var position = 0
    /// The line of the last token read (1-based).
    private(set) var line = 1
    let file: String

    init(_ bytes: UnsafeRawBufferPointer, file: String) {
        self.bytes = [UInt8](bytes)
        self.file = file
    }

    /// An error at the current line.
    func error(_ what: String) -> DSCError { .malformedModel("\(file):\(line): \(what)") }

    private mutating func skipSpaceAndComments() throws(DSCError) {
        while position < bytes.count {
            let c = bytes[position]
            if c == 0x0A { line += 1; position += 1 }
            else if c == 0x20 || c == 0x09 || c == 0x0D { position += 1 }
            else if c == 0x2F, position + 1 < bytes.count, bytes[position + 1] == 0x2F {
                while position < bytes.count && bytes[position] != 0x0A { position += 1 }
            } else if c == 0x2F, position + 1 < bytes.count, bytes[position + 1] == 0x2A {
                position += 2
                while position + 1 < bytes.count && !(bytes[position] == 0x2A && bytes[position + 1] == 0x2F) {
                    if bytes[position] == 0x0A { line += 1 }
                    position += 1
                }
                guard position + 1 < bytes.count else { throw error("unterminated /* comment") }
                position += 2
            } else { return }
        }
    }

    /// The next token.
    mutating func next() throws(DSCError) -> Token {
        try skipSpaceAndComments()
        guard position < bytes.count else { return .end }
        let c = bytes[position]
        func isIdent(_ b: UInt8) -> Bool { (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || (b >= 0x30 && b <= 0x39) }
        if isIdent(c) && !(c >= 0x30 && c <= 0x39) {
            let start = position
            while position < bytes.count && isIdent(bytes[position]) { position += 1 }
            return .identifier(String(decoding: bytes[start..<position], as: UTF8.self))
        }
        if c >= 0x30 && c <= 0x39 {
            var v = 0
            while position < bytes.count, bytes[position] >= 0x30 && bytes[position] <= 0x39 {
                let (m, o1) = v.multipliedReportingOverflow(by: 10)
                let (s, o2) = m.addingReportingOverflow(Int(bytes[position] - 0x30))
                guard !o1 && !o2 && s <= 1 << 40 else { throw error("integer too large") }
                v = s
                position += 1
            }
            if position < bytes.count, isIdent(bytes[position]) { throw error("malformed number") }
            return .integer(v)
        }
        if c == 0x22 {
            let start = position + 1
            position += 1
            while position < bytes.count && bytes[position] != 0x22 {
                guard bytes[position] != 0x0A, bytes[position] != 0x5C else { throw error("unsupported character in a string literal") }
                position += 1
            }
            guard position < bytes.count else { throw error("unterminated string literal") }
            let s = String(decoding: bytes[start..<position], as: UTF8.self)
            position += 1
            return .string(s)
        }
        position += 1
        return .punctuation(c)
    }

    /// Reads the next token and checks it is the punctuation `p`.
    mutating func expect(_ p: Character, _ context: String) throws(DSCError) {
        let t = try next()
        guard t == .punctuation(p.asciiValue ?? 0) else { throw error("expected '\(p)' \(context), found \(Self.describe(t))") }
    }

    /// Reads the next token and checks it is an integer.
    mutating func integer(_ context: String) throws(DSCError) -> Int {
        let t = try next()
        guard case .integer(let v) = t else { throw error("expected a number \(context), found \(Self.describe(t))") }
        return v
    }

    static func describe(_ t: Token) -> String {
        switch t {
        case .identifier(let s): return "'\(s)'"
        case .integer(let v): return "\(v)"
        case .string(let s): return "\"\(s.prefix(20))\""
        case .punctuation(let p): return "'\(Character(Unicode.Scalar(p)))'"
        case .end: return "the end of the file"
        }
    }
}

/// `param.h`: every array, by name.
enum UltraNetParameterHeader {
    /// The arrays of `bytes` (the file named `file` in messages).
    static func parse(_ bytes: UnsafeRawBufferPointer, file: String) throws(DSCError) -> [String: UltraNetParameterArray] {
        var s = CHeaderScanner(bytes, file: file)
        var arrays: [String: UltraNetParameterArray] = [:]
        while true {
            let t = try s.next()
            if t == .end { break }
            guard t == .identifier("const") else {
                throw s.error("expected a 'const ap_int<…>' or 'const ap_uint<…>' array declaration, found \(CHeaderScanner.describe(t))")
            }
            let a = try array(&s)
            guard arrays[a.name] == nil else { throw s.error("array \(a.name) is declared twice") }
            arrays[a.name] = a
        }
        return arrays
    }

    private static func array(_ s: inout CHeaderScanner) throws(DSCError) -> UltraNetParameterArray {
        let line = s.line
        let type = try s.next()
        let signed: Bool
        switch type {
        case .identifier("ap_int"): signed = true
        case .identifier("ap_uint"): signed = false
        default: throw s.error("expected ap_int or ap_uint, found \(CHeaderScanner.describe(type))")
        }
        try s.expect("<", "after the type")
        let bits = try s.integer("(the bit width)")
        guard bits >= 1 && bits <= 1024 else { throw s.error("bit width \(bits) outside 1…1024") }
        try s.expect(">", "after the bit width")
        guard case .identifier(let name) = try s.next() else { throw s.error("expected the array's name") }
        try s.expect("[", "after \(name)")
        let rows = try s.integer("(rows of \(name))")
        try s.expect("]", "after the rows of \(name)")
        try s.expect("[", "after the rows of \(name)")
        let columns = try s.integer("(columns of \(name))")
        try s.expect("]", "after the columns of \(name)")
        guard rows >= 1, columns >= 1, rows <= 1 << 16, columns <= 1 << 20 else {
            throw s.error("\(name)[\(rows)][\(columns)]: dimensions out of range")
        }
        try s.expect("=", "after \(name)[\(rows)][\(columns)]")
        try s.expect("{", "opening \(name)'s values")
        var values: [UltraNetParameterArray.Literal] = []
        values.reserveCapacity(rows * columns)
        for r in 0..<rows {
            try s.expect("{", "opening row \(r) of \(name)")
            for c in 0..<columns {
                guard case .string(let text) = try s.next() else { throw s.error("expected a quoted hex value at \(name)[\(r)][\(c)]") }
                guard let l = literal(text) else { throw s.error("\(name)[\(r)][\(c)]: \"\(text)\" is not a hex value (0x… or -0x…)") }
                guard fits(l, bits: bits, signed: signed) else {
                    throw s.error("\(name)[\(r)][\(c)]: \(text) does not fit ap_\(signed ? "" : "u")int<\(bits)>")
                }
                values.append(l)
                try s.expect(c == columns - 1 ? "}" : ",", c == columns - 1 ? "closing row \(r) of \(name) (it has \(columns) values)" : "between values of \(name)")
            }
            try s.expect(r == rows - 1 ? "}" : ",", r == rows - 1 ? "closing \(name) (it has \(rows) rows)" : "between rows of \(name)")
        }
        try s.expect(";", "after \(name)")
        return UltraNetParameterArray(name: name, signed: signed, bits: bits, rows: rows, columns: columns, values: values, line: line)
    }

    /// "0x1f" / "-0x1F" → digits; nil for anything else.
    static func literal(_ text: String) -> UltraNetParameterArray.Literal? {
        var u = Array(text.utf8)
        var negative = false
        if u.first == 0x2D { negative = true; u.removeFirst() }
        guard u.count >= 3, u[0] == 0x30, u[1] == 0x78 || u[1] == 0x58 else { return nil }
        var digits: [UInt8] = []
        for ch in u[2...].reversed() {
            switch ch {
            case 0x30...0x39: digits.append(ch - 0x30)
            case 0x61...0x66: digits.append(ch - 0x61 + 10)
            case 0x41...0x46: digits.append(ch - 0x41 + 10)
            default: return nil
            }
        }
        while digits.last == 0 { digits.removeLast() }
        return UltraNetParameterArray.Literal(negative: negative && !digits.isEmpty, digits: digits)
    }

    /// Whether the literal's value fits `bits` (unsigned: 0…2^bits − 1; signed: −2^(bits−1)…2^(bits−1) − 1).
    static func fits(_ l: UltraNetParameterArray.Literal, bits: Int, signed: Bool) -> Bool {
        if !signed && l.negative { return false }
        // Significant bits of the magnitude.
        var width = 0
        if let top = l.digits.last { width = 4 * (l.digits.count - 1) + 8 - top.leadingZeroBitCount }
        if !signed { return width <= bits }
        if !l.negative { return width <= bits - 1 }
        // Negative: magnitude ≤ 2^(bits−1).
        if width <= bits - 1 { return true }
        return width == bits && l.digits.dropLast().allSatisfy { $0 == 0 } && l.digits.last.map { $0 & ($0 - 1) == 0 } == true
    }
}

/// `config.h`: its `#define NAME VALUE` lines with integer values.
enum UltraNetConfigHeader {
    /// Every `#define NAME INTEGER` of `bytes` (any other line that is not blank or a comment is an error).
    static func parse(_ bytes: UnsafeRawBufferPointer, file: String) throws(DSCError) -> [String: Int] {
        var defines: [String: Int] = [:]
        var lineNumber = 0
        for raw in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNumber += 1
            // Everything from "//" on is a comment.
            var code = Array(raw)
            if let c = code.indices.first(where: { code[$0] == 0x2F && $0 + 1 < code.count && code[$0 + 1] == 0x2F }) {
                code.removeSubrange(c...)
            }
            let line = String(decoding: code, as: UTF8.self)
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            if parts.isEmpty { continue }
            guard parts.count == 3, parts[0] == "#define" else {
                throw DSCError.malformedModel("\(file):\(lineNumber): expected '#define NAME VALUE', found '\(line.trimmingSpaces())'")
            }
            guard let v = Int(parts[2]), v >= 0, v <= 1 << 30 else {
                throw DSCError.malformedModel("\(file):\(lineNumber): \(parts[1]) = '\(parts[2])' is not an integer in 0…2^30")
            }
            guard defines[String(parts[1])] == nil else {
                throw DSCError.malformedModel("\(file):\(lineNumber): \(parts[1]) is defined twice")
            }
            defines[String(parts[1])] = v
        }
        return defines
    }
}
