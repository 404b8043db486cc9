import CDSCFlowSIMD
import CDSCFlowSupport

/// Runs a model. Everything is decided at creation: the arena (allocated here, or provided by the
/// caller), each tensor's address, each operator's bindings and kernels (`PreparedModel`). `run`
/// performs no heap allocation. A session is not thread-safe; create one per thread (they can share
/// the `Model` and the `PreparedModel`).
public final class Session {
    /// The model this session runs.
    public let model: Model
    /// The model as prepared for this session's options (plan and kernels).
    public let prepared: PreparedModel
    /// The options the session was prepared with.
    public var options: SessionOptions { prepared.options }
    /// The arena's usable base (64-byte aligned) and size.
    public let arena: UnsafeMutableRawBufferPointer
    private let ownedArena: UnsafeMutableRawPointer?
    private let bindings: [OperatorBinding]
    private let timings: UnsafeMutablePointer<UInt64>
    /// The kernel path this session runs (`options.kernels` resolved).
    public var kernelPath: KernelPath { prepared.kernelPath }
    /// One bound fast operator per operator (`run` NULL: the reference kernel runs it).
    private let fast: FastKernelBinding
    private let fastOps: UnsafeMutablePointer<dscsimd_op>
    /// Worker threads (options.threads > 1 on a fast path), and each part's scratch (part 0's is the
    /// operators' own).
    private let workers: OpaquePointer?
    private let partScratch: UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>
    /// Where `run(observer:)` gathers an output written in place into a concatenation (nil: none is).
    private let observerStaging: UnsafeMutableRawPointer?

    /// Bytes a caller-provided arena must have for `model` with `options` (includes alignment slack).
    /// Prepares the model to know its kernels' scratch; throws what `PreparedModel.init` throws.
    public static func requiredArenaSize(for model: Model, options: SessionOptions = SessionOptions()) throws(DSCError) -> Int {
        try PreparedModel(model: model, options: options).requiredArenaSize
    }

    /// A session whose arena DSCFlow allocates (and frees with the session).
    public convenience init(model: Model, options: SessionOptions = SessionOptions()) throws(DSCError) {
        try self.init(prepared: PreparedModel(model: model, options: options))
    }

    /// A session of a prepared model whose arena DSCFlow allocates (and frees with the session). The
    /// allocation reports failure: memory that is not available is `DSCError.outOfMemory`, never a trap
    /// (`prepared` has already checked the options' memory limit).
    public convenience init(prepared: PreparedModel) throws(DSCError) {
        let size = prepared.requiredArenaSize
        guard let p = dsc_aligned_alloc(size, ArenaPlan.alignment, 1) else {
            throw DSCError.outOfMemory("cannot allocate a \(size)-byte arena")
        }
        try self.init(prepared: prepared, arena: UnsafeMutableRawBufferPointer(start: p, count: size), owned: p)
    }

    /// A session in caller-provided memory: no heap allocation for tensors. The caller keeps the
    /// memory alive for the session's lifetime. Throws if it is smaller than `requiredArenaSize`.
    public convenience init(model: Model, arena: UnsafeMutableRawBufferPointer,
                            options: SessionOptions = SessionOptions()) throws(DSCError) {
        try self.init(prepared: PreparedModel(model: model, options: options), arena: arena, owned: nil)
    }

    /// A session of a prepared model in caller-provided memory (see `init(model:arena:options:)`).
    public convenience init(prepared: PreparedModel, arena: UnsafeMutableRawBufferPointer) throws(DSCError) {
        try self.init(prepared: prepared, arena: arena, owned: nil)
    }

