import CDSCFlowSIMD

/// Which kernel runs an operator of a prepared model.
public enum KernelChoice: Sendable, Equatable, CustomStringConvertible {
    /// The named microkernel (`dwconv-phase-avx512vnni`).
    case fast(String)
    /// The reference kernel, for this reason (`saturating accumulator`; `the reference path` when it
    /// was asked for).
    case reference(String)

    /// `dwconv-phase-avx512vnni`, or `reference: why`.
    public var description: String {
        switch self {
        case .fast(let name): return name
        case .reference(let why): return "reference: \(why)"
        }
    }

    /// True for a microkernel.
    public var isFast: Bool { if case .fast = self { return true } else { return false } }
}

/// A model made ready for sessions with given options: the arena plan, and each operator prepared for
/// the options' kernel path (its microkernel chosen and its weights packed into that microkernel's
/// layout only) or marked to run on its reference kernel, with the reason. Immutable and shared by
/// every session made from it (`Session(prepared:)`), so several sessions (threads) pack once.
public final class PreparedModel: @unchecked Sendable {
    /// The model.
    public let model: Model
    /// The options it was prepared with (`kernels` as requested; `kernelPath` is what it resolved to).
    public let options: SessionOptions
    /// The kernel path (`options.kernels` resolved through the environment and the CPU).
    public let kernelPath: KernelPath
    /// Where each activation lives in a session's arena (an input of a concatenation written in place
    /// lives inside the concatenated tensor).
    public private(set) var plan: ArenaPlan
    /// The kernel of each operator, in execution order.
    public let kernels: [KernelChoice]
    /// Each operator's microkernel and packed constants (nil: the reference kernel).
    let packed: [PackedOperator?]
    /// Scratch bytes one thread's share needs: the largest any packed operator needs, plus slack for the
    /// kernels' 16-byte over-reads past the end of an activation (they land inside the arena).
    let scratchBytesPerThread: Int

    /// Prepares `model` for `options`. Throws when the kernel path cannot run on this CPU, the thread
    /// count is out of range, the arena cannot be planned, the model is an accelerator program
    /// (`Model.acceleratorProgramKey`), or a session would need more memory than `options.memoryLimit`
    /// (`DSCError.outOfMemory`, checked before the arena, and before the packed constants grow past
    /// the limit).
    public init(model: Model, options: SessionOptions = SessionOptions()) throws(DSCError) {
        if let design = model.acceleratorProgramDesign {
            throw DSCError.unsupported(op: -1, name: "accelerator program \(design)", reason: "its bytes come from the accelerator's schedule, not from a graph; run it with DSCFlowAccelerator (dscflow run / detect / eval-dacsdc)")
        }
        guard options.threads >= 1 && options.threads <= SessionOptions.maxThreads else {
            throw DSCError.invalidArgument("threads must be 1...\(SessionOptions.maxThreads), not \(options.threads)")
        }
        guard options.memoryLimit >= 0 else { throw DSCError.invalidArgument("memory limit \(options.memoryLimit) is negative") }
        let path = try options.kernels.resolved()
        self.model = model
        self.options = options
        self.kernelPath = path
        self.plan = try ArenaPlanner.plan(model, preserveAll: options.preserveAllTensors)
        let limit = options.memoryLimit
        guard plan.size <= limit else {
            throw DSCError.outOfMemory("a session needs \(plan.size) bytes of arena for the model's tensors alone, above its memory limit of \(limit) bytes")
        }
        let budget = PackingBudget(remaining: limit - plan.size)
        var packed: [PackedOperator?] = []
        var kernels: [KernelChoice] = []
        var scratch = 0
        if let isa = path.isa {
            let target = FastTarget(path: path, isa: isa, rounding: options.rounding, tuning: options.tuning, budget: budget)
            for (i, op) in model.operations.enumerated() {
                var v = FastOperatorPreparation(context: OperatorContext(index: i, op: op, tensors: model.tensors),
                                                target: target)
                switch op.kind.visit(&v) {
                case .kernel(let k):
                    packed.append(k)
                    kernels.append(.fast(k.kernelName))
                    scratch = max(scratch, k.scratchBytes)
                case .reference(let why):
                    packed.append(nil)
                    kernels.append(.reference(why))
                }
            }
        } else {
            packed = model.operations.map { _ in nil }
            kernels = model.operations.map { _ in .reference("the reference path") }
        }
        if let failure = budget.failure { throw failure }
        self.packed = packed
        self.kernels = kernels
        let share = packed.contains { $0 != nil } ? try checkedAdd(scratch, 127, "kernel scratch") / 64 * 64 : 0
        scratchBytesPerThread = share
        let inPlace = options.preserveAllTensors ? ConcatenationInPlace() : ConcatenationInPlace(model, packed)
        self.inPlace = inPlace
        if !inPlace.aliases.isEmpty {
            self.plan = try ArenaPlanner.plan(tensors: model.tensors, operations: model.operations, inputs: model.inputs,
                                              outputs: model.outputs, preserveAll: false, aliases: inPlace.aliases)
        }
        let threadScratch = try checkedMul(share, options.threads, "kernel scratch")
        requiredArenaSize = try checkedAdd(checkedAdd(plan.size, threadScratch, "arena size"), ArenaPlan.alignment, "arena size")
        memory = try SessionMemory(arena: requiredArenaSize, packedConstants: budget.used,
                                   tables: FastKernelBinding.sessionTableBytes(model: model, packed: packed, inPlace: inPlace,
                                                                               tuning: options.tuning))
        guard memory.total <= limit else {
            throw DSCError.outOfMemory("a session needs \(memory.total) bytes (\(memory)), above its memory limit of \(limit) bytes")
        }
    }

