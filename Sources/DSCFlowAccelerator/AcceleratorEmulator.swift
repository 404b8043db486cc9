import DSCFlow
/// Executes a model the way an accelerator does — tile by tile, channel group by channel group,
/// through a line buffer for depthwise layers and input blocks for pointwise layers (tiled engines),
/// or output pixel by output pixel, PE fold by PE fold, SIMD fold by SIMD fold (streaming and
/// layer-pipeline designs) — using each operator's own arithmetic (accumulator and requantizer),
/// so its bytes equal the reference executor's.
///
/// It counts cycles only through events: every time its loops reach a step of the design (a DW
/// group on a tile, a PW input block, a pipeline fill, a fold step, ...) it records that step with
/// `TiledCycleRules` / `StreamFolding`. Its loop bounds come from the tensors' geometry and the
/// configuration (`TileWalk`, the folds), not from the plan's counts, and it never evaluates a
/// layer's total; `CostModel` predicts the same ledgers by multiplying the plan's counts, so equal
/// ledgers check the planner and the cost model against the loops really walked.
///
/// The accelerator processes `config.batch` images per run; the model's own batch (normally 1)
/// fills the first slots of it, and the events of the whole run are counted.
public final class AcceleratorEmulator {
    /// The model being executed.
    public let model: Model
    /// The accelerator it is executed on.
    public let config: AcceleratorConfig
    /// Each operator's mapping (folded for streaming and layer-pipeline designs).
    public let plans: [LayerPlan]
    private let arena: UnsafeMutableRawPointer
    /// Where every activation tensor lives in `arena` (no tensor shares bytes with another).
    private let arenaPlan: ArenaPlan
    /// Each operator's reference kernel, for the operators without accelerator arithmetic.
    let bindings: [OperatorBinding]

    /// Prepares the emulator (plans every layer, allocates an arena where every tensor keeps its bytes).
    public init(model: Model, config: AcceleratorConfig) throws {
        self.model = model
        self.config = config
        let plans = try LayerPlanner.plan(model, config)
        self.plans = config.tiledEngine != nil ? plans : StreamFolding.fold(plans, config, model: model)
        let plan = try ArenaPlanner.plan(model, preserveAll: true)
        arenaPlan = plan
        let arenaSize = max(plan.size + ArenaPlan.alignment, 1)
        arena = UnsafeMutableRawPointer.allocate(byteCount: arenaSize, alignment: ArenaPlan.alignment)
        arena.initializeMemory(as: UInt8.self, repeating: 0, count: arenaSize)
        let base = arena
        bindings = model.operations.map { OperatorBinding(op: $0, model: model, plan: plan, base: base) }
    }

    deinit { arena.deallocate() }

    /// The bytes of activation tensor `t` (nil for constants or an index out of range).
    public func tensorBytes(_ t: Int) -> UnsafeMutableRawBufferPointer? {
        guard t >= 0 && t < model.tensors.count, !model.tensors[t].isConstant else { return nil }
        let off = arenaPlan.offsets[t]
        if off < 0 { return nil }
        return UnsafeMutableRawBufferPointer(start: arena + off, count: model.tensors[t].byteCount)
    }

    /// Where to write input `i`.
    public func inputBytes(_ i: Int = 0) -> UnsafeMutableRawBufferPointer { tensorBytes(model.inputs[i])! }

    /// Output `i` after `run`.
    public func outputBytes(_ i: Int = 0) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(tensorBytes(model.outputs[i])!) }

    /// Runs every operator in the accelerator's loop order and returns each operator's ledger, as
    /// recorded event by event while executing.
    @discardableResult
    public func run() -> [CycleLedger] {
        let rules = TiledCycleRules(config)
        return model.operations.enumerated().map { i, op in
            switch op.kind {
            case .depthwiseConv2D(let params):
                return EmulatedConvolution(emulator: self, op: op, params: params, plan: plans[i], depthwise: true,
                                           rules: rules).execute()
            case .conv2D(let params):
                return EmulatedConvolution(emulator: self, op: op, params: params, plan: plans[i], depthwise: false,
                                           rules: rules).execute()
            default:
                return executeWithReferenceKernel(i, rules)
            }
        }
    }

    /// A report from an emulator run.
    public func runReport(name: String? = nil) -> AcceleratorReport {
        let ledgers = run()
        return AcceleratorReport(model: model, config: config, plans: plans, ledgers: ledgers,
                                 name: name ?? model.metadata["topology"] ?? "model")
    }

    /// Where tensor `t`'s bytes are (its constant data, or its place in the arena).
    func address(_ t: Int) -> UnsafeRawPointer {
        if let d = model.tensors[t].data { return d.pointer }
        return UnsafeRawPointer(arena + arenaPlan.offsets[t])
    }

    /// The tiles a tiled engine walks over operator `p`'s output.
    func tileWalk(_ p: LayerPlan, _ r: TiledCycleRules) -> TileWalk {
        let op = model.operations[p.op]
        let out = Shape4(extending: model.tensors[op.outputs[0]].shape)
        let readsImage = model.inputs.contains(op.inputs[0])
        return TileWalk(height: out.h, width: out.w, config, r.engine, perImage: readsImage && !r.engine.imageLoader.stitched)
    }

    /// Records the frames operator `op` moves between DDR and a folded design.
    func recordFrameTransfers(_ op: Operator, into l: inout CycleLedger) {
        for bytes in frameTransfers(op, model) { StreamFolding.recordFrameTransfer(bytes: bytes, into: &l) }
    }
}
