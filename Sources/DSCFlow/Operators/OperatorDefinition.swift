import CDSCFlowSIMD
import CDSCFlowSupport

/// Everything about one operator that is not its case of `OperatorKind`: how the model is checked
/// for it, how a fast kernel path prepares it, how its reference kernel runs, how `.dscm` stores its
/// parameters and how many MACs it does. Each operator has one file under `Operators/` with its
/// definition (and its TFLite import); the validator, the preparation, the reference executor and
/// the `.dscm` codec are loops over `OperatorKind.visit` (see `OperatorRegistry`).
protocol OperatorDefinition {
    /// The parameters its `OperatorKind` case carries.
    associatedtype Parameters

    /// The operator's kind code in `.dscm` files (docs/FORMAT.md; never renumbered).
    static var dscmKind: UInt32 { get }

    /// Checks what the kernels rely on beyond the model-wide checks of `ModelValidator` (types, shapes,
    /// parameter ranges), so that kernels can loop with wrapping arithmetic.
    static func validate(_ p: Parameters, _ c: OperatorContext) throws(DSCError)

    /// Prepares the operator for a fast kernel path: packs constants into the chosen microkernel's
    /// layout, or says why the reference kernel runs it.
    static func prepareFast(_ p: Parameters, _ c: OperatorContext, _ target: FastTarget) -> FastPreparation

    /// Runs the reference kernel (the executable specification) on a session's addresses.
    static func runReference(_ p: Parameters, _ b: OperatorBinding, rounding: RoundingMode)

    /// Writes the parameters in the `.dscm` encoding.
    static func encode(_ p: Parameters, into s: inout DSCMSink)

    /// Reads parameters written by `encode` (operator `index`, for messages).
    static func decode(_ c: inout DSCMCursor, index: Int) throws(DSCError) -> Parameters

    /// Multiply-accumulates of one inference (0 for operators without MACs).
    static func macs(_ p: Parameters, _ c: OperatorContext) -> Int
}

extension OperatorDefinition {
    static func macs(_ p: Parameters, _ c: OperatorContext) -> Int { 0 }
}

/// One operator of a model, with the model's tensors: what validation, preparation and MAC counting
/// look at.
struct OperatorContext {
    /// The operator's position in execution order (for messages).
    let index: Int
    let op: Operator
    let tensors: [Tensor]

    /// Tensor `k` of the operator's inputs.
    func input(_ k: Int = 0) -> Tensor { tensors[op.inputs[k]] }
    /// The operator's (only) output.
    var output: Tensor { tensors[op.outputs[0]] }

    /// An `invalidTensor` error about tensor `t` of this operator.
    func fail(_ t: Tensor, _ why: String) -> DSCError { .invalidTensor(op: index, tensor: t.name, reason: why) }

    /// An `unsupported` error about this operator.
    func unsupported(_ why: String) -> DSCError { .unsupported(op: index, name: op.name, reason: why) }

    /// A `malformedModel` error about this operator: its parameters contradict its tensors (impossible
    /// shapes, axes out of range), as opposed to a feature DSCFlow lacks.
    func malformed(_ why: String) -> DSCError { .malformedModel("operator \(index) (\(op.name)): \(why)") }

    func requireInputs(_ range: ClosedRange<Int>) throws(DSCError) {
        if !range.contains(op.inputs.count) {
            throw unsupported("\(op.inputs.count) inputs; expected \(range.lowerBound)…\(range.upperBound)")
        }
    }

    func requireType(_ t: Tensor, _ allowed: [ElementType]) throws(DSCError) {
        if !allowed.contains(t.type) {
            throw fail(t, "type \(t.type.name); expected \(allowed.map { $0.name }.joined(separator: " or "))")
        }
    }

    func requireShape(_ t: Tensor, _ expected: [Int]) throws(DSCError) {
        if t.shape != expected { throw fail(t, "shape \(t.shape); expected \(expected)") }
    }

