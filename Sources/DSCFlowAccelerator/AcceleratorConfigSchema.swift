import DSCFlow
/// The JSON schema of `AcceleratorConfig`: every key, the property it sets and the values it
/// accepts. Objects nest as the Swift groups do; `dataflow` holds its `kind` and that kind's
/// settings. `validate()` checks the same ranges, so a configuration built in Swift meets the
/// limits a file must.
extension AcceleratorConfig {
    static var schema: [ConfigMember<AcceleratorConfig>] {
        [
            .string("name", \.name),
            .double("clockMHz", \.clockMHz, 0..<1e6, aboveLower: true),
            .int("batch", \.batch, 1...(1 << 16)),
            .int("batchGridRows", \.batchGridRows, 1...(1 << 8)),
            .int("batchGridCols", \.batchGridCols, 1...(1 << 8)),
            .int("lanes", \.lanes, 1...4096),
            .int("activationBits", \.activationBits, 1...4096),
            .int("weightBits", \.weightBits, 1...4096),
            .double("opsPerMAC", \.opsPerMAC),
            dataflowMember,
            .group("memory", \.memory, [
                .int("busBytes", \.busBytes, 1...4096),
                .double("bandwidthGBps", \.bandwidthGBps),
                .int("axiPortBytes", \.axiPortBytes, 0...4096),
                .double("dramBandwidthGBps", \.dramBandwidthGBps),
                .double("onChipBufferKiB", \.onChipBufferKiB),
            ]),
            .group("host", \.host, [
                .choice("workflow", \.workflow),
                .double("preprocessMs", \.preprocessMs),
                .double("copyMs", \.copyMs),
                .double("postprocessMs", \.postprocessMs),
                .int("copyBytesPerImage", \.copyBytesPerImage, 0...(1 << 40)),
            ]),
            .group("power", \.power, [
                .double("watts", \.watts),
                .double("wattsPerDSP", \.wattsPerDSP),
            ]),
            .group("resources", \.resources, [
                .int("multipliersPerDSP", \.multipliersPerDSP, 1...4096),
                .group("used", \.used, resourceCount),
                .group("budget", \.budget, resourceCount),
            ]),
        ]
    }

    private static var resourceCount: [ConfigMember<ResourceCount>] {
        [.int("dsp", \.dsp, 0...(1 << 30)), .int("bram", \.bram, 0...(1 << 30)), .int("lut", \.lut, 0...(1 << 30))]
    }

    static var tiledEngineSchema: [ConfigMember<TiledEngine>] {
        [
            .group("pointwise", \.pointwise, [
                .int("inputs", \.inputs, 1...4096),
                .int("outputs", \.outputs, 1...4096),
                .int("initiationInterval", \.initiationInterval, 1...4096),
                .int("blockSetupCycles", \.blockSetupCycles, 0...(1 << 20)),
            ]),
            .group("depthwise", \.depthwise, [
                .int("channels", \.channels, 1...4096),
                .int("tapsPerPass", \.tapsPerPass, 1...4096),
                .int("initiationInterval", \.initiationInterval, 1...4096),
                .int("lineBufferRows", \.lineBufferRows, 0...64),
            ]),
            .group("tiles", \.tiles, [
                .int("rows", \.rows, 1...4096),
                .int("cols", \.cols, 1...4096),
                .int("bufferRows", \.bufferRows, 1...4096),
                .int("bufferCols", \.bufferCols, 1...4096),
                .int("dwLoopRows", \.dwLoopRows, 1...4096),
                .int("dwLoopCols", \.dwLoopCols, 1...4096),
                .int("pwLoopRows", \.pwLoopRows, 1...4096),
                .int("pwLoopCols", \.pwLoopCols, 1...4096),
                .int("featureBuffers", \.featureBuffers, 1...4096),
                .int("weightBufferSlots", \.weightBufferSlots, 1...4096),
                .bool("exportWholeBuffer", \.exportWholeBuffer),
            ]),
            .group("passes", \.passes, [
                .double("dwPre", \.dwPre),
                .double("dwPostOnChip", \.dwPostOnChip),
                .double("dwPostExported", \.dwPostExported),
                .double("pwPre", \.pwPre),
                .double("pwPost", \.pwPost),
            ]),
            .group("imageLoader", \.imageLoader, [
                .int("rows", \.rows, 1...4096),
                .int("cols", \.cols, 1...4096),
                .int("channelsPerBeat", \.channelsPerBeat, 1...4096),
                .bool("stitched", \.stitched),
            ]),
            .int("poolII", \.poolII, 1...4096),
            .int("reorgCyclesPerGroup", \.reorgCyclesPerGroup, 0...(1 << 24)),
            .group("optimisations", \.optimisations, [
                .bool("sharedPE", \.sharedPE),
                .int("sharedPECount", \.sharedPECount, 1...4096),
                .int("multipliersPerSharedPE", \.multipliersPerSharedPE, 1...4096),
                .bool("adjustableLoopCount", \.adjustableLoopCount),
                .bool("channelEnhancement", \.channelEnhancement),
                .int("channelEnhancementPixels", \.channelEnhancementPixels, 1...4096),
            ]),
        ]
    }

