import DSCFlow
/// Executes a model the way an accelerator does — tile by tile, channel group by channel group,
/// through a line buffer for depthwise layers and input blocks for pointwise layers (tiled engines),
/// or folded SIMD × PE per output pixel (streaming and layer-pipeline designs) — using each
/// operator's own arithmetic (accumulator and requantizer), so its bytes equal the reference
/// executor's. While it executes it counts cycles per layer with the primitive costs of
/// `TiledCycleRules` / `StreamFolding`; `CostModel` predicts the same numbers without data.
///
/// The accelerator processes `config.batch` images per run; the model's own batch (normally 1)
/// fills the first slots of it, and the cycles of the whole run are counted.
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
    private let bindings: [OperatorBinding]

    /// Prepares the emulator (plans every layer, allocates an arena where every tensor keeps its bytes).
    public init(model: Model, config: AcceleratorConfig) throws {
        self.model = model
        self.config = config
        let plans = try LayerPlanner.plan(model, config)
        self.plans = config.tiledEngine != nil ? plans : StreamFolding.fold(plans, config)
        let plan = try ArenaPlanner.plan(tensors: model.tensors, operations: model.operations, inputs: model.inputs,
                                         outputs: model.outputs, preserveAll: true)
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

    /// Runs every operator in the accelerator's loop order; returns each operator's ledger as counted
    /// during execution.
    @discardableResult
    /// Runs every operator in the accelerator's loop order and returns each operator's ledger, counted while executing.
    public func run() -> [CycleLedger] {
        var ledgers: [CycleLedger] = []
        ledgers.reserveCapacity(plans.count)
        let rules = TiledCycleRules(config)
        for (i, op) in model.operations.enumerated() {
            let p = plans[i]
            var ledger = CycleLedger()
            switch op.kind {
            case .depthwiseConv2D(let params):
                ledger = EmulatedConvolution(emulator: self, op: op, params: params, plan: p, depthwise: true,
                                             rules: rules).dispatch()
            case .conv2D(let params):
                ledger = EmulatedConvolution(emulator: self, op: op, params: params, plan: p, depthwise: false,
                                             rules: rules).dispatch()
            default:
                // Data movement, pooling, FC, softmax...: the reference kernel computes the bytes (these
                // ops have no accelerator-specific arithmetic); the cycles come from the primitive costs.
                bindings[i].execute(op, model: model, rounding: .double)
                ledger = countOther(p, rules)
            }
            ledgers.append(ledger)
        }
        return ledgers
    }

    /// A report from an emulator run.
    public func runReport(name: String? = nil) -> AcceleratorReport {
        let ledgers = run()
        return AcceleratorReport(model: model, config: config, plans: plans, ledgers: ledgers,
                                 name: name ?? model.metadata["topology"] ?? "model")
    }

    /// Cycles of a non-conv op, counted event by event (absorbed ops cost nothing: their producer or
    /// consumer did the work).
    private func countOther(_ p: LayerPlan, _ r: TiledCycleRules?) -> CycleLedger {
        var l = CycleLedger()
        guard let r else {
            if p.role == .pool { for _ in 0..<p.inPixels { l.compute &+= 1 } }
            if p.role == .fullyConnected {
                let folds = LayerPlanner.ceilDiv(p.filterInChannels, p.foldSIMD) * LayerPlanner.ceilDiv(p.outChannels, p.foldPE)
                for _ in 0..<folds { l.compute &+= 1 }
                l.onChipBytes &+= p.usefulMACs
            }
            addStreamIO(p, &l)
            return l
        }
        if p.absorbed || p.role == .concat { return l }
        // Stand-alone ops are priced by the cost model's formula (one event per op).
        return CostModel.tiled(p, r, model)
    }

    func addStreamIO(_ p: LayerPlan, _ l: inout CycleLedger) {
        let op = model.operations[p.op]
        let frames = max(1, Shape4(extending: model.tensors[op.outputs[0]].shape).n)
        if model.inputs.contains(op.inputs[0]) { l.offChipBytes &+= model.tensors[op.inputs[0]].byteCount / frames }
        if model.outputs.contains(op.outputs[0]) { l.offChipBytes &+= model.tensors[op.outputs[0]].byteCount / frames }
    }

    func address(_ t: Int) -> UnsafeRawPointer {
        if let d = model.tensors[t].data { return d.pointer }
        return UnsafeRawPointer(arena + arenaPlan.offsets[t])
    }
}
