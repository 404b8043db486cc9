/// A loaded, validated model: tensors, operators in execution order, inputs, outputs and metadata —
/// the IR, nothing else (a `PreparedModel` adds the arena plan and the kernels of one path).
/// Immutable after load and safe to share across threads; sessions run it.
public final class Model: @unchecked Sendable {
    /// Every tensor: activations, constants (weights, biases), inputs and outputs.
    public let tensors: [Tensor]
    /// The operators in execution order.
    public let operations: [Operator]
    /// The model's input tensors (indices into `tensors`).
    public let inputs: [Int]
    /// The model's output tensors (indices into `tensors`).
    public let outputs: [Int]
    /// Free-form key/value pairs kept with the model (preprocessing, detection head, provenance...).
    public let metadata: [String: String]
    /// Where the model came from ("tflite", "dscm", "skrskr", "builtin").
    public let format: String

    /// A model of these parts, validated (`ModelValidator`: indices, execution order, sizes, and every
    /// operator's own checks); throws a `DSCError` naming what is wrong.
    public init(tensors: [Tensor], operations: [Operator], inputs: [Int], outputs: [Int],
                metadata: [String: String] = [:], format: String) throws(DSCError) {
        self.tensors = tensors
        self.operations = operations
        self.inputs = inputs
        self.outputs = outputs
        self.metadata = metadata
        self.format = format
        try ModelValidator.validate(tensors: tensors, operations: operations, inputs: inputs, outputs: outputs)
    }

    /// Multiply-accumulates of one inference of operator `index` (0 for ops without MACs).
    public func macs(ofOperation index: Int) -> Int {
        var v = OperatorMACs(context: OperatorContext(index: index, op: operations[index], tensors: tensors))
        return operations[index].kind.visit(&v)
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