    /// `owned`, if given, is `arena`'s allocation: the session frees it, also when creation fails.
    /// Every allocation here reports failure (`DSCError.outOfMemory`) and is undone when a later step
    /// fails; the worker threads start last.
    private init(prepared: PreparedModel, arena: UnsafeMutableRawBufferPointer, owned: UnsafeMutableRawPointer?) throws(DSCError) {
        let plan = prepared.plan
        let share = prepared.scratchBytesPerThread
        let threads = prepared.options.threads
        let needed = prepared.requiredArenaSize - ArenaPlan.alignment
        let model = prepared.model
        var allocated: [UnsafeMutableRawPointer] = owned.map { [$0] } ?? []
        func undo() { for p in allocated { dsc_aligned_free(p) } }
        func allocate(_ bytes: Int, _ what: String) throws(DSCError) -> UnsafeMutableRawPointer {
            guard let p = dsc_aligned_alloc(bytes, 64, 1) else {
                throw DSCError.outOfMemory("cannot allocate \(bytes) bytes for the session's \(what)")
            }
            allocated.append(p)
            return p
        }
        let base: UnsafeMutableRawPointer
        let timings: UnsafeMutableRawPointer, partScratch: UnsafeMutableRawPointer, staging: UnsafeMutableRawPointer?
        let fast: FastKernelBinding
        let bindings: [OperatorBinding]
        do throws(DSCError) {
            guard let raw = arena.baseAddress else { throw DSCError.invalidArgument("the arena is NULL") }
            let misalign = (ArenaPlan.alignment - Int(bitPattern: raw) % ArenaPlan.alignment) % ArenaPlan.alignment
            guard arena.count >= misalign, arena.count - misalign >= needed else {
                throw DSCError.invalidArgument("the arena has \(arena.count) bytes; this model needs \(prepared.requiredArenaSize) (\(needed) + alignment slack)")
            }
            base = raw + misalign
            timings = try allocate(8 * max(model.operations.count, 1), "timings")
            partScratch = try allocate(MemoryLayout<UnsafeMutablePointer<UInt8>?>.stride * threads, "thread scratch table")
            let staged = prepared.inPlace.outputPixelStrides.keys.map { model.tensors[model.operations[$0].outputs[0]].byteCount }
            if let most = staged.max() { staging = try allocate(most, "staging buffer") } else { staging = nil }
            bindings = model.operations.map { OperatorBinding(op: $0, model: model, plan: plan, base: base) }
            fast = try FastKernelBinding(prepared, bindings: bindings, scratch: base + plan.size)
        } catch {
            undo()
            throw error
        }
        let workers: OpaquePointer?
        if threads > 1 && prepared.kernelPath.isa != nil && share > 0 {
            guard let w = dscsimd_workers_create(Int32(threads)) else {
                fast.deallocate()
                undo()
                throw DSCError.invalidArgument("could not start \(threads - 1) worker threads")
            }
            workers = w
        } else {
            workers = nil
        }
        self.arena = UnsafeMutableRawBufferPointer(start: base, count: arena.count - (base - arena.baseAddress!))
        self.workers = workers
        self.model = model
        self.prepared = prepared
        self.ownedArena = owned
        self.bindings = bindings
        self.timings = timings.bindMemory(to: UInt64.self, capacity: max(model.operations.count, 1))
        self.fast = fast
        self.fastOps = fast.ops
        self.observerStaging = staging
        self.partScratch = partScratch.bindMemory(to: UnsafeMutablePointer<UInt8>?.self, capacity: threads)
        for i in 0..<threads {
            self.partScratch[i] = (base + plan.size + i * share).assumingMemoryBound(to: UInt8.self)
        }
    }

    deinit {
        dscsimd_workers_destroy(workers)
        dsc_aligned_free(observerStaging)
        dsc_aligned_free(partScratch)
        dsc_aligned_free(ownedArena)
        dsc_aligned_free(timings)
        fast.deallocate()
    }

    /// The bytes of activation tensor `t` in the arena, or of constant tensor `t`; nil if it has none.
    /// After `run`, an activation holds its value only if it is still live (a model output) or the
    /// session preserves all tensors.
    public func tensorBytes(_ t: Int) -> UnsafeMutableRawBufferPointer? {
        guard t >= 0 && t < model.tensors.count else { return nil }
        if model.tensors[t].isConstant { return nil }
        let off = prepared.plan.offsets[t]
        if off < 0 { return nil }
        return UnsafeMutableRawBufferPointer(start: arena.baseAddress! + off, count: model.tensors[t].byteCount)
    }

