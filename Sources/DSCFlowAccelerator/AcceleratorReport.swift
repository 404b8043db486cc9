import DSCFlow
/// One layer of an `AcceleratorReport`.
public struct LayerReport: Sendable {
    /// Operator name.
    public var name: String
    /// What the operator is on the accelerator.
    public var role: LayerRole
    /// Tiles the layer walks (1 for the other dataflows).
    public var tiles: Int
    /// Input channel groups.
    public var inGroups: Int
    /// Output channel groups.
    public var outGroups: Int
    /// PW input blocks over all input groups.
    public var pwBlocks: Int
    /// Cycles and traffic of the layer in one run.
    public var ledger: CycleLedger
    /// Wall cycles of the layer in one accelerator run.
    public var cycles: Int { ledger.total }
    /// Multiply-accumulates the model needs per run.
    public var usefulMACs: Int
    /// Multiply-accumulates the engine issues per run (lanes padded, blocks rounded).
    public var issuedMACs: Int
    /// Useful MACs over the engine's peak for the layer's cycles (0…1).
    public var peUtilisation: Double
    /// Computation-to-communication ratio: useful operations per off-chip byte (infinite without traffic).
    public var ctc: Double
    /// Compute roof of the layer's engine, GOPS.
    public var roofGOPS: Double
    /// min(roof, CTC × bandwidth), GOPS.
    public var attainableGOPS: Double
    /// Useful operations per second the schedule achieves, GOPS.
    public var achievedGOPS: Double
    /// CTC × bandwidth is below the roof.
    public var memoryBound: Bool
}

/// What an accelerator does with a model: per-layer cycles and traffic, and the totals (latency,
/// throughput with and without the frame workflow, GOPS, energy). Built from the cost model
/// (`make`) or from an emulator run (`AcceleratorEmulator.runReport`), through `init(model:config:plans:ledgers:name:)`.
public struct AcceleratorReport: Sendable {
    /// The accelerator configuration.
    public var config: AcceleratorConfig
    /// The model's name in the report.
    public var modelName: String
    /// One entry per operator.
    public var layers: [LayerReport]
    /// Images per accelerator run.
    public var batch: Int
    /// Cycles of one run (tiled engines), or the frame interval (streaming / layer pipeline).
    public var totalCycles: Int
    /// Cycles from the start of a run to its last output.
    public var latencyCycles: Int
    /// Images per second from the accelerator alone.
    public var fps: Double
    /// Images per second including the host frame workflow.
    public var fpsWithWorkflow: Double
    /// Milliseconds from the start of a run to its last output.
    public var latencyMs: Double
    /// Useful giga-operations per second at `fps`.
    public var gops: Double
    /// Board power while computing, W.
    public var powerWatts: Double
    /// Joules per image with the frame workflow.
    public var energyPerImageJ: Double
    /// `gops` per watt.
    public var gopsPerWatt: Double
    /// Multiply-accumulates one image needs.
    public var usefulMACsPerImage: Int

    /// Report from the analytic cost model.
    public static func make(model: Model, config: AcceleratorConfig, name: String? = nil,
                            usage: ChannelUsage? = nil) throws -> AcceleratorReport {
        let plans = try LayerPlanner.plan(model, config, usage: usage)
        let folded = config.tiledEngine != nil ? plans : StreamFolding.fold(plans, config, model: model)
        let ledgers = CostModel.evaluate(plans: folded, model: model, config)
        return AcceleratorReport(model: model, config: config, plans: folded, ledgers: ledgers,
                                 name: name ?? model.metadata["topology"] ?? "model")
    }

