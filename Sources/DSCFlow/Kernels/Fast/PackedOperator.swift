import CDSCFlowSIMD

/// One operator prepared for the fast kernels at model load: weights rearranged for the SIMD
/// microkernels, zero-point corrections folded into the bias, requantization tables expanded per
/// channel. Immutable after creation and shared by every session of the model.
final class PackedOperator: @unchecked Sendable {
    /// The kernel arguments with every model constant filled in; a session adds its arena
    /// addresses, its scratch, its rounding and its ISA.
    let template: dscsimd_op
    /// Bytes of session scratch this operator needs.
    let scratchBytes: Int
    private let memory: UnsafeMutableRawPointer?

    init(template: dscsimd_op, scratchBytes: Int, memory: UnsafeMutableRawPointer?) {
        self.template = template
        self.scratchBytes = scratchBytes
        self.memory = memory
    }

    deinit { memory?.deallocate() }
}

/// Every operator of a model that a fast kernel covers, prepared once at load (nil: the reference
/// kernel runs it). Shared by all sessions of the model.
struct FastWeights: @unchecked Sendable {
    let operators: [PackedOperator?]
    /// The largest scratch any prepared operator needs, plus slack for the kernels' 16-byte
    /// over-reads past the end of an activation (they land inside the arena).
    let scratchBytes: Int

    init(tensors: [Tensor], operations: [Operator]) {
        var ops: [PackedOperator?] = []
        var scratch = 0
        for (i, op) in operations.enumerated() {
            let p = FastOperatorPacker.pack(op, index: i, tensors: tensors)
            scratch = max(scratch, p?.scratchBytes ?? 0)
            ops.append(p)
        }
        operators = ops
        scratchBytes = ops.contains { $0 != nil } ? (scratch + 127) / 64 * 64 : 0
    }
}