    /// The window's parameters are in the range the kernels' 32-bit coordinates allow, and the window
    /// fits the padded input (a rank-4 NHWC tensor).
    func validateWindow(_ w: Window2D, input: Tensor) throws(DSCError) {
        guard w.kernelHeight >= 1, w.kernelWidth >= 1, w.strideHeight >= 1, w.strideWidth >= 1,
              w.dilationHeight >= 1, w.dilationWidth >= 1, w.padTop >= 0, w.padLeft >= 0,
              w.padBottom >= 0, w.padRight >= 0 else {
            throw malformed("window parameters below their minimum: \(w)")
        }
        guard w.kernelHeight <= 1 << 16, w.kernelWidth <= 1 << 16, w.dilationHeight <= 1 << 16,
              w.dilationWidth <= 1 << 16, w.strideHeight <= 1 << 20, w.strideWidth <= 1 << 20,
              w.padTop <= 1 << 20, w.padLeft <= 1 << 20, w.padBottom <= 1 << 20, w.padRight <= 1 << 20 else {
            throw unsupported("window parameters out of range: \(w)")
        }
        let eh = (w.kernelHeight - 1) * w.dilationHeight + 1
        let ew = (w.kernelWidth - 1) * w.dilationWidth + 1
        if input.shape[1] + w.padTop + w.padBottom < eh || input.shape[2] + w.padLeft + w.padRight < ew {
            throw malformed("window \(eh)×\(ew) larger than the padded input \(input.shape)")
        }
    }

    /// A conv-like operator's bias, accumulator and requantizer against its `channels` outputs.
    func validateArithmetic(_ r: Requantizer, bias: [Int32], accumulator: Accumulator, channels: Int) throws(DSCError) {
        let output = self.output
        func perChannel(_ n: Int, _ what: String) throws(DSCError) {
            if n != 1 && n != channels { throw unsupported("\(n) \(what); expected 1 or \(channels)") }
        }
        if !bias.isEmpty && bias.count != channels {
            throw fail(output, "\(bias.count) bias values for \(channels) channels")
        }
        if case .saturating(let bits, let block) = accumulator, !(2...32).contains(bits) || block < 1 {
            throw unsupported("accumulator \(bits) bits / \(block) channels")
        }
        switch r {
        case .fixedPoint(let q):
            try requireType(output, [.int8, .uint8, .int16, .int4, .uint4])
            try requireClampInside(output, q.activationMin, q.activationMax)
            try perChannel(q.multipliers.count, "multipliers")
            try perChannel(q.shifts.count, "shifts")
            if q.multipliers.count != q.shifts.count { throw unsupported("multiplier and shift counts differ") }
            for s in q.shifts where s < -31 || s > 31 {
                throw unsupported("requantization shift \(s) outside −31…31")
            }
            if q.activationMin > q.activationMax {
                throw unsupported("activation range [\(q.activationMin), \(q.activationMax)] is empty")
            }
        case .mulShift(let q):
            try requireType(output, [.int8, .uint8, .int16, .int4, .uint4])
            try requireClampInside(output, q.outputMin, q.outputMax)
            try perChannel(q.multipliers.count, "multipliers")
            if q.shift < 0 || q.shift > 62 { throw unsupported("mul-shift shift \(q.shift) outside 0…62") }
            if q.outputMin > q.outputMax { throw unsupported("output range is empty") }
        case .none:
            try requireType(output, [.int32])
        case .ortFloat(let q):
            try requireType(output, [.int8, .uint8])
            try perChannel(q.scales.count, "scales")
            for s in q.scales where !(s.isFinite && s > 0) {
                throw unsupported("requantization scale \(s) is not a positive finite float")
            }
            if q.outputMin > q.outputMax || !output.type.range.contains(q.outputMin) || !output.type.range.contains(q.outputMax) {
                throw unsupported("output range [\(q.outputMin), \(q.outputMax)] does not fit \(output.type.name)")
            }
            if !(Int32(-255)...255).contains(q.outputZeroPoint) {
                throw unsupported("output zero point \(q.outputZeroPoint) out of range")
            }
        case .multiplyAddShift(let q):
            try requireType(output, [.int8, .uint8, .int16, .uint4])
            try perChannel(q.multipliers.count, "multipliers")
            if q.addends.count != q.multipliers.count { throw unsupported("multiplier and addend counts differ") }
            if q.shift < 0 || q.shift > 31 { throw unsupported("multiply-add-shift shift \(q.shift) outside 0…31") }
            if q.outputMax < 0 { throw unsupported("multiply-add-shift clip \(q.outputMax) is negative") }
            try requireClampInside(output, 0, q.outputMax)
        }
    }