    /// Report from per-op ledgers (cost model or emulator) and the plans they belong to.
    public init(model: Model, config c: AcceleratorConfig, plans: [LayerPlan], ledgers: [CycleLedger], name: String) {
        self.config = c
        self.modelName = name
        self.batch = c.batch
        let f = c.clockMHz * 1e6
        let tiled = c.tiledEngine != nil
        var layers: [LayerReport] = []
        var macs = 0
        for (p, l) in zip(plans, ledgers) {
            let useful = p.usefulMACs &* c.batch
            macs &+= p.usefulMACs
            let roofMACs = p.role == .depthwise ? c.dwPeakMACsPerCycle : c.pwPeakMACsPerCycle
            let peak = tiled ? roofMACs : Double(max(1, p.foldSIMD * p.foldPE))
            let roof = peak * c.opsPerMAC * c.clockMHz / 1000
            let ops = Double(useful) * c.opsPerMAC
            let ctc = l.offChipBytes > 0 ? ops / Double(l.offChipBytes) : .infinity
            // The input layer reads through the image loader's (possibly narrower) port.
            let bandwidth = p.imageInput ? c.imageLoaderBandwidthGBps(packedPixels: p.packedPixels) : c.effectiveBandwidthGBps
            let attainable = min(roof, ctc * bandwidth)
            let achieved = l.total > 0 ? ops / (Double(l.total) / f) / 1e9 : 0
            let util = l.total > 0 ? Double(useful) / (Double(l.total) * peak) : 0
            layers.append(LayerReport(name: p.name, role: p.role, tiles: tiled ? p.tileRowsCount &* p.tileColsCount : 1,
                                      inGroups: p.inGroups, outGroups: p.outGroups,
                                      pwBlocks: p.blocksPerInGroup.reduce(0, +), ledger: l, usefulMACs: useful,
                                      issuedMACs: p.issuedMACs &* c.batch, peUtilisation: min(util, 1), ctc: ctc,
                                      roofGOPS: roof, attainableGOPS: attainable, achievedGOPS: achieved,
                                      memoryBound: ctc * bandwidth < roof))
        }
        self.layers = layers
        self.usefulMACsPerImage = macs
        let sum = ledgers.reduce(0) { $0 &+ $1.total }
        if tiled {
            totalCycles = sum
            latencyCycles = sum
        } else {
            totalCycles = ledgers.map(\.total).max() ?? 0
            if c.streaming != nil || c.layerPipeline?.dataReorderers == true {
                // Layers stream through line buffers (and, in Paper A's pipeline, data reorderers between
                // PW and DW): a layer starts once its producer has filled K rows, so the frame's latency
                // is the slowest layer's interval plus every layer's K-row fill.
                var fill = 0
                for (p, l) in zip(plans, ledgers) where p.outHeight > 0 {
                    fill &+= l.total / p.outHeight &* min(p.kernel, p.outHeight)
                }
                latencyCycles = totalCycles &+ fill
            } else {
                // Store-and-forward between layers.
                latencyCycles = sum
            }
        }
        let runSeconds = Double(totalCycles) / f
        fps = runSeconds > 0 ? Double(c.batch) / runSeconds : 0
        latencyMs = Double(latencyCycles) / f * 1000
        let b = Double(c.batch)
        let pre = b * c.host.preprocessMs / 1000, copy = b * c.hostCopySecondsPerImage, post = b * c.host.postprocessMs / 1000
        let batchSeconds: Double
        switch c.host.workflow {
        case .serial: batchSeconds = runSeconds + pre + copy + post
        case .parallel: batchSeconds = max(runSeconds + copy, pre + post)
        case .preload:
            // Paper B Fig. 4(c): the next batch is copied once the layers reading the input are done,
            // so the copy hides behind the rest of the run (a tiled engine runs its layers in order).
            var inputRelease = runSeconds
            if tiled, let last = plans.lastIndex(where: { $0.imageInput && !$0.absorbed }), last < ledgers.count {
                inputRelease = Double(ledgers[...last].reduce(0) { $0 &+ $1.total }) / f
            }
            batchSeconds = max(runSeconds, inputRelease + copy, pre + copy + post)
        }
        fpsWithWorkflow = batchSeconds > 0 ? b / batchSeconds : 0
        gops = Double(macs) * c.opsPerMAC * fps / 1e9
        powerWatts = c.power.watts + c.power.wattsPerDSP * Double(c.resources.used.dsp)
        energyPerImageJ = fpsWithWorkflow > 0 ? powerWatts / fpsWithWorkflow : 0
        gopsPerWatt = powerWatts > 0 ? gops / powerWatts : 0
    }

