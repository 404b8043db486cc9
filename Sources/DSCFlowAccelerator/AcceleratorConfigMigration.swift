import DSCFlow
/// Configuration files of earlier versions were one flat object (`"pwII": 2`, `"frameWorkflow":
/// "preload"`, `"dataflow": "tiled-engine"`). They still load: each flat key moves to its place in
/// the grouped schema before the document is read. The flat format carried every design's fields
/// for every dataflow, so a flat key belonging to another dataflow than the document's is dropped
/// (it never had an effect).
extension AcceleratorConfig {
    /// Flat key, its path in the grouped schema, and the dataflow it belongs to (nil: every dataflow).
    private static let flatKeys: [(String, [String], Dataflow.Kind?)] = {
        let tiled: [(String, [String])] = [
            ("stitchedImageInput", ["imageLoader", "stitched"]), ("peCount", ["optimisations", "sharedPECount"]),
            ("multipliersPerPE", ["optimisations", "multipliersPerSharedPE"]), ("sharedEngine", ["optimisations", "sharedPE"]),
            ("pwInputs", ["pointwise", "inputs"]), ("pwOutputs", ["pointwise", "outputs"]),
            ("pwII", ["pointwise", "initiationInterval"]), ("pwBlockSetupCycles", ["pointwise", "blockSetupCycles"]),
            ("dwChannels", ["depthwise", "channels"]), ("dwTapsPerPass", ["depthwise", "tapsPerPass"]),
            ("dwII", ["depthwise", "initiationInterval"]), ("lineBufferRows", ["depthwise", "lineBufferRows"]),
            ("adjustableLoopCount", ["optimisations", "adjustableLoopCount"]),
            ("channelEnhancement", ["optimisations", "channelEnhancement"]),
            ("channelEnhancementPixels", ["optimisations", "channelEnhancementPixels"]),
            ("tileRows", ["tiles", "rows"]), ("tileCols", ["tiles", "cols"]), ("bufferRows", ["tiles", "bufferRows"]),
            ("bufferCols", ["tiles", "bufferCols"]), ("dwLoopRows", ["tiles", "dwLoopRows"]), ("dwLoopCols", ["tiles", "dwLoopCols"]),
            ("pwLoopRows", ["tiles", "pwLoopRows"]), ("pwLoopCols", ["tiles", "pwLoopCols"]),
            ("featureBuffers", ["tiles", "featureBuffers"]), ("weightBufferSlots", ["tiles", "weightBufferSlots"]),
            ("exportWholeBuffer", ["tiles", "exportWholeBuffer"]),
            ("dwPrePasses", ["passes", "dwPre"]), ("dwPostPassesOnChip", ["passes", "dwPostOnChip"]),
            ("dwPostPassesExported", ["passes", "dwPostExported"]), ("pwPrePasses", ["passes", "pwPre"]),
            ("pwPostPasses", ["passes", "pwPost"]), ("poolII", ["poolII"]), ("reorgCyclesPerGroup", ["reorgCyclesPerGroup"]),
            ("imageLoadRows", ["imageLoader", "rows"]), ("imageLoadCols", ["imageLoader", "cols"]),
            ("imageChannelsPerBeat", ["imageLoader", "channelsPerBeat"]),
        ]
        let system: [(String, [String])] = [
            ("busBytes", ["memory", "busBytes"]), ("bandwidthGBps", ["memory", "bandwidthGBps"]),
            ("axiPortBytes", ["memory", "axiPortBytes"]), ("dramBandwidthGBps", ["memory", "dramBandwidthGBps"]),
            ("onChipBufferKiB", ["memory", "onChipBufferKiB"]),
            ("frameWorkflow", ["host", "workflow"]), ("hostPreprocessMs", ["host", "preprocessMs"]),
            ("hostCopyMs", ["host", "copyMs"]), ("hostPostprocessMs", ["host", "postprocessMs"]),
            ("hostCopyBytesPerImage", ["host", "copyBytesPerImage"]),
            ("powerWatts", ["power", "watts"]), ("powerPerDSPWatts", ["power", "wattsPerDSP"]),
            ("multipliersPerDSP", ["resources", "multipliersPerDSP"]),
            ("dsp", ["resources", "used", "dsp"]), ("bram", ["resources", "used", "bram"]), ("lut", ["resources", "used", "lut"]),
            ("budgetDSP", ["resources", "budget", "dsp"]), ("budgetBRAM", ["resources", "budget", "bram"]),
            ("budgetLUT", ["resources", "budget", "lut"]),
        ]
        return tiled.map { ($0.0, ["dataflow"] + $0.1, .tiledEngine) }
            + [("streamSIMD", ["dataflow", "simd"], .streaming), ("streamPE", ["dataflow", "pe"], .streaming),
               ("pipelineMultipliers", ["dataflow", "multipliers"], .layerPipeline),
               ("dataReorderers", ["dataflow", "dataReorderers"], .layerPipeline)]
            + system.map { ($0.0, $0.1, nil) }
    }()

    /// The document's members with every flat key moved to its grouped path (unchanged when it has
    /// none). `baseKind` is the dataflow the document starts from when it does not name one.
    static func migratingFlatKeys(_ members: [(String, JSONValue)], baseKind: Dataflow.Kind) throws -> [(String, JSONValue)] {
        var kind = baseKind, flat = false
        switch members.first(where: { $0.0 == "dataflow" })?.1 {
        case .string(let s)?:
            guard let k = Dataflow.Kind(rawValue: s) else {
                throw DSCError.invalidArgument("accelerator config: \"dataflow\" must be one of \(Dataflow.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            kind = k
            flat = true
        case .object(let d)?:
            if case .string(let s)? = d.first(where: { $0.0 == "kind" })?.1, let k = Dataflow.Kind(rawValue: s) { kind = k }
        default:
            break
        }
        flat = flat || members.contains { m in flatKeys.contains { $0.0 == m.0 } }
        guard flat else { return members }
        // Grouped members first, so that a clash names the flat key.
        var out = members.filter { m in m.0 != "dataflow" && !flatKeys.contains { $0.0 == m.0 } }
        if case .object? = members.first(where: { $0.0 == "dataflow" })?.1 { out += members.filter { $0.0 == "dataflow" } }
        for (key, value) in members {
            if key == "dataflow", case .string = value {
                try insert(value, at: ["dataflow", "kind"], into: &out, from: key)
            } else if let entry = flatKeys.first(where: { $0.0 == key }) {
                if let only = entry.2, only != kind { continue }
                try insert(value, at: entry.1, into: &out, from: key)
            }
        }
        return out
    }

    /// Puts the value of flat key `key` at `path` inside `members`, creating objects on the way; a
    /// member the document also gives in its grouped form is an error naming both.
    private static func insert(_ value: JSONValue, at path: [String], into members: inout [(String, JSONValue)],
                               from key: String) throws {
        func place(_ depth: Int, _ members: inout [(String, JSONValue)]) throws {
            let head = path[depth], last = depth == path.count - 1
            guard let i = members.firstIndex(where: { $0.0 == head }) else {
                var inner: [(String, JSONValue)] = []
                if !last { try place(depth + 1, &inner) }
                members.append((head, last ? value : .object(inner)))
                return
            }
            guard !last, case .object(var inner) = members[i].1 else {
                throw DSCError.invalidArgument("accelerator config: \"\(key)\" sets \"\(path.joined(separator: "."))\", which the document also gives")
            }
            try place(depth + 1, &inner)
            members[i].1 = .object(inner)
        }
        try place(0, &members)
    }
}
