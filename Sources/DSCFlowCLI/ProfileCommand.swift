import ArgumentParser
import DSCFlow
import DSCFlowAccelerator
import DSCFlowVision
import Foundation

struct ProfileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Predict a model's cycles, roofline, throughput and energy on an FPGA accelerator.",
        discussion: """
            MODEL is a model file or a built-in topology (skynet, ultranet, paper-a, mobilenet-v1-0.25-96; random weights — cycles depend only on the topology). --accel is a preset (ismart3, skrskr, seuer-a, seuer-b, ultranet, gowin-pipeline) or a JSON configuration file (members as in `--dump-config`, grouped into dataflow, memory, host, power and resources; "base": PRESET starts from a preset and the file overrides only the members it gives, at any depth; the flat keys of earlier versions still load; schema in docs/ACCELERATORS.md). --emulate runs the model through the emulator (bit-exact execution in the accelerator's loop order, random input) and reports the cycles it counted instead of the prediction. --board-bandwidth prices loads and exports at the board's memory bandwidth (the slave port's width × the clock, bounded by the DRAM's peak) instead of the HLS schedule's one bus word per cycle. An accelerator program (dscflow import ismart3) prints the cycles of its schedule, event by event, next to the cost model's prediction for the same layers and the published figure.
            """
    )

    @Argument(help: "Model file or built-in topology name.")
    var model: String

    @Option(name: .long, help: "Accelerator preset or JSON configuration file.")
    var accel: String

    @Flag(name: .long, help: "Print the report as JSON.")
    var json = false

    @Option(name: .long, help: "Write a roofline plot (SVG) to this file.")
    var plot: String?

    @Flag(name: .long, help: "Execute the model in the emulator and report the cycles it counted.")
    var emulate = false

    @Flag(name: .long, help: "Price transfers at the board's memory bandwidth (system level) instead of one bus word per cycle.")
    var boardBandwidth = false

    @Flag(name: .long, help: "Print the accelerator configuration as JSON and exit.")
    var dumpConfig = false

    func run() throws {
        var config = try resolveAccelerator(accel)
        if boardBandwidth { config = config.withBoardBandwidth() }
        if dumpConfig { print(config.json().serialized()); return }
        let m = try resolveModel(model)
        if m.acceleratorProgramDesign != nil {
            print(try ISmart3CycleTable.text(config: config))
            return
        }
        let name = BuiltinTopology(rawValue: model) != nil ? model : URL(fileURLWithPath: model).lastPathComponent
        let report: AcceleratorReport
        if emulate {
            let e = try AcceleratorEmulator(model: m, config: config)
            for i in m.inputs.indices {
                let buf = e.inputBytes(i)
                var s: UInt64 = 0x9E37_79B9
                for k in 0..<buf.count { s = s &* 6364136223846793005 &+ 1; buf[k] = UInt8(truncatingIfNeeded: s >> 56) }
            }
            report = e.runReport(name: name)
        } else {
            report = try AcceleratorReport.make(model: m, config: config, name: name)
        }
        if let plot {
            let svg = RooflinePlot.svg(report)
            try Array(svg.utf8).withUnsafeBytes { try writeFile(plot, $0) }
        }
        print(json ? report.json().serialized() : report.text(), terminator: json ? "\n" : "")
    }
}