    /// A sub-byte output only ever holds values of its type: the clamp [lo, hi] must lie inside the
    /// type's range (for wider types the kernels truncate as TFLite does, so any clamp is allowed).
    func requireClampInside(_ t: Tensor, _ lo: Int32, _ hi: Int32) throws(DSCError) {
        if t.type.isSubByte && !(t.type.range.contains(lo) && t.type.range.contains(hi)) {
            throw fail(t, "output range [\(lo), \(hi)] exceeds \(t.type.name) \(t.type.range)")
        }
    }
}

/// What a fast kernel path does with one operator.
enum FastPreparation {
    /// A microkernel runs it, with its constants packed.
    case kernel(PackedOperator)
    /// The reference kernel runs it, for this reason (shown by `dscflow info` and `bench`).
    case reference(String)
}

/// The fast kernel path being prepared: its ISA and the kernels that ISA's build has.
struct FastTarget {
    /// The concrete path (never `.reference` or `.auto`).
    let path: KernelPath
    /// `DSCSIMD_ISA_*` of the path.
    let isa: Int32
    /// Rounding of `MultiplyByQuantizedMultiplier` for the session (decides tables and float forms).
    let rounding: RoundingMode
    /// Switches the tests turn to reach kernels this CPU would not otherwise choose.
    let tuning: KernelTuning
    /// What the packings may still allocate (the session's memory limit less its tensors).
    let budget: PackingBudget

    /// The microkernel `id` (DSCSIMD_KERNEL_*) of this path's build, or nil when it has none.
    func kernel(_ id: Int) -> UnsafePointer<dscsimd_kernel>? {
        dscsimd_kernel_find(isa, Int32(id))
    }

    /// 64-byte aligned memory (at least 64 bytes) for a packed operator's constants, freed with
    /// `deallocate()`; nil when it would exceed the budget or the memory is not available (the budget
    /// records why: the preparation then fails with `DSCError.outOfMemory`, the operator's `.reference`
    /// result is never used).
    func allocate(_ bytes: Int) -> UnsafeMutableRawPointer? {
        budget.allocate(bytes)
    }
}

/// The memory a model's packings may take, and the first allocation that did not fit.
final class PackingBudget {
    /// Bytes still available.
    private(set) var remaining: Int
    /// Bytes allocated so far.
    private(set) var used = 0
    /// Set when an allocation was refused (over the budget, or no memory).
    private(set) var failure: DSCError?

    init(remaining: Int) { self.remaining = remaining }

    func allocate(_ bytes: Int) -> UnsafeMutableRawPointer? {
        let n = max(bytes, 64)
        guard failure == nil else { return nil }
        guard bytes >= 0, n <= remaining else {
            failure = .outOfMemory("packing an operator's constants needs \(bytes) more bytes than the session's memory limit leaves (\(remaining))")
            return nil
        }
        // posix_memalign memory: Swift's deallocate() frees it (both are the C heap's free on Linux).
        guard let p = dsc_aligned_alloc(n, 64, 0) else {
            failure = .outOfMemory("cannot allocate \(n) bytes for an operator's packed constants")
            return nil
        }
        remaining -= n
        used += n
        return p
    }
}

/// Switches that steer kernel choices (tests use them to cover paths this CPU would not take).
package struct KernelTuning: Sendable, Equatable {
    /// Largest conv indirection table built at session creation (bytes); bigger ones are built per run.
    package var maxIndirectionBytes = 16 << 20
    /// Whether Add may use its byte-plane tables (DSCSIMD_KERNEL_ADD_PLANES, AVX-512 VBMI).
    package var addByteTables = true
    /// Whether Add may use its float form (DSCSIMD_KERNEL_ADD_FLOAT).
    package var addFloatForm = true
    /// A conv microkernel (DSCSIMD_KERNEL_CONV_*) to use instead of the chosen one; where it does not
    /// apply the reference kernel runs the operator (the tests of one microkernel check that it ran).
    package var convKernel: Int?
    /// A depthwise microkernel (DSCSIMD_KERNEL_DWCONV_*) to use instead of the chosen one, likewise.
    package var depthwiseKernel: Int?
    /// Whether max pools may run on whole bytes (DSCSIMD_KERNEL_MAXPOOL_BYTES).
    package var maxPoolBytes = true

    package init() {}
}
