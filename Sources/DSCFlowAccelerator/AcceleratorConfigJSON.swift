import DSCFlow
/// JSON form of `AcceleratorConfig` (schema: `AcceleratorConfig.schema`, docs/ACCELERATORS.md). A
/// file may start from a preset (`"base": "skrskr"`) and override only some members, at any depth;
/// unknown keys, wrong types and out-of-range values are rejected with a message naming the key's path.
extension AcceleratorConfig {
    /// Parses a configuration from JSON text and validates it. The flat keys of earlier versions
    /// (`"pwII"`, `"frameWorkflow"`, ...) are read too (`migratingFlatKeys`).
    public init(json text: String) throws {
        let doc = try JSONValue.parse(text)
        guard case .object(let members) = doc else { throw DSCError.invalidArgument("accelerator config: the document must be a JSON object") }
        var c: AcceleratorConfig
        if let base = doc["base"] {
            guard case .string(let b) = base else { throw DSCError.invalidArgument("accelerator config: \"base\" must be a preset name") }
            c = try AcceleratorConfig.preset(named: b)
        } else {
            c = AcceleratorConfig(name: "custom")
        }
        let current = try Self.migratingFlatKeys(members, baseKind: c.dataflow.kind)
        try writeObject(&c, current, Self.schema, path: "", skipping: ["base"])
        try c.validate()
        self = c
    }

    /// Every member as JSON, in schema order (loading it back gives an equal configuration).
    public func json() -> JSONValue { readObject(self, Self.schema) }

    /// Checks every number against the range the schema allows (the ones a cost model divides by or
    /// loops over) and what one setting implies for another; throws `DSCError.invalidArgument`
    /// naming the configuration and the member's path.
    public func validate() throws {
        try checkObject(self, Self.schema, path: "", config: name)
        if batchGridRows * batchGridCols < batch {
            throw DSCError.invalidArgument("accelerator '\(name)': a \(batchGridRows)×\(batchGridCols) grid cannot hold a batch of \(batch)")
        }
    }
}
