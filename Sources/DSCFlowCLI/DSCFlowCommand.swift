import ArgumentParser
import DSCFlow
import DSCFlowAccelerator
import DSCFlowVision

@main
struct DSCFlowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dscflow",
        abstract: "Bit-exact int8 inference for depthwise-separable CNNs.",
        discussion: """
            Runs fully-int8 .tflite models with TFLite Micro's exact arithmetic, SkyNet with the SkrSkr/SEUer \
            accelerators' integer arithmetic (.dscm), and models FPGA accelerators' cycles, roofline and energy.

            Every command exits with status 0 on success and prints a one-line error otherwise.
            """,
        version: DSCFlowVersion.string,
        subcommands: [InfoCommand.self, RunCommand.self, ImportCommand.self, ConvertCommand.self, EvalDACSDCCommand.self,
                      ClassifyCommand.self, DetectCommand.self, PreprocessCommand.self,
                      ProfileCommand.self, AblateCommand.self, ExploreCommand.self, BenchCommand.self]
    )
}
