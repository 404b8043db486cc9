import DSCFlow
/// One member of a JSON object mapped onto a property of `Root`: its key, how it is read and
/// written, and the values it accepts. A list of members is the schema of one object; `group`
/// nests one. Paths in messages join keys with dots (`dataflow.pointwise.inputs`).
struct ConfigMember<Root> {
    /// The JSON key (the Swift property's name).
    let key: String
    /// The property as JSON.
    let read: (Root) -> JSONValue
    /// Sets the property from JSON; throws naming `path` when the value has the wrong type.
    let write: (inout Root, JSONValue, _ path: String) throws -> Void
    /// Throws naming `path` and the configuration when the property's value is out of range.
    let check: (Root, _ path: String, _ config: String) throws -> Void

    /// An integer in `range`.
    static func int(_ key: String, _ kp: WritableKeyPath<Root, Int>, _ range: ClosedRange<Int>) -> ConfigMember {
        ConfigMember(key: key, read: { .number(Double($0[keyPath: kp])) },
                     write: { root, v, path in root[keyPath: kp] = try integer(v, path) },
                     check: { root, path, config in try inRange(root[keyPath: kp], range, path, config) })
    }

    /// A finite number in `range` (the lower bound excluded when `aboveLower`).
    static func double(_ key: String, _ kp: WritableKeyPath<Root, Double>, _ range: Range<Double> = 0..<1e12,
                       aboveLower: Bool = false) -> ConfigMember {
        ConfigMember(key: key, read: { .number($0[keyPath: kp]) },
                     write: { root, v, path in
                         guard case .number(let d) = v else { throw wrongType(path, "a number") }
                         root[keyPath: kp] = d
                     },
                     check: { root, path, config in
                         let v = root[keyPath: kp]
                         guard range.contains(v) && !(aboveLower && v == range.lowerBound) else {
                             let open = aboveLower ? "(" : "["
                             throw DSCError.invalidArgument("accelerator '\(config)': \(path) = \(v) must be in \(open)\(range.lowerBound), \(range.upperBound))")
                         }
                     })
    }

    /// `true` or `false`.
    static func bool(_ key: String, _ kp: WritableKeyPath<Root, Bool>) -> ConfigMember {
        ConfigMember(key: key, read: { .bool($0[keyPath: kp]) },
                     write: { root, v, path in
                         guard case .bool(let b) = v else { throw wrongType(path, "true or false") }
                         root[keyPath: kp] = b
                     },
                     check: { _, _, _ in })
    }

    /// A string.
    static func string(_ key: String, _ kp: WritableKeyPath<Root, String>) -> ConfigMember {
        ConfigMember(key: key, read: { .string($0[keyPath: kp]) },
                     write: { root, v, path in
                         guard case .string(let s) = v else { throw wrongType(path, "a string") }
                         root[keyPath: kp] = s
                     },
                     check: { _, _, _ in })
    }

    /// An array of at most 4096 integers, each in `range`.
    static func ints(_ key: String, _ kp: WritableKeyPath<Root, [Int]>, each range: ClosedRange<Int>) -> ConfigMember {
        ConfigMember(key: key, read: { .array($0[keyPath: kp].map { .number(Double($0)) }) },
                     write: { root, v, path in
                         guard case .array(let xs) = v, xs.count <= 4096 else { throw wrongType(path, "an array of integers") }
                         root[keyPath: kp] = try xs.map { try integer($0, path) }
                     },
                     check: { root, path, config in
                         for (i, x) in root[keyPath: kp].enumerated() { try inRange(x, range, "\(path)[\(i)]", config) }
                     })
    }

    /// One of the enumeration's names.
    static func choice<E: RawRepresentable & CaseIterable>(_ key: String, _ kp: WritableKeyPath<Root, E>) -> ConfigMember
    where E.RawValue == String {
        ConfigMember(key: key, read: { .string($0[keyPath: kp].rawValue) },
                     write: { root, v, path in
                         guard case .string(let s) = v, let e = E(rawValue: s) else {
                             throw wrongType(path, "one of \(E.allCases.map(\.rawValue).joined(separator: ", "))")
                         }
                         root[keyPath: kp] = e
                     },
                     check: { _, _, _ in })
    }

    /// A nested object with its own members; a document may give only some of them.
    static func group<Sub>(_ key: String, _ kp: WritableKeyPath<Root, Sub>, _ members: [ConfigMember<Sub>]) -> ConfigMember {
        ConfigMember(key: key, read: { readObject($0[keyPath: kp], members) },
                     write: { root, v, path in
                         guard case .object(let pairs) = v else { throw wrongType(path, "an object") }
                         try writeObject(&root[keyPath: kp], pairs, members, path: path)
                     },
                     check: { root, path, config in try checkObject(root[keyPath: kp], members, path: path, config: config) })
    }
}

/// `members` of `value` as a JSON object, in schema order.
func readObject<Root>(_ value: Root, _ members: [ConfigMember<Root>]) -> JSONValue {
    .object(members.map { ($0.key, $0.read(value)) })
}

/// Sets the members `pairs` names; a key not in `members` (or in `skipping`) is an error naming its path.
func writeObject<Root>(_ value: inout Root, _ pairs: [(String, JSONValue)], _ members: [ConfigMember<Root>],
                       path: String, skipping: Set<String> = [], context: String = "") throws {
    for (key, v) in pairs where !skipping.contains(key) {
        let p = path.isEmpty ? key : path + "." + key
        guard let m = members.first(where: { $0.key == key }) else {
            throw DSCError.invalidArgument("accelerator config: unknown key \"\(p)\"\(context)")
        }
        try m.write(&value, v, p)
    }
}

/// Range-checks every member of `value`.
func checkObject<Root>(_ value: Root, _ members: [ConfigMember<Root>], path: String, config: String) throws {
    for m in members { try m.check(value, path.isEmpty ? m.key : path + "." + m.key, config) }
}

/// A JSON number that is an integer of magnitude at most 2⁴⁰.
private func integer(_ v: JSONValue, _ path: String) throws -> Int {
    guard case .number(let d) = v, d == d.rounded(), abs(d) <= Double(1 << 40) else { throw wrongType(path, "an integer") }
    return Int(d)
}

private func inRange(_ v: Int, _ range: ClosedRange<Int>, _ path: String, _ config: String) throws {
    guard range.contains(v) else {
        throw DSCError.invalidArgument("accelerator '\(config)': \(path) = \(v) must be in \(range.lowerBound)…\(range.upperBound)")
    }
}

private func wrongType(_ path: String, _ expected: String) -> DSCError {
    .invalidArgument("accelerator config: \"\(path)\" must be \(expected)")
}
