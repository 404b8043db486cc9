import ArgumentParser
import DSCFlow
import DSCFlowAccelerator
import DSCFlowVision

struct AblateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ablate",
        abstract: "Switch each of Paper B's optimisations on alone, then all together (its Fig. 6).",
        discussion: """
            The baseline is --accel with the optimisations off; each row switches one on (channel enhancement, shared PE, adjustable loop count, preload workflow) and reports the runtime per image (with the host workflow) and energy per image, and their reduction against the baseline. --board-bandwidth prices loads and exports at the board's memory bandwidth instead of one bus word per cycle (system level).
            """
    )

    @Argument(help: "Model file or built-in topology name.")
    var model: String

    @Option(name: .long, help: "Accelerator preset or JSON configuration file (the baseline).")
    var accel: String

    @Flag(name: .long, help: "Price transfers at the board's memory bandwidth (system level) instead of one bus word per cycle.")
    var boardBandwidth = false

    func run() throws {
        let m = try resolveModel(model)
        var c = try resolveAccelerator(accel)
        if boardBandwidth { c = c.withBoardBandwidth() }
        let study = try AblationStudy(model: m, base: c)
        print(study.text(title: "\(model) on \(c.name): Paper B optimisations"), terminator: "")
    }
}
