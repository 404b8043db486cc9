import DSCFlow

/// The iSmart3 program's cycles (events counted step by step, `ProgramCycles`) next to the tiled-engine
/// cost model's prediction for the same layers (`CostModel` on the builtin `skynet` topology) and the
/// published figure. docs/ISMART3.md explains the differences.
public enum ISmart3Cycles {
    /// Accelerator cycles per batch of 4 quoted for iSmart3 (SkrSkr's README).
    public static let published = 18_880_000

    /// One layer of the comparison.
    public struct Row: Sendable {
        /// The program's layer name (dw1 … pw7, box).
        public let layer: String
        /// The cost model's operator (conv1 … conv13), or "-".
        public let costModelName: String
        /// Cycles of the program's steps of this layer.
        public let program: CycleLedger
        /// The cost model's prediction for its operator (zero for "-").
        public let costModel: CycleLedger
    }

    /// The comparison on `config` (the `ismart3` preset by default). Cycles do not depend on the
    /// weights, so the program is built over zero parameters.
    public static func comparison(config: AcceleratorConfig = .ismart3) throws -> [Row] {
        let lanes = ISmart3Importer.lanes
        let zero = try ProgramParameters(lanes: lanes,
                                         pointwise: [Int16](repeating: 0, count: ISmart3Importer.pointwiseBlocks * lanes * lanes),
                                         depthwise: [Int16](repeating: 0, count: ISmart3Importer.depthwiseGroups * 9 * lanes),
                                         bias: [Int16](repeating: 0, count: ISmart3Importer.biasWords * lanes))
        let program = try ISmart3Schedule.program(parameters: zero, config: config).program
        let cycles = ProgramCycles(program: program)
        let skynet = try BuiltinTopology.skynet.build()
        let predicted = try CostModel.evaluate(skynet, config)
        return program.layers.indices.map { i in
            let name = ISmart3Schedule.costModelNames[i]
            let op = skynet.operations.firstIndex { $0.name == name }
            return Row(layer: program.layers[i], costModelName: name, program: cycles.ledgers[i],
                       costModel: op.map { predicted[$0] } ?? CycleLedger())
        }
    }
}
