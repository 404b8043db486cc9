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
    /// Where each activation lives in a session's arena.
    public let plan: ArenaPlan
    /// The kernel of each operator, in execution order.
    public let kernels: [KernelChoice]
    /// Each operator's microkernel and packed constants (nil: the reference kernel).
    let packed: [PackedOperator?]
    /// Scratch bytes one thread's share needs: the largest any packed operator needs, plus slack for the
    /// kernels' 16-byte over-reads past the end of an activation (they land inside the arena).
    let scratchBytesPerThread: Int

    /// Prepares `model` for `options`. Throws when the kernel path cannot run on this CPU, the thread
    /// count is out of range, the arena cannot be planned, or the model is an accelerator program
    /// (`Model.acceleratorProgramKey`).
    public init(model: Model, options: SessionOptions = SessionOptions()) throws {
        if let design = model.acceleratorProgramDesign {
            throw DSCError.unsupported(op: -1, name: "accelerator program \(design)", reason: "its bytes come from the accelerator's schedule, not from a graph; run it with DSCFlowAccelerator (dscflow run / detect / eval-dacsdc)")
        }
        guard options.threads >= 1 && options.threads <= SessionOptions.maxThreads else {
            throw DSCError.invalidArgument("threads must be 1...\(SessionOptions.maxThreads), not \(options.threads)")
        }
        let path = try options.kernels.resolved()
        self.model = model
        self.options = options
        self.kernelPath = path
        self.plan = try ArenaPlanner.plan(model, preserveAll: options.preserveAllTensors)
        var packed: [PackedOperator?] = []
        var kernels: [KernelChoice] = []
        var scratch = 0
        if let isa = path.isa {
            let target = FastTarget(path: path, isa: isa, rounding: options.rounding, tuning: options.tuning)
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
        self.packed = packed
        self.kernels = kernels
        scratchBytesPerThread = packed.contains { $0 != nil } ? (scratch + 127) / 64 * 64 : 0
    }

    /// Arena bytes a session needs: the tensors, each thread's kernel scratch, and alignment slack.
    public var requiredArenaSize: Int {
        plan.size + scratchBytesPerThread * options.threads + ArenaPlan.alignment
    }
}
