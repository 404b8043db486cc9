import DSCFlow
/// JSON form of `AcceleratorConfig`: one member per field, named as the Swift property. A file may
/// start from a preset (`"base": "skrskr"`) and override only some fields; unknown keys, wrong
/// types and out-of-range values are rejected with a message naming the key.
extension AcceleratorConfig {
    private enum Field {
        case int(WritableKeyPath<AcceleratorConfig, Int>)
        case double(WritableKeyPath<AcceleratorConfig, Double>)
        case bool(WritableKeyPath<AcceleratorConfig, Bool>)
        case string(WritableKeyPath<AcceleratorConfig, String>)
        case ints(WritableKeyPath<AcceleratorConfig, [Int]>)
        case dataflow
        case workflow
    }

    private static let fields: [(String, Field)] = [
        ("name", .string(\.name)), ("dataflow", .dataflow), ("clockMHz", .double(\.clockMHz)), ("batch", .int(\.batch)),
        ("batchGridRows", .int(\.batchGridRows)), ("batchGridCols", .int(\.batchGridCols)),
        ("stitchedImageInput", .bool(\.stitchedImageInput)), ("lanes", .int(\.lanes)), ("peCount", .int(\.peCount)),
        ("multipliersPerPE", .int(\.multipliersPerPE)), ("sharedEngine", .bool(\.sharedEngine)),
        ("pwInputs", .int(\.pwInputs)), ("pwOutputs", .int(\.pwOutputs)), ("pwII", .int(\.pwII)),
        ("pwBlockSetupCycles", .int(\.pwBlockSetupCycles)), ("dwChannels", .int(\.dwChannels)),
        ("dwTapsPerPass", .int(\.dwTapsPerPass)), ("dwII", .int(\.dwII)),
        ("adjustableLoopCount", .bool(\.adjustableLoopCount)), ("channelEnhancement", .bool(\.channelEnhancement)),
        ("channelEnhancementPixels", .int(\.channelEnhancementPixels)), ("tileRows", .int(\.tileRows)),
        ("tileCols", .int(\.tileCols)), ("bufferRows", .int(\.bufferRows)), ("bufferCols", .int(\.bufferCols)),
        ("dwLoopRows", .int(\.dwLoopRows)), ("dwLoopCols", .int(\.dwLoopCols)), ("pwLoopRows", .int(\.pwLoopRows)),
        ("pwLoopCols", .int(\.pwLoopCols)), ("lineBufferRows", .int(\.lineBufferRows)),
        ("featureBuffers", .int(\.featureBuffers)), ("weightBufferSlots", .int(\.weightBufferSlots)),
        ("dwPrePasses", .double(\.dwPrePasses)), ("dwPostPassesOnChip", .double(\.dwPostPassesOnChip)),
        ("dwPostPassesExported", .double(\.dwPostPassesExported)), ("pwPrePasses", .double(\.pwPrePasses)),
        ("pwPostPasses", .double(\.pwPostPasses)), ("exportWholeBuffer", .bool(\.exportWholeBuffer)),
        ("poolII", .int(\.poolII)), ("reorgCyclesPerGroup", .int(\.reorgCyclesPerGroup)),
        ("imageLoadRows", .int(\.imageLoadRows)), ("imageLoadCols", .int(\.imageLoadCols)),
        ("imageChannelsPerBeat", .int(\.imageChannelsPerBeat)), ("busBytes", .int(\.busBytes)),
        ("bandwidthGBps", .double(\.bandwidthGBps)), ("axiPortBytes", .int(\.axiPortBytes)),
        ("dramBandwidthGBps", .double(\.dramBandwidthGBps)), ("activationBits", .int(\.activationBits)),
        ("weightBits", .int(\.weightBits)), ("onChipBufferKiB", .double(\.onChipBufferKiB)),
        ("streamSIMD", .ints(\.streamSIMD)), ("streamPE", .ints(\.streamPE)),
        ("pipelineMultipliers", .int(\.pipelineMultipliers)), ("dataReorderers", .bool(\.dataReorderers)),
        ("frameWorkflow", .workflow), ("hostPreprocessMs", .double(\.hostPreprocessMs)),
        ("hostCopyMs", .double(\.hostCopyMs)), ("hostPostprocessMs", .double(\.hostPostprocessMs)),
        ("hostCopyBytesPerImage", .int(\.hostCopyBytesPerImage)),
        ("powerWatts", .double(\.powerWatts)), ("powerPerDSPWatts", .double(\.powerPerDSPWatts)),
        ("opsPerMAC", .double(\.opsPerMAC)), ("multipliersPerDSP", .int(\.multipliersPerDSP)), ("dsp", .int(\.dsp)), ("bram", .int(\.bram)), ("lut", .int(\.lut)),
        ("budgetDSP", .int(\.budgetDSP)), ("budgetBRAM", .int(\.budgetBRAM)), ("budgetLUT", .int(\.budgetLUT)),
    ]

    /// Parses a configuration from JSON text (see the type's documentation) and validates it.
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
        for (key, value) in members where key != "base" {
            guard let field = Self.fields.first(where: { $0.0 == key })?.1 else {
                throw DSCError.invalidArgument("accelerator config: unknown key \"\(key)\"")
            }
            func bad(_ expected: String) -> DSCError { .invalidArgument("accelerator config: \"\(key)\" must be \(expected)") }
            func integer(_ v: JSONValue) throws -> Int {
                guard case .number(let d) = v, d == d.rounded(), abs(d) <= Double(1 << 40) else { throw bad("an integer") }
                return Int(d)
            }
            switch field {
            case .int(let kp): c[keyPath: kp] = try integer(value)
            case .double(let kp):
                guard case .number(let d) = value else { throw bad("a number") }
                c[keyPath: kp] = d
            case .bool(let kp):
                guard case .bool(let b) = value else { throw bad("true or false") }
                c[keyPath: kp] = b
            case .string(let kp):
                guard case .string(let s) = value else { throw bad("a string") }
                c[keyPath: kp] = s
            case .ints(let kp):
                guard case .array(let xs) = value, xs.count <= 4096 else { throw bad("an array of integers") }
                c[keyPath: kp] = try xs.map(integer)
            case .dataflow:
                guard case .string(let s) = value, let d = Dataflow(rawValue: s) else {
                    throw bad("one of \(Dataflow.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                c.dataflow = d
            case .workflow:
                guard case .string(let s) = value, let w = FrameWorkflow(rawValue: s) else {
                    throw bad("one of \(FrameWorkflow.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                c.frameWorkflow = w
            }
        }
        try c.validate()
        self = c
    }

    /// Every field as JSON (loading it back gives an equal configuration).
    public func json() -> JSONValue {
        .object(Self.fields.map { key, field in
            let v: JSONValue
            switch field {
            case .int(let kp): v = .number(Double(self[keyPath: kp]))
            case .double(let kp): v = .number(self[keyPath: kp])
            case .bool(let kp): v = .bool(self[keyPath: kp])
            case .string(let kp): v = .string(self[keyPath: kp])
            case .ints(let kp): v = .array(self[keyPath: kp].map { .number(Double($0)) })
            case .dataflow: v = .string(dataflow.rawValue)
            case .workflow: v = .string(frameWorkflow.rawValue)
            }
            return (key, v)
        })
    }
}