    /// Concatenation inputs written in place (their producers write into the concatenated tensor).
    let inPlace: ConcatenationInPlace

    /// Arena bytes a session needs: the tensors, each thread's kernel scratch, and alignment slack.
    public let requiredArenaSize: Int

    /// The memory a session takes, item by item; its `total` is what `options.memoryLimit` bounds.
    public let memory: SessionMemory
}

/// The memory one session of a prepared model takes (what `SessionOptions.memoryLimit` bounds).
public struct SessionMemory: Sendable, Equatable, CustomStringConvertible {
    /// The arena: tensors, every thread's kernel scratch, alignment slack (the caller's memory for a
    /// session in a caller-provided arena).
    public let arena: Int
    /// The kernels' packed constants (weights in kernel layout, requantization tables), made once per
    /// `PreparedModel` and shared by its sessions.
    public let packedConstants: Int
    /// The session's own tables: bound kernel arguments, conv indirection tables, staging, timings.
    public let tables: Int
    /// All of it.
    public let total: Int

    init(arena: Int, packedConstants: Int, tables: Int) throws(DSCError) {
        self.arena = arena
        self.packedConstants = packedConstants
        self.tables = tables
        total = try checkedAdd(checkedAdd(arena, packedConstants, "session memory"), tables, "session memory")
    }

    /// "arena A + packed constants P + tables T".
    public var description: String {
        "arena \(arena) + packed constants \(packedConstants) + tables \(tables)"
    }
}

/// Concatenations whose inputs their producers can write directly into the concatenated tensor, so
/// the concatenation copies nothing: along the last axis when the producer's microkernel writes output
/// pixels any distance apart (conv, space-to-depth), or along an axis with nothing but 1s before it (each
/// input is then one contiguous range). An input qualifies when only the concatenation reads it and it
/// is neither a model input nor a model output.
struct ConcatenationInPlace {
    /// Input tensor → (concatenated tensor, byte offset in it).
    var aliases: [Int: (into: Int, offset: Int)] = [:]
    /// Operator → elements between its output pixels, for producers writing a channel slice.
    var outputPixelStrides: [Int: Int] = [:]

    init() {}

    init(_ model: Model, _ packed: [PackedOperator?]) {
        var readers = [Int](repeating: 0, count: model.tensors.count)
        var producer = [Int](repeating: -1, count: model.tensors.count)
        for (i, op) in model.operations.enumerated() {
            for t in op.inputs where t >= 0 { readers[t] += 1 }
            for t in op.outputs { producer[t] = i }
        }
        for (i, op) in model.operations.enumerated() {
            guard case .concatenation(let axis) = op.kind, packed[i] != nil else { continue }
            let y = model.tensors[op.outputs[0]]
            let contiguous = y.shape[..<axis].allSatisfy { $0 == 1 }
            let lastAxis = axis == y.shape.count - 1
            guard contiguous || lastAxis, Set(op.inputs).count == op.inputs.count else { continue }
            let inner = y.shape[(axis + 1)...].reduce(1, *), es = y.type.byteSize
            var along = 0
            for x in op.inputs {
                let t = model.tensors[x]
                defer { along += t.shape[axis] }
                let p = producer[x]
                guard readers[x] == 1, p >= 0, p < i, !model.inputs.contains(x), !model.outputs.contains(x),
                      aliases[x] == nil, aliases[op.outputs[0]] == nil else { continue }
                if contiguous {
                    aliases[x] = (op.outputs[0], along * inner * es)
                } else if let k = packed[p]?.template.kind,
                          k == Int32(DSCSIMD_OP_CONV) || k == Int32(DSCSIMD_OP_S2D) {
                    aliases[x] = (op.outputs[0], along * es)
                    outputPixelStrides[p] = y.shape[axis]
                }
            }
        }
    }
}
