import DSCFlow
/// Paper B's ablation (its Fig. 6): each optimisation — shared PE, adjustable loop count, channel
/// enhancement, preload workflow — switched on alone over a baseline design, then all together,
/// with the change in runtime (per image, including the host workflow) and energy per image.
public struct AblationStudy: Sendable {
    /// One row: the optimisation, its runtime and energy, and the change against the baseline.
    public struct Row: Sendable {
        /// The optimisation switched on ("baseline", "all" or one of the four).
        public var name: String
        /// Seconds per image with the host frame workflow.
        public var secondsPerImage: Double
        /// Joules per image.
        public var energyPerImageJ: Double
        /// Accelerator cycles of one run.
        public var cycles: Int
        /// Relative reduction against the baseline (0.18 = 18 % less).
        public var runtimeReduction: Double
        /// Relative energy reduction against the baseline (0.18 = 18 % less).
        public var energyReduction: Double
    }

    /// The design with the optimisations as given (normally all off).
    public var baseline: Row
    /// One row per optimisation switched on alone, then "all".
    public var rows: [Row]

    /// Runs the study for `model` over `base` (which should have the optimisations off).
    public init(model: Model, base: AcceleratorConfig) throws {
        let usage = ChannelUsage(model)
        func row(_ name: String, _ c: AcceleratorConfig) throws -> Row {
            let r = try AcceleratorReport.make(model: model, config: c, usage: usage)
            return Row(name: name, secondsPerImage: r.fpsWithWorkflow > 0 ? 1 / r.fpsWithWorkflow : 0,
                       energyPerImageJ: r.energyPerImageJ, cycles: r.totalCycles, runtimeReduction: 0, energyReduction: 0)
        }
        let b = try row("baseline", base)
        let variants: [(String, AcceleratorConfig)] = [
            ("channel enhancement", base.withPaperBOptimisations(sharedPE: false, adjustableLoopCount: false, channelEnhancement: true, preload: false)),
            ("shared PE", base.withPaperBOptimisations(sharedPE: true, adjustableLoopCount: false, channelEnhancement: false, preload: false)),
            ("adjustable loop count", base.withPaperBOptimisations(sharedPE: false, adjustableLoopCount: true, channelEnhancement: false, preload: false)),
            ("preload", base.withPaperBOptimisations(sharedPE: false, adjustableLoopCount: false, channelEnhancement: false, preload: true)),
            ("all", base.withPaperBOptimisations()),
        ]
        baseline = b
        rows = try variants.map { name, c in
            var r = try row(name, c)
            r.runtimeReduction = b.secondsPerImage > 0 ? 1 - r.secondsPerImage / b.secondsPerImage : 0
            r.energyReduction = b.energyPerImageJ > 0 ? 1 - r.energyPerImageJ / b.energyPerImageJ : 0
            return r
        }
    }

    /// A text table of the study.
    public func text(title: String) -> String {
        func pct(_ d: Double) -> String {
            let v = (d * 10000).rounded() / 100
            return (v >= 0 ? " " : "") + String(v) + " %"
        }
        var s = "\(title)\n"
        s += "optimisation              cycles/run   ms/image   J/image   runtime cut   energy cut\n"
        func line(_ r: Row, _ base: Bool) -> String {
            var name = r.name
            while name.count < 24 { name += " " }
            var cyc = String(r.cycles)
            while cyc.count < 12 { cyc = " " + cyc }
            let ms = String((r.secondsPerImage * 1e5).rounded() / 100)
            let j = String((r.energyPerImageJ * 1e4).rounded() / 1e4)
            return "\(name)  \(cyc)   \(ms)   \(j)   " + (base ? "-" : "\(pct(r.runtimeReduction))   \(pct(r.energyReduction))") + "\n"
        }
        s += line(baseline, true)
        for r in rows { s += line(r, false) }
        return s
    }
}
