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
    public static func resources(_ c: AcceleratorConfig) -> (dsp: Int, bram: Int, lut: Int) {
        switch c.dataflow {
        case .tiledEngine:
            let pw = c.pwInputs * c.pwOutputs
            let dw = c.dwChannels * c.dwTapsPerPass
            let multipliers = c.sharedEngine ? max(pw, dw) : pw + dw
            let dsp = (multipliers + c.multipliersPerDSP - 1) / c.multipliersPerDSP
            let bytes = c.bufferRows * c.bufferCols * ((c.activationBits + 7) / 8)
            let perLane = (bytes + 4607) / 4608
            let bram = (c.featureBuffers + 2) * c.lanes * perLane + 8
            return (dsp, bram, multipliers * 40 + 12_000)
        case .streaming, .layerPipeline:
            let m = c.dataflow == .streaming ? zip(c.streamSIMD, c.streamPE).reduce(0) { $0 + $1.0 * $1.1 } : c.pipelineMultipliers
            return ((m + c.multipliersPerDSP - 1) / c.multipliersPerDSP, 0, m * 40 + 4_000)
        }
    }

    /// Explores around `base` for `model` with at most `dsp`, `bram`, `lut` at `clockMHz`.
    public init(model: Model, base: AcceleratorConfig, dsp: Int, bram: Int, lut: Int, clockMHz: Double) throws {
        var points: [Point] = []
        var count = 0
        var candidates: [(AcceleratorConfig, String)] = []
        if base.dataflow == .tiledEngine {
            for pwIn in [8, 16, 32] {
                for pwOut in [16, 32] {
                    for dwCh in [16, 32] {
                        for shared in [false, true] {
                            for (tr, tc) in [(20, 40), (40, 80), (40, 160)] {
                                for opt in [false, true] {
                                    var c = base
                                    c.clockMHz = clockMHz
                                    c.pwInputs = pwIn; c.pwOutputs = pwOut; c.pwII = 1
                                    c.dwChannels = dwCh
                                    if shared { c.sharedEngine = true; c.dwTapsPerPass = 9; c.dwII = 1; c.lineBufferRows = 3 }
                                    c.tileRows = tr; c.tileCols = tc
                                    c.bufferRows = tr + 3; c.bufferCols = tc + 3
                                    c.dwLoopRows = tr + 3; c.dwLoopCols = tc + 3
                                    c.pwLoopRows = tr + 1; c.pwLoopCols = tc + 1
                                    c.imageLoadRows = tr + 2; c.imageLoadCols = tc + 2
                                    c.adjustableLoopCount = opt; c.channelEnhancement = opt
                                    c.name = "\(base.name)-pw\(pwIn)x\(pwOut)-dw\(dwCh)\(shared ? "s" : "")-t\(tr)x\(tc)\(opt ? "-opt" : "")"
                                    candidates.append((c, "PW \(pwIn)×\(pwOut), DW \(dwCh) ch\(shared ? " shared" : ""), tile \(tr)×\(tc)\(opt ? ", adj+enh" : "")"))
                                }
                            }
                        }
                    }
                }
            }
        } else {
            // Multiplier budgets growing by half up to what the DSP budget allows.
            let most = min(max(16, dsp), 4096) * base.multipliersPerDSP
            var budgets: [Int] = []
            var m = 16
            while m < most { budgets.append(m); m = m * 3 / 2 }
            budgets.append(most)
            for m in budgets {
                var c = base
                c.clockMHz = clockMHz
                c.dataflow = .layerPipeline
                c.pipelineMultipliers = m
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
            c2.dsp = res.dsp; c2.bram = res.bram; c2.lut = res.lut
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