    /// Where to write input `i` (raw bytes of the tensor, NHWC, C order).
    public func inputBytes(_ i: Int = 0) -> UnsafeMutableRawBufferPointer {
        tensorBytes(model.inputs[i])!
    }

    /// Where output `i` is after `run`.
    public func outputBytes(_ i: Int = 0) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(tensorBytes(model.outputs[i])!)
    }

    /// Runs every operator in order. `observer`, if given, sees each operator's output right after
    /// it is computed (the bytes are only valid during the call).
    public func run(observer: ((Int, UnsafeRawBufferPointer) -> Void)? = nil) {
        let rounding = options.rounding
        let profile = options.profile
        if !profile && observer == nil && workers == nil {
            // Stretches of fast operators run in one C call; the reference kernel runs the others.
            let count = Int32(bindings.count)
            var i: Int32 = 0
            while i < count {
                i += dscsimd_execute_run(fastOps + Int(i), count - i)
                if i < count {
                    bindings[Int(i)].execute(model.operations[Int(i)], rounding: rounding)
                    i += 1
                }
            }
            return
        }
        for i in 0..<bindings.count {
            let t0 = profile ? dsc_monotonic_ns() : 0
            if fastOps[i].run != nil {
                if let workers {
                    dscsimd_workers_run(workers, fastOps + i, partScratch)
                } else {
                    dscsimd_execute(fastOps + i)
                }
            } else {
                bindings[i].execute(model.operations[i], rounding: rounding)
            }
            if profile { timings[i] = dsc_monotonic_ns() &- t0 }
            if let observer {
                let out = model.operations[i].outputs[0]
                observer(i, observedBytes(i, out))
            }
        }
    }

    /// Operator `i`'s output (tensor `t`) as contiguous bytes: where it is written in place into a
    /// concatenation along the last axis (pixels a wider tensor's width apart), gathered into the
    /// session's staging buffer first.
    private func observedBytes(_ i: Int, _ t: Int) -> UnsafeRawBufferPointer {
        let bytes = model.tensors[t].byteCount
        guard let stride = prepared.inPlace.outputPixelStrides[i], let staging = observerStaging else {
            return UnsafeRawBufferPointer(start: bindings[i].output, count: bytes)
        }
        let shape = model.tensors[t].shape
        let es = model.tensors[t].type.byteSize
        let row = (shape.last ?? 1) * es, pixels = bytes / max(row, 1)
        for p in 0..<pixels {
            (staging + p * row).copyMemory(from: UnsafeRawPointer(bindings[i].output) + p * stride * es, byteCount: row)
        }
        return UnsafeRawBufferPointer(start: staging, count: bytes)
    }

    /// Copies `input` into input 0, runs, and copies output 0 into `output`. Sizes must match exactly.
    public func run(input: UnsafeRawBufferPointer, output: UnsafeMutableRawBufferPointer) throws(DSCError) {
        let inBuf = inputBytes(0)
        guard input.count == inBuf.count else {
            throw DSCError.invalidArgument("input has \(input.count) bytes; \(model.tensors[model.inputs[0]].signature) needs \(inBuf.count)")
        }
        let outBuf = outputBytes(0)
        guard output.count == outBuf.count else {
            throw DSCError.invalidArgument("output buffer has \(output.count) bytes; \(model.tensors[model.outputs[0]].signature) needs \(outBuf.count)")
        }
        if let s = input.baseAddress, inBuf.count > 0 { inBuf.baseAddress!.copyMemory(from: s, byteCount: inBuf.count) }
        run()
        if let d = output.baseAddress, outBuf.count > 0 { d.copyMemory(from: outBuf.baseAddress!, byteCount: outBuf.count) }
    }

    /// Wall time of operator `i` in the last `run` (profiling sessions only; 0 otherwise).
    public func operatorNanoseconds(_ i: Int) -> UInt64 {
        guard i >= 0 && i < model.operations.count else { return 0 }
        return timings[i]
    }
}