    /// The report as JSON: top level `batch`, `total_cycles`, `fps`, `latency_ms`, `gops`,
    /// `energy_per_image_j`, and `layers` (each with `name` and `cycles`), plus the details.
    public func json() -> JSONValue {
        func n(_ d: Double) -> JSONValue { .number(d.isFinite ? d : 0) }
        func i(_ v: Int) -> JSONValue { .number(Double(v)) }
        let ls: [JSONValue] = layers.map { l in
            .object([("name", .string(l.name)), ("role", .string(l.role.rawValue)), ("cycles", i(l.cycles)),
                     ("compute_cycles", i(l.ledger.compute)), ("memory_cycles", i(l.ledger.memory)),
                     ("stall_cycles", i(l.ledger.stall)), ("tiles", i(l.tiles)), ("in_groups", i(l.inGroups)),
                     ("out_groups", i(l.outGroups)), ("pw_blocks", i(l.pwBlocks)),
                     ("useful_macs", i(l.usefulMACs)), ("issued_macs", i(l.issuedMACs)),
                     ("pe_utilisation", n(l.peUtilisation)), ("off_chip_bytes", i(l.ledger.offChipBytes)),
                     ("on_chip_bytes", i(l.ledger.onChipBytes)), ("ctc", l.ctc.isFinite ? n(l.ctc) : .null),
                     ("roof_gops", n(l.roofGOPS)), ("attainable_gops", n(l.attainableGOPS)),
                     ("achieved_gops", n(l.achievedGOPS)), ("bound", .string(l.memoryBound ? "memory" : "compute"))])
        }
        return .object([
            ("model", .string(modelName)), ("accelerator", .string(config.name)),
            ("dataflow", .string(config.dataflow.kind.rawValue)), ("clock_mhz", n(config.clockMHz)),
            ("batch", i(batch)), ("total_cycles", i(totalCycles)), ("latency_cycles", i(latencyCycles)),
            ("fps", n(fps)), ("fps_with_workflow", n(fpsWithWorkflow)),
            ("frame_workflow", .string(config.host.workflow.rawValue)), ("latency_ms", n(latencyMs)),
            ("gops", n(gops)), ("power_w", n(powerWatts)), ("energy_per_image_j", n(energyPerImageJ)),
            ("gops_per_w", n(gopsPerWatt)), ("useful_macs_per_image", i(usefulMACsPerImage)),
            ("dw_roof_gops", n(config.dwRoofGOPS)), ("pw_roof_gops", n(config.pwRoofGOPS)),
            ("layers", .array(ls)),
        ])
    }

    /// A fixed-width text table: one row per layer, then the totals.
    public func text() -> String {
        func pad(_ s: String, _ w: Int, right: Bool = true) -> String {
            if s.count >= w { return s }
            let fill = String(repeating: " ", count: w - s.count)
            return right ? fill + s : s + fill
        }
        func fmt(_ d: Double, _ digits: Int) -> String {
            guard d.isFinite else { return "inf" }
            var scale = 1.0
            for _ in 0..<digits { scale *= 10 }
            let r = (d * scale).rounded() / scale
            var s = String(r)
            if let dot = s.firstIndex(of: ".") {
                let decimals = s.distance(from: dot, to: s.endIndex) - 1
                if decimals < digits { s += String(repeating: "0", count: digits - decimals) }
            } else if digits > 0 { s += "." + String(repeating: "0", count: digits) }
            return s
        }
        var out = "\(modelName) on \(config.name) (\(config.dataflow.kind.rawValue), \(fmt(config.clockMHz, 2)) MHz, batch \(batch))\n"
        out += pad("layer", 10, right: false) + pad("role", 12, right: false) + pad("tiles", 6) + pad("grp", 8)
            + pad("cycles", 11) + pad("compute", 11) + pad("memory", 10) + pad("stall", 9) + pad("util", 7)
            + pad("MACeff", 7) + pad("offKB", 9) + pad("CTC", 8) + pad("GOPS", 8) + pad("roof", 8) + "  bound\n"
        for l in layers where l.cycles > 0 {
            out += pad(l.name, 10, right: false) + pad(l.role.rawValue, 12, right: false) + pad(String(l.tiles), 6)
                + pad("\(l.inGroups)/\(l.outGroups)", 8) + pad(String(l.cycles), 11) + pad(String(l.ledger.compute), 11)
                + pad(String(l.ledger.memory), 10) + pad(String(l.ledger.stall), 9) + pad(fmt(l.peUtilisation, 2), 7)
                + pad(fmt(l.issuedMACs > 0 ? Double(l.usefulMACs) / Double(l.issuedMACs) : 0, 2), 7)
                + pad(String(l.ledger.offChipBytes / 1024), 9) + pad(fmt(l.ctc, 1), 8) + pad(fmt(l.achievedGOPS, 1), 8) + pad(fmt(l.roofGOPS, 1), 8)
                + "  " + (l.memoryBound ? "memory" : "compute") + "\n"
        }
        let label = config.tiledEngine != nil ? "cycles per run" : "cycles per frame (slowest layer)"
        out += "\(label): \(totalCycles)   latency: \(fmt(latencyMs, 3)) ms\n"
        out += "fps: \(fmt(fps, 2)) (accelerator), \(fmt(fpsWithWorkflow, 2)) (\(config.host.workflow.rawValue) workflow)\n"
        out += "GOPS: \(fmt(gops, 2))   power: \(fmt(powerWatts, 3)) W   energy/image: \(fmt(energyPerImageJ, 4)) J   GOPS/W: \(fmt(gopsPerWatt, 2))\n"
        if config.tiledEngine != nil {
            out += "roofs: DW \(fmt(config.dwRoofGOPS, 2)) GOPS, PW \(fmt(config.pwRoofGOPS, 2)) GOPS\n"
        }
        return out
    }
}
