/// Checks everything the kernels rely on, once, at load time: indices in range, execution order,
/// sizes without overflow, constant data of the right length (sub-byte constants within their type's
/// range; no sub-byte model inputs, so 4-bit tensors only hold 4-bit values), and each operator's own checks
/// (`OperatorDefinition.validate`: shapes that agree with its parameters). After this passes, kernels
/// may loop with wrapping arithmetic without trapping.
enum ModelValidator {
    /// No single tensor may exceed this many bytes (2 GiB, or Int.max where Int has 32 bits): larger
    /// models are not edge models.
    static let maxTensorBytes = Int(clamping: Int64(1) << 31)
    static let maxRank = 6

    static func validate(tensors: [Tensor], operations: [Operator], inputs: [Int], outputs: [Int]) throws(DSCError) {
        for (i, t) in tensors.enumerated() {
            if t.shape.count > maxRank {
                throw DSCError.invalidTensor(op: -1, tensor: t.name, reason: "rank \(t.shape.count) exceeds \(maxRank)")
            }
            for d in t.shape where d < 1 {
                throw DSCError.invalidTensor(op: -1, tensor: t.name, reason: "dimension \(d) in shape \(t.shape) (every dimension must be ≥ 1)")
            }
            let count = try checkedElementCount(t.shape, "tensor \(i) '\(t.name)' size")
            let bytes = try checkedMul(count, t.type.byteSize, "tensor \(i) '\(t.name)' size")
            if bytes > maxTensorBytes {
                throw DSCError.invalidTensor(op: -1, tensor: t.name, reason: "\(bytes) bytes exceed the \(maxTensorBytes)-byte limit")
            }
            if let d = t.data, d.count != bytes {
                throw DSCError.invalidTensor(op: -1, tensor: t.name, reason: "constant data has \(d.count) bytes, shape \(t.signature) needs \(bytes)")
            }
            if let d = t.data, d.offset < 0 || d.offset > d.storage.count || d.count > d.storage.count - d.offset {
                throw DSCError.malformedModel("constant data of tensor '\(t.name)' lies outside its storage")
            }
            if let d = t.data, t.type.isSubByte, let bad = (0..<d.count).first(where: { !t.type.range.contains(d.element($0, as: t.type)) }) {
                throw DSCError.invalidTensor(op: -1, tensor: t.name, reason: "element \(bad) holds \(d.element(bad, as: t.type)), outside \(t.type.name) \(t.type.range)")
            }
        }
        func checkIndex(_ t: Int, op: Int) throws(DSCError) {
            guard t >= 0 && t < tensors.count else {
                throw DSCError.malformedModel(op >= 0 ? "operator \(op) refers to tensor \(t); the model has \(tensors.count)"
                                                      : "model input/output refers to tensor \(t); the model has \(tensors.count)")
            }
        }
        if inputs.isEmpty { throw DSCError.malformedModel("the model declares no input") }
        if outputs.isEmpty { throw DSCError.malformedModel("the model declares no output") }
        var available = [Bool](repeating: false, count: tensors.count)
        for t in inputs {
            try checkIndex(t, op: -1)
            if tensors[t].isConstant { throw DSCError.invalidTensor(op: -1, tensor: tensors[t].name, reason: "a model input cannot be constant") }
            // Sub-byte tensors hold only values of their type because only operators that keep them in
            // range write them; a caller's input bytes could hold anything.
            if tensors[t].type.isSubByte {
                throw DSCError.invalidTensor(op: -1, tensor: tensors[t].name, reason: "a model input cannot be \(tensors[t].type.name) (give it as a byte type)")
            }
            available[t] = true
        }
        for (i, op) in operations.enumerated() {
            for t in op.inputs { try checkIndex(t, op: i) }
            for t in op.outputs { try checkIndex(t, op: i) }
            if op.outputs.count != 1 {
                throw DSCError.unsupported(op: i, name: op.name, reason: "\(op.outputs.count) outputs; exactly 1 is supported")
            }
            for t in op.inputs where !tensors[t].isConstant && !available[t] {
                throw DSCError.malformedModel("operator \(i) (\(op.name)) reads tensor \(t) '\(tensors[t].name)' before any operator writes it")
            }
            for t in op.outputs {
                if tensors[t].isConstant { throw DSCError.invalidTensor(op: i, tensor: tensors[t].name, reason: "an operator output cannot be constant") }
                if available[t] { throw DSCError.malformedModel("tensor \(t) '\(tensors[t].name)' is written twice (operator \(i))") }
                available[t] = true
            }
            try validateOperation(i, op, tensors)
        }
        for t in outputs {
            try checkIndex(t, op: -1)
            if !available[t] { throw DSCError.malformedModel("model output tensor \(t) '\(tensors[t].name)' is never written") }
        }
    }

    static func validateOperation(_ i: Int, _ op: Operator, _ tensors: [Tensor]) throws(DSCError) {
        var v = OperatorValidation(context: OperatorContext(index: i, op: op, tensors: tensors))
        try op.kind.visit(&v)
    }
}
