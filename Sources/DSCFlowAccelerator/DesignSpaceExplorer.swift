import DSCFlow
/// Sweeps accelerator parameters under a resource budget and a clock, evaluates each design with
/// the cost model, and keeps the Pareto front: no other design has at least the FPS with no more
/// DSPs, BRAM, LUTs and energy per image (and is strictly better in one).
public struct DesignSpaceExplorer: Sendable {
    /// One evaluated design.
    public struct Point: Sendable {
        /// The design (resources filled in).
        public var config: AcceleratorConfig
        /// Images per second with the frame workflow.
        public var fps: Double
        /// Joules per image.
        public var energyPerImageJ: Double
        /// Estimated DSPs.
        public var dsp: Int
        /// Estimated BRAM36 blocks.
        public var bram: Int
        /// Estimated LUTs.
        public var lut: Int
        /// What was swept, in words.
        public var description: String
    }

    /// Designs generated.
    public var evaluated: Int
    /// Designs within the budget.
    public var feasible: [Point]
    /// The non-dominated designs, fastest first.
    public var pareto: [Point]

    /// DSPs, BRAM36 blocks and LUTs a design needs (first-order estimate: `multipliersPerDSP`
    /// multipliers per DSP; one BRAM36 per channel lane and buffer; ~40 LUTs per multiplier plus control).
    public static func resources(_ c: AcceleratorConfig) -> AcceleratorConfig.ResourceCount {
        let perDSP = c.resources.multipliersPerDSP
        let m: Int
        switch c.dataflow {
        case .tiledEngine(let t):
            let pw = t.pointwise.inputs * t.pointwise.outputs
            let dw = t.depthwise.channels * t.depthwise.tapsPerPass
            let multipliers = t.optimisations.sharedPE ? max(pw, dw) : pw + dw
            let bytes = t.tiles.bufferRows * t.tiles.bufferCols * c.activationBytes
            let perLane = (bytes + 4607) / 4608
            let bram = (t.tiles.featureBuffers + 2) * c.lanes * perLane + 8
            return .init(dsp: (multipliers + perDSP - 1) / perDSP, bram: bram, lut: multipliers * 40 + 12_000)
        case .streaming(let s): m = zip(s.simd, s.pe).reduce(0) { $0 + $1.0 * $1.1 }
        case .layerPipeline(let p): m = p.multipliers
        }
        return .init(dsp: (m + perDSP - 1) / perDSP, bram: 0, lut: m * 40 + 4_000)
    }

    /// Explores around `base` for `model` with at most `dsp`, `bram`, `lut` at `clockMHz`: a tiled
    /// engine sweeps PE unrolling, DW parallelism, the shared PE, tiles and Paper B's loop
    /// optimisations; the other dataflows become a layer pipeline with growing multiplier budgets.
    public init(model: Model, base: AcceleratorConfig, dsp: Int, bram: Int, lut: Int, clockMHz: Double) throws {
        var points: [Point] = []
        var count = 0
        var candidates: [(AcceleratorConfig, String)] = []
        if let engine = base.tiledEngine {
            for pwIn in [8, 16, 32] {
                for pwOut in [16, 32] {
                    for dwCh in [16, 32] {
                        for shared in [false, true] {
                            for (tr, tc) in [(20, 40), (40, 80), (40, 160)] {
                                for opt in [false, true] {
                                    var t = engine
                                    t.pointwise.inputs = pwIn; t.pointwise.outputs = pwOut; t.pointwise.initiationInterval = 1
                                    t.depthwise.channels = dwCh
                                    if shared {
                                        t.optimisations.sharedPE = true
                                        t.depthwise.tapsPerPass = 9; t.depthwise.initiationInterval = 1; t.depthwise.lineBufferRows = 3
                                    }
                                    t.tiles.rows = tr; t.tiles.cols = tc
                                    t.tiles.bufferRows = tr + 3; t.tiles.bufferCols = tc + 3
                                    t.tiles.dwLoopRows = tr + 3; t.tiles.dwLoopCols = tc + 3
                                    t.tiles.pwLoopRows = tr + 1; t.tiles.pwLoopCols = tc + 1
                                    t.imageLoader.rows = tr + 2; t.imageLoader.cols = tc + 2
                                    t.optimisations.adjustableLoopCount = opt; t.optimisations.channelEnhancement = opt
                                    var c = base
                                    c.clockMHz = clockMHz
                                    c.dataflow = .tiledEngine(t)
                                    c.name = "\(base.name)-pw\(pwIn)x\(pwOut)-dw\(dwCh)\(shared ? "s" : "")-t\(tr)x\(tc)\(opt ? "-opt" : "")"
                                    candidates.append((c, "PW \(pwIn)×\(pwOut), DW \(dwCh) ch\(shared ? " shared" : ""), tile \(tr)×\(tc)\(opt ? ", adj+enh" : "")"))
                                }
                            }
                        }
                    }
                }
            }
        } else {
            // Multiplier budgets growing by half up to what the DSP budget allows (at most 4096, the
            // largest budget a configuration may have).
            let most = min(max(16, dsp) &* base.resources.multipliersPerDSP, 4096)
            var budgets: [Int] = []
            var m = 16
            while m < most { budgets.append(m); m = m * 3 / 2 }
            budgets.append(most)
            for m in budgets {
                var c = base
                c.clockMHz = clockMHz
                var pipeline = base.layerPipeline ?? AcceleratorConfig.LayerPipeline()
                pipeline.multipliers = m
                c.dataflow = .layerPipeline(pipeline)
                c.name = "\(base.name)-m\(m)"
                candidates.append((c, "\(m) multipliers, greedy folding"))
            }
        }
        let usage = ChannelUsage(model)
        for (c, d) in candidates {
            count += 1
            let res = Self.resources(c)
            guard res.dsp <= dsp, res.bram <= bram, res.lut <= lut else { continue }
            var c2 = c
            c2.resources.used = res
            let r = try AcceleratorReport.make(model: model, config: c2, usage: usage)
            points.append(Point(config: c2, fps: r.fpsWithWorkflow, energyPerImageJ: r.energyPerImageJ,
                                dsp: res.dsp, bram: res.bram, lut: res.lut, description: d))
        }
        evaluated = count
        feasible = points
        pareto = points.filter { p in
            !points.contains { q in
                q.fps >= p.fps && q.dsp <= p.dsp && q.bram <= p.bram && q.lut <= p.lut && q.energyPerImageJ <= p.energyPerImageJ
                    && (q.fps > p.fps || q.dsp < p.dsp || q.bram < p.bram || q.lut < p.lut || q.energyPerImageJ < p.energyPerImageJ)
            }
        }.sorted { $0.fps > $1.fps }
    }

    /// The Pareto front as a text table.
    public func text() -> String {
        var s = "evaluated \(evaluated) designs, \(feasible.count) within budget, \(pareto.count) on the Pareto front\n"
        s += "     fps   DSP  BRAM     LUT   J/image  design\n"
        for p in pareto {
            func r(_ v: String, _ w: Int) -> String { String(repeating: " ", count: max(0, w - v.count)) + v }
            s += r(String((p.fps * 100).rounded() / 100), 8) + r(String(p.dsp), 6) + r(String(p.bram), 6) + r(String(p.lut), 8)
                + r(String((p.energyPerImageJ * 1e4).rounded() / 1e4), 10) + "  " + p.description + "\n"
        }
        return s
    }
}
