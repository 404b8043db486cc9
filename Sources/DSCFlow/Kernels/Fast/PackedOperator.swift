import CDSCFlowSIMD

/// One operator prepared for a fast kernel path: its microkernel chosen, its weights rearranged for
/// it, zero-point corrections folded into the bias, requantization tables expanded per channel.
/// Immutable after creation and shared by every session of a `PreparedModel`.
final class PackedOperator: @unchecked Sendable {
    /// The kernel arguments with every model constant filled in, `run` set to the microkernel and the
    /// rounding chosen; a session adds its arena addresses and scratch.
    let template: dscsimd_op
    /// The microkernel's name (`dwconv-phase-avx512vnni`).
    let kernelName: String
    /// Bytes of session scratch this operator needs.
    let scratchBytes: Int
    private let memory: UnsafeMutableRawPointer?

    /// `template.run` must be `kernel`'s entry point; `memory` (freed with the operator) holds the
    /// tables the template points into.
    init(template: dscsimd_op, kernel: UnsafePointer<dscsimd_kernel>, scratchBytes: Int,
         memory: UnsafeMutableRawPointer?) {
        var t = template
        t.run = kernel.pointee.run
        self.template = t
        self.kernelName = String(cString: kernel.pointee.name)
        self.scratchBytes = scratchBytes
        self.memory = memory
    }

    deinit { memory?.deallocate() }
}
