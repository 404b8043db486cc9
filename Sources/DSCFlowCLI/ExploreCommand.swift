import ArgumentParser
import DSCFlow
import DSCFlowAccelerator
import DSCFlowVision

struct ExploreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explore",
        abstract: "Sweep PE unrolling, DW parallelism, tiles and optimisations under a resource budget; print the Pareto front.",
        discussion: """
            --budget takes dsp=N,bram=N,lut=N (any subset; a missing one is the base design's device budget). Designs start from --accel \
            (default skrskr). The front keeps designs that no other beats on FPS, DSPs, BRAM, LUTs and energy/image.
            """
    )

    @Argument(help: "Model file or built-in topology name.")
    var model: String

    @Option(name: .long, help: "Resource budget, e.g. dsp=360,bram=216,lut=70560.")
    var budget: String

    @Option(name: .long, help: "Accelerator clock in MHz.")
    var clock: Double

    @Option(name: .long, help: "Base accelerator preset or JSON file.")
    var accel: String = "skrskr"

    func run() throws {
        let base = try resolveAccelerator(accel)
        let device = base.resources.budget  // what --budget omits
        var dsp = device.dsp, bram = device.bram, lut = device.lut
        for part in budget.split(separator: ",") {
            let kv = part.split(separator: "=", maxSplits: 1)
            guard kv.count == 2, let v = Int(kv[1]), v >= 0 else {
                throw DSCError.invalidArgument("--budget: '\(part)' is not key=N")
            }
            switch kv[0] {
            case "dsp": dsp = v
            case "bram": bram = v
            case "lut": lut = v
            default: throw DSCError.invalidArgument("--budget: unknown resource '\(kv[0])' (dsp, bram, lut)")
            }
        }
        guard clock > 0 && clock < 1e5 else { throw DSCError.invalidArgument("--clock must be a positive MHz value") }
        let m = try resolveModel(model)
        let dse = try DesignSpaceExplorer(model: m, base: base, dsp: dsp, bram: bram, lut: lut, clockMHz: clock)
        print(dse.text(), terminator: "")
    }
}
