/// A loaded, validated model: tensors, operators in execution order, inputs, outputs, metadata, and
/// its memory plan. Immutable after load and safe to share across threads; sessions run it.
public final class Model: @unchecked Sendable {
    public let tensors: [Tensor]
    public let operations: [Operator]
    public let inputs: [Int]
    public let outputs: [Int]
    /// Free-form key/value pairs kept with the model (preprocessing, detection head, provenance...).
    public let metadata: [String: String]
    /// Where the model came from ("tflite", "dscm", "skrskr", "builtin").
    public let format: String
    /// Arena layout with buffer reuse (what `Session` uses by default).
    public let plan: ArenaPlan
    /// Arena layout where every activation keeps its own bytes (for reading any op's output after a run).
    public let preservingPlan: ArenaPlan
    /// Weights packed once for the fast kernels (shared by every session).
    let fastWeights: FastWeights

    public init(tensors: [Tensor], operations: [Operator], inputs: [Int], outputs: [Int],
                metadata: [String: String] = [:], format: String) throws {
        self.tensors = tensors
        self.operations = operations
        self.inputs = inputs
        self.outputs = outputs
        self.metadata = metadata
        self.format = format
        try ModelValidator.validate(tensors: tensors, operations: operations, inputs: inputs, outputs: outputs)
        self.plan = try ArenaPlanner.plan(tensors: tensors, operations: operations, inputs: inputs,
                                          outputs: outputs, preserveAll: false)
        self.preservingPlan = try ArenaPlanner.plan(tensors: tensors, operations: operations, inputs: inputs,
                                                    outputs: outputs, preserveAll: true)
        self.fastWeights = FastWeights(tensors: tensors, operations: operations)
    }

    /// Multiply-accumulates of one inference of operator `index` (0 for ops without MACs).
    public func macs(ofOperation index: Int) -> Int {
        let op = operations[index]
        switch op.kind {
        case .conv2D:
            let f = tensors[op.inputs[1]].shape
            return tensors[op.outputs[0]].elementCount &* f[1] &* f[2] &* f[3]
        case .depthwiseConv2D:
            let f = tensors[op.inputs[1]].shape
            return tensors[op.outputs[0]].elementCount &* f[1] &* f[2]
        case .fullyConnected:
            let w = tensors[op.inputs[1]].shape
            return tensors[op.outputs[0]].elementCount &* w[w.count - 1]
        default:
            return 0
        }
    }

    /// Multiply-accumulates of one inference.
    public var totalMACs: Int { operations.indices.reduce(0) { $0 &+ macs(ofOperation: $1) } }

    /// Number of constant elements (weights and biases, plus any bias folded into parameters).
    public var parameterCount: Int {
        var n = 0
        var seen = Set<Int>()
        for op in operations {
            for t in op.inputs where t >= 0 && tensors[t].isConstant && !seen.contains(t) {
                seen.insert(t)
                n &+= tensors[t].elementCount
            }
            switch op.kind {
            case .conv2D(let p), .depthwiseConv2D(let p):
                if op.inputs.count < 3 { n &+= p.bias.count }
            case .fullyConnected(let p):
                if op.inputs.count < 3 { n &+= p.bias.count }
            default: break
            }
        }
        return n
    }

    /// Bytes of weights and biases held by constant tensors.
    public var constantBytes: Int {
        tensors.reduce(0) { $0 &+ ($1.data?.count ?? 0) }
    }
}
