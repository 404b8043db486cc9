import DSCFlow
/// Operators without accelerator-specific arithmetic (pools, reorg, concatenation, fully connected,
/// softmax, ...): the emulator computes their bytes with the reference kernel and walks the
/// accelerator's loops over them, recording each step's events.
extension AcceleratorEmulator {
    /// Executes operator `i` with its reference kernel and returns the events of its loops.
    func executeWithReferenceKernel(_ i: Int, _ rules: TiledCycleRules?) -> CycleLedger {
        let op = model.operations[i], p = plans[i]
        bindings[i].execute(op, model: model, rounding: .double)
        var l = CycleLedger()
        let inShape = Shape4(extending: model.tensors[op.inputs[0]].shape)
        let outShape = Shape4(extending: model.tensors[op.outputs[0]].shape)
        // Fully connected: `units` outputs of `depth` multiply-accumulates each (per pixel of the output).
        var depth = 0
        if case .fullyConnected = op.kind { depth = model.tensors[op.inputs[1]].shape.last ?? 0 }
        guard let r = rules else {
            // A folded design: a pool or a resize takes one input pixel per step; a fully connected engine
            // takes PE outputs × SIMD inputs per step.
            switch p.role {
            case .pool, .resize:
                for _ in 0..<inShape.h { for _ in 0..<inShape.w { StreamFolding.recordSteps(1, into: &l) } }
            case .fullyConnected:
                for _ in stride(from: 0, to: outShape.c, by: max(1, p.foldPE)) {
                    for _ in stride(from: 0, to: depth, by: max(1, p.foldSIMD)) { StreamFolding.recordSteps(1, into: &l) }
                }
                for _ in 0..<outShape.h &* outShape.w &* outShape.c { StreamFolding.recordMACs(depth, into: &l) }
            default:
                break
            }
            recordFrameTransfers(op, into: &l)
            return l
        }
        // A tiled engine: pools and reorgs fused into a neighbour, and concatenations (written in place
        // by their producers), cost nothing of their own.
        if p.absorbed { return l }
        switch p.role {
        case .concat:
            break
        case .pool, .reorg:
            // Load, sweep and export every channel group of every tile.
            for _ in tileWalk(p, r).tiles {
                for _ in stride(from: 0, to: outShape.c, by: config.lanes) { r.recordStandaloneGroup(p, into: &l) }
            }
        default:
            // The PW array's matrix product: each batch slot's outputs and operands.
            let bytes = operandBytesPerImage(op, model)
            var macs = 0, streamed = 0
            for _ in 0..<config.batch {
                for _ in 0..<outShape.h &* outShape.w &* outShape.c { macs &+= depth }
                streamed &+= bytes.input &+ bytes.output
            }
            r.recordMatrixProduct(macs: macs, bytes: streamed, into: &l)
        }
        return l
    }
}