    static var streamingSchema: [ConfigMember<Streaming>] {
        [.ints("simd", \.simd, each: 1...4096), .ints("pe", \.pe, each: 1...4096)]
    }

    static var layerPipelineSchema: [ConfigMember<LayerPipeline>] {
        [.int("multipliers", \.multipliers, 1...4096), .bool("dataReorderers", \.dataReorderers)]
    }

    /// `dataflow`: an object with `kind` and that kind's settings. A `kind` other than the current
    /// one starts from that kind's defaults (`Dataflow.defaults`); the other members override settings.
    private static var dataflowMember: ConfigMember<AcceleratorConfig> {
        ConfigMember(key: "dataflow", read: { c in
            var members: [(String, JSONValue)] = [("kind", .string(c.dataflow.kind.rawValue))]
            if case .object(let settings) = c.dataflow.settingsJSON { members += settings }
            return .object(members)
        }, write: { c, v, path in
            guard case .object(let pairs) = v else { throw DSCError.invalidArgument("accelerator config: \"\(path)\" must be an object") }
            if let k = pairs.first(where: { $0.0 == "kind" })?.1 {
                guard case .string(let s) = k, let kind = Dataflow.Kind(rawValue: s) else {
                    let names = Dataflow.Kind.allCases.map(\.rawValue).joined(separator: ", ")
                    throw DSCError.invalidArgument("accelerator config: \"\(path).kind\" must be one of \(names)")
                }
                if kind != c.dataflow.kind { c.dataflow = .defaults(kind) }
            }
            try c.dataflow.writeSettings(pairs, path: path)
        }, check: { c, path, config in
            try c.dataflow.checkSettings(path: path, config: config)
        })
    }
}

extension AcceleratorConfig.Dataflow {
    /// The settings of this dataflow as a JSON object (without `kind`).
    var settingsJSON: JSONValue {
        switch self {
        case .tiledEngine(let t): return readObject(t, AcceleratorConfig.tiledEngineSchema)
        case .streaming(let s): return readObject(s, AcceleratorConfig.streamingSchema)
        case .layerPipeline(let p): return readObject(p, AcceleratorConfig.layerPipelineSchema)
        }
    }

    /// Overrides settings from the members of a `dataflow` object (its `kind` already applied).
    mutating func writeSettings(_ pairs: [(String, JSONValue)], path: String) throws {
        let context = " for a \(kind.rawValue) dataflow"
        switch self {
        case .tiledEngine(var t):
            try writeObject(&t, pairs, AcceleratorConfig.tiledEngineSchema, path: path, skipping: ["kind"], context: context)
            self = .tiledEngine(t)
        case .streaming(var s):
            try writeObject(&s, pairs, AcceleratorConfig.streamingSchema, path: path, skipping: ["kind"], context: context)
            self = .streaming(s)
        case .layerPipeline(var p):
            try writeObject(&p, pairs, AcceleratorConfig.layerPipelineSchema, path: path, skipping: ["kind"], context: context)
            self = .layerPipeline(p)
        }
    }

    /// Range-checks the settings, and what one setting implies for another.
    func checkSettings(path: String, config: String) throws {
        switch self {
        case .tiledEngine(let t):
            try checkObject(t, AcceleratorConfig.tiledEngineSchema, path: path, config: config)
            if t.tiles.bufferRows < t.tiles.rows || t.tiles.bufferCols < t.tiles.cols {
                throw DSCError.invalidArgument("accelerator '\(config)': the \(t.tiles.bufferRows)×\(t.tiles.bufferCols) buffer is smaller than the \(t.tiles.rows)×\(t.tiles.cols) tile")
            }
        case .streaming(let s):
            try checkObject(s, AcceleratorConfig.streamingSchema, path: path, config: config)
            if s.simd.count != s.pe.count {
                throw DSCError.invalidArgument("accelerator '\(config)': \(path).simd has \(s.simd.count) entries, \(path).pe \(s.pe.count)")
            }
        case .layerPipeline(let p):
            try checkObject(p, AcceleratorConfig.layerPipelineSchema, path: path, config: config)
        }
    }
}
