import DSCFlow
/// One conv-like operator executed in an accelerator's loop order (see `AcceleratorEmulator`).
/// The arithmetic is the operator's: `AccumulatorRule` (wrapping int32, or saturating after every
/// `channelBlock` input channels in ascending order) and `ChannelRequantizer`, exactly as the
/// reference kernels apply them; only the order of the loops around each output changes. The
/// events of each step are recorded on `ledger` as the loops reach them.
final class EmulatedConvolution: TypedKernel {
    let e: AcceleratorEmulator
    let op: Operator
    let p: ConvolutionParameters
    let plan: LayerPlan
    let depthwise: Bool
    /// The tiled engine's rules; nil for a folded design (streaming, layer pipeline).
    let rules: TiledCycleRules?
    var ledger = CycleLedger()
    let inShape: Shape4, outShape: Shape4, filterShape: Shape4
    let filter: UnsafePointer<Int8>

    init(emulator: AcceleratorEmulator, op: Operator, params: ConvolutionParameters, plan: LayerPlan,
         depthwise: Bool, rules: TiledCycleRules?) {
        self.e = emulator
        self.op = op
        self.p = params
        self.plan = plan
        self.depthwise = depthwise
        self.rules = rules
        let m = emulator.model
        inShape = Shape4(extending: m.tensors[op.inputs[0]].shape)
        outShape = Shape4(extending: m.tensors[op.outputs[0]].shape)
        filterShape = Shape4(extending: m.tensors[op.inputs[1]].shape)
        filter = emulator.address(op.inputs[1]).assumingMemoryBound(to: Int8.self)
    }

    /// Runs the operator; returns the events it recorded.
    func execute() -> CycleLedger {
        let m = e.model
        dispatch(m.tensors[op.inputs[0]].type, m.tensors[op.outputs[0]].type, e.address(op.inputs[0]),
                 UnsafeMutableRawPointer(mutating: e.address(op.outputs[0])))
        return ledger
    }

    func run<In: QuantizedElement, Out: QuantizedElement>(_ x: UnsafePointer<In>, _ y: UnsafeMutablePointer<Out>) {
        guard let r = rules else { return folded(x, y) }
        if depthwise {
            tiledDepthwise(x, y, r)
        } else if plan.role == .pointwise {
            tiledPointwise(x, y, r)
        } else {
            matrixProduct(x, y, r)
        }
    }

    /// Input channels each output reads per tap (per group for a grouped conv, 1 for a DW).
    var channelsPerTap: Int { depthwise ? 1 : filterShape.c }

    // MARK: folded engines (streaming, layer pipeline)

    /// Every output pixel of every image; the first image's steps and MACs are the frame's events.
    func folded<In: QuantizedElement, Out: QuantizedElement>(_ x: UnsafePointer<In>, _ y: UnsafeMutablePointer<Out>) {
        for b in 0..<outShape.n {
            for oy in 0..<outShape.h {
                for ox in 0..<outShape.w {
                    pixel(x, y, b, oy, ox, simd: max(1, plan.foldSIMD), pe: max(1, plan.foldPE), recording: b == 0)
                }
            }
        }
        e.recordFrameTransfers(op, into: &ledger)
    }

    /// Output pixel (b, oy, ox), every output channel, in a folded engine's order: PE outputs at a
    /// time; for each, the window tap by tap and SIMD input channels at a time (FINN's MVAU), or for a
    /// DW SIMD taps at a time. `recording`: one step is recorded per SIMD fold of each PE fold, and
    /// every output's multiply-accumulates. Within a tap the input channels still run in ascending
    /// order, so a saturating accumulator sees the reference's blocks.
    func pixel<In: QuantizedElement, Out: QuantizedElement>(_ x: UnsafePointer<In>, _ y: UnsafeMutablePointer<Out>,
                                                            _ b: Int, _ oy: Int, _ ox: Int, simd: Int, pe: Int, recording: Bool) {
        let w = p.window
        let rule = AccumulatorRule(p.accumulator)
        let offset = Int64(p.inputOffset)
        let padContribution = Int64(p.paddingValue) + offset
        let inC = channelsPerTap, taps = w.kernelHeight * w.kernelWidth
        let perGroup = depthwise ? 1 : filterShape.n / max(1, inShape.c / max(1, inC))
        ChannelRequantizer.with(p.requantizer, rounding: .double) { rq in
            for oc0 in stride(from: 0, to: outShape.c, by: pe) {
                let ocs = oc0..<min(outShape.c, oc0 + pe)
                var acc = [Int64](repeating: 0, count: ocs.count)
                if depthwise {
                    for t0 in stride(from: 0, to: taps, by: simd) {
                        if recording { StreamFolding.recordSteps(1, into: &ledger) }
                        for (k, oc) in ocs.enumerated() {
                            for t in t0..<min(taps, t0 + simd) {
                                let (ky, kx) = t.quotientAndRemainder(dividingBy: w.kernelWidth)
                                let iy = oy * w.strideHeight - w.padTop + ky * w.dilationHeight
                                let ix = ox * w.strideWidth - w.padLeft + kx * w.dilationWidth
                                let inside = iy >= 0 && iy < inShape.h && ix >= 0 && ix < inShape.w
                                let v = inside ? Int64(x[inShape.offset(b, iy, ix, oc / p.depthMultiplier)]) &+ offset : padContribution
                                acc[k] &+= Int64(filter[filterShape.offset(0, ky, kx, oc)]) &* v
                            }
                        }
                    }
                    // The whole window is one block.
                    for k in acc.indices { acc[k] = rule.add(0, acc[k]) }
                } else {
                    for ky in 0..<w.kernelHeight {
                        let iy = oy * w.strideHeight - w.padTop + ky * w.dilationHeight
                        for kx in 0..<w.kernelWidth {
                            let ix = ox * w.strideWidth - w.padLeft + kx * w.dilationWidth
                            if recording { for _ in stride(from: 0, to: inC, by: simd) { StreamFolding.recordSteps(1, into: &ledger) } }
                            let inside = iy >= 0 && iy < inShape.h && ix >= 0 && ix < inShape.w
                            if !inside && padContribution == 0 { continue }
                            for (k, oc) in ocs.enumerated() {
                                let wBase = filterShape.offset(oc, ky, kx, 0)
                                let xBase = inside ? inShape.offset(b, iy, ix, (oc / perGroup) * inC) : 0
                                acc[k] = rule.accumulate(acc[k], count: inC) { ic in
                                    let v = inside ? Int64(x[xBase + ic]) &+ offset : padContribution
                                    return Int64(filter[wBase + ic]) &* v
                                }
                            }
                        }
                    }
                }
                for (k, oc) in ocs.enumerated() {
                    if recording { StreamFolding.recordMACs(taps &* inC, into: &ledger) }
                    let withBias = Int32(truncatingIfNeeded: acc[k]) &+ (p.bias.isEmpty ? 0 : p.bias[oc])
                    y[outShape.offset(b, oy, ox, oc)] = Out(truncatingIfNeeded: rq.apply(withBias, channel: oc))
                }
            }
        }
    }
}
