import DSCFlow
/// One conv-like operator executed in an accelerator's loop order (see `AcceleratorEmulator`).
/// The arithmetic is the operator's: `AccumulatorRule` (wrapping int32, or saturating after every
/// `channelBlock` input channels in ascending order) and `ChannelRequantizer`, exactly as the
/// reference kernels apply them; only the order of the loops around each output changes.
final class EmulatedConvolution: TypedKernel {
    let e: AcceleratorEmulator
    let op: Operator
    let p: ConvolutionParameters
    let plan: LayerPlan
    let depthwise: Bool
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

    /// Runs the operator; returns its ledger.
    func dispatch() -> CycleLedger {
        let m = e.model
        dispatch(m.tensors[op.inputs[0]].type, m.tensors[op.outputs[0]].type, e.address(op.inputs[0]),
                 UnsafeMutableRawPointer(mutating: e.address(op.outputs[0])))
        return ledger
    }

    func run<In: QuantizedElement, Out: QuantizedElement>(_ x: UnsafePointer<In>, _ y: UnsafeMutablePointer<Out>) {
        let grouped = !depthwise && filterShape.c != inShape.c
        guard let rules else {
            folded(x, y)
            return
        }
        if depthwise {
            tiledDepthwise(x, y)
        } else if plan.role == .pointwise && !grouped {
            tiledPointwise(x, y)
        } else {
            // A standard conv on a tiled engine runs as a matrix product on the PW array.
            for b in 0..<outShape.n { for oy in 0..<outShape.h { for ox in 0..<outShape.w {
                for oc in 0..<outShape.c { y[outShape.offset(b, oy, ox, oc)] = Out(truncatingIfNeeded: output(x, b, oy, ox, oc)) }
            } } }
            ledger = CostModel.tiled(plan, rules, e.model)
        }
    }

    // MARK: the tile grid

    /// The output rectangle (rows, columns; per-image coordinates) of tile (ty, tx) inside image `n`.
    func tileRect(ty: Int, tx: Int, image n: Int) -> (Int, Int, Int, Int)? {
        let c = e.config, h = outShape.h, w = outShape.w
        guard let t = rules?.engine.tiles, let loader = rules?.engine.imageLoader else { return nil }
        if plan.singleTile { return (0, h, 0, w) }
        if plan.imageInput && !loader.stitched {
            let perImage = LayerPlanner.ceilDiv(h, t.rows)
            guard ty / perImage == n else { return nil }
            let r = ty % perImage
            return (r * t.rows, min(h, (r + 1) * t.rows), tx * t.cols, min(w, (tx + 1) * t.cols))
        }
        let gr = n / c.batchGridCols, gc = n % c.batchGridCols
        let y0 = max(ty * t.rows, gr * h), y1 = min((ty + 1) * t.rows, gr * h + h)
        let x0 = max(tx * t.cols, gc * w), x1 = min((tx + 1) * t.cols, gc * w + w)
        if y0 >= y1 || x0 >= x1 { return nil }
        return (y0 - gr * h, y1 - gr * h, x0 - gc * w, x1 - gc * w)
    }

    /// The model's images; image n sits in batch slot n mod `batch` (a model batch larger than the
    /// accelerator's is several runs; the ledger counts one run, like the cost model).
    var dataImages: Int { outShape.n }

    /// The rectangle of tile (ty, tx) inside model image `n`, placed in its batch slot.
    func imageRect(ty: Int, tx: Int, image n: Int) -> (Int, Int, Int, Int)? {
        tileRect(ty: ty, tx: tx, image: n % e.config.batch)
    }

    // MARK: depthwise through a line buffer

    func tiledDepthwise<In: QuantizedElement, Out: QuantizedElement>(_ x: UnsafePointer<In>, _ y: UnsafeMutablePointer<Out>) {
        guard let r = rules else { return }
        let c = e.config
        let lanes = c.lanes
        let groups = plan.inGroups
        // Groups are numbered over the input channels; with a depth multiplier a group's outputs are
        // lanes·m channels (the reorg-fed groups come first, as in the concatenated map).
        let mult = p.depthMultiplier
        for ty in 0..<plan.tileRowsCount {
            if ty < plan.tileRowRuns { r.recordPipelineFill(plan, into: &ledger) }
            for tx in 0..<plan.tileColsCount {
                for g in 0..<groups {
                    r.recordDepthwiseGroup(plan, reorg: g < plan.reorgGroups, into: &ledger)
                    let ic0 = g * lanes, ic1 = min(inShape.c, ic0 + lanes)
                    for n in 0..<dataImages {
                        guard let rect = imageRect(ty: ty, tx: tx, image: n) else { continue }
                        lineBufferWindow(x, y, image: n, rect: rect, ic0: ic0, ic1: ic1, mult: mult)
                    }
                }
            }
        }
        ledger.onChipBytes &+= plan.outHeight &* plan.outWidth &* groups &* lanes &* plan.taps &* c.batch
    }

    /// Computes the outputs of `rect` for input channels ic0..<ic1: input rows stream into a ring of
    /// K rows (the line buffer); each output reads its K×K window from the ring.
    func lineBufferWindow<In: QuantizedElement, Out: QuantizedElement>(
        _ x: UnsafePointer<In>, _ y: UnsafeMutablePointer<Out>, image n: Int, rect: (Int, Int, Int, Int),
        ic0: Int, ic1: Int, mult: Int
    ) {
        let w = p.window
        let (y0, y1, x0, x1) = rect
        let span = (w.kernelHeight - 1) * w.dilationHeight + 1
        let colStart = x0 * w.strideWidth - w.padLeft
        let width = (x1 - 1 - x0) * w.strideWidth + (w.kernelWidth - 1) * w.dilationWidth + 1
        let chans = ic1 - ic0
        let offset = Int64(p.inputOffset)
        let pad = Int64(p.paddingValue) + offset
        var ring = [Int64](repeating: 0, count: span * width * chans)
        var ringRow = [Int](repeating: Int.min, count: span)  // which input row each slot holds
        let rule = AccumulatorRule(p.accumulator)
        p.bias.withUnsafeBufferPointer { bias in
            ChannelRequantizer.with(p.requantizer, rounding: .double) { rq in
                ring.withUnsafeMutableBufferPointer { ring in
                    for oy in y0..<y1 {
                        let top = oy * w.strideHeight - w.padTop
                        // Shift the needed rows into the line buffer.
                        for k in 0..<span {
                            let iy = top + k
                            let slot = ((iy % span) + span) % span
                            if ringRow[slot] == iy { continue }
                            ringRow[slot] = iy
                            let rowBase = slot * width * chans
                            for cx in 0..<width {
                                let ix = colStart + cx
                                let inside = iy >= 0 && iy < inShape.h && ix >= 0 && ix < inShape.w
                                let src = inside ? inShape.offset(n, iy, ix, ic0) : 0
                                for ch in 0..<chans {
                                    ring[rowBase + cx * chans + ch] = inside ? Int64(x[src + ch]) + offset : pad
                                }
                            }
                        }
                        for ox in x0..<x1 {
                            let left = (ox - x0) * w.strideWidth
                            for ic in ic0..<ic1 {
                                for k in 0..<mult {
                                    let oc = ic * mult + k
                                    var sum: Int64 = 0
                                    for ky in 0..<w.kernelHeight {
                                        let iy = top + ky * w.dilationHeight
                                        let slot = ((iy % span) + span) % span
                                        let rowBase = slot * width * chans
                                        for kx in 0..<w.kernelWidth {
                                            let v = ring[rowBase + (left + kx * w.dilationWidth) * chans + (ic - ic0)]
                                            sum &+= Int64(filter[filterShape.offset(0, ky, kx, oc)]) &* v
                                        }
                                    }
                                    let acc = rule.add(0, sum)
                                    let withBias = Int32(truncatingIfNeeded: acc) &+ (bias.isEmpty ? 0 : bias[oc])
                                    y[outShape.offset(n, oy, ox, oc)] = Out(truncatingIfNeeded: rq.apply(withBias, channel: oc))
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    // MARK: pointwise by channel groups and input blocks

    func tiledPointwise<In: QuantizedElement, Out: QuantizedElement>(_ x: UnsafePointer<In>, _ y: UnsafeMutablePointer<Out>) {
        guard let r = rules else { return }
        let c = e.config
        let lanes = c.lanes
        r.recordResidentWeights(plan, into: &ledger)
        let rule = AccumulatorRule(p.accumulator)
        let inC = inShape.c
        var acc: [Int64] = []
        var partial: [Int64] = []
        p.bias.withUnsafeBufferPointer { bias in
            ChannelRequantizer.with(p.requantizer, rounding: .double) { rq in
                for ty in 0..<plan.tileRowsCount {
                    for tx in 0..<plan.tileColsCount {
                        for mx in 0..<plan.outGroups {
                            let oc0 = mx * lanes, oc1 = min(outShape.c, oc0 + lanes)
                            r.recordPointwiseOutputGroup(plan, into: &ledger)
                            let rects = (0..<dataImages).map { imageRect(ty: ty, tx: tx, image: $0) }
                            var count = 0
                            for rect in rects { if let (a, b, cc, d) = rect { count += (b - a) * (d - cc) } }
                            let ocs = oc1 - oc0
                            acc = [Int64](repeating: 0, count: count * ocs)
                            partial = [Int64](repeating: 0, count: count * ocs)
                            for nx in 0..<plan.inGroups {
                                r.recordPointwiseInputGroup(plan, inGroup: nx, outGroup: mx, into: &ledger)
                                // The input group's channels, ascending; blocks of the op's accumulator.
                                let ic0 = nx * lanes, ic1 = min(inC, ic0 + lanes)
                                var k = 0
                                for (n, rect) in rects.enumerated() {
                                    guard let (ry0, ry1, rx0, rx1) = rect else { continue }
                                    for oy in ry0..<ry1 {
                                        for ox in rx0..<rx1 {
                                            let xBase = inShape.offset(n, oy, ox, 0)
                                            for oc in oc0..<oc1 {
                                                let s = k * ocs + (oc - oc0)
                                                var a = acc[s], part = partial[s]
                                                let wBase = filterShape.offset(oc, 0, 0, 0)
                                                for ic in ic0..<ic1 {
                                                    part &+= Int64(filter[wBase + ic]) &* (Int64(x[xBase + ic]) &+ Int64(p.inputOffset))
                                                    if (ic + 1) % rule.block == 0 || ic == inC - 1 {
                                                        a = rule.add(a, part)
                                                        part = 0
                                                    }
                                                }
                                                acc[s] = a
                                                partial[s] = part
                                            }
                                            k += 1
                                        }
                                    }
                                }
                            }
                            // Activation and export of the finished output group.
                            var k = 0
                            for (n, rect) in rects.enumerated() {
                                guard let (ry0, ry1, rx0, rx1) = rect else { continue }
                                for oy in ry0..<ry1 {
                                    for ox in rx0..<rx1 {
                                        for oc in oc0..<oc1 {
                                            let withBias = Int32(truncatingIfNeeded: acc[k * ocs + (oc - oc0)]) &+ (bias.isEmpty ? 0 : bias[oc])
                                            y[outShape.offset(n, oy, ox, oc)] = Out(truncatingIfNeeded: rq.apply(withBias, channel: oc))
                                        }
                                        k += 1
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        ledger.onChipBytes &+= plan.issuedMACs &* c.batch
    }

    // MARK: folded engines (streaming, layer pipeline)

    func folded<In: QuantizedElement, Out: QuantizedElement>(_ x: UnsafePointer<In>, _ y: UnsafeMutablePointer<Out>) {
        let simd = max(1, plan.foldSIMD), pe = max(1, plan.foldPE)
        let taps = p.window.kernelHeight * p.window.kernelWidth
        // Cycles per output pixel: the fold loops of the MVAU / the DW window unit.
        let perPixel = depthwise ? LayerPlanner.ceilDiv(taps, simd) * LayerPlanner.ceilDiv(outShape.c, pe)
                                 : taps * LayerPlanner.ceilDiv(filterShape.c, simd) * LayerPlanner.ceilDiv(outShape.c, pe)
        for b in 0..<max(outShape.n, 1) {
            for oy in 0..<outShape.h {
                for ox in 0..<outShape.w {
                    // PE folds over output channels; each output's SIMD folds run tap-major.
                    var oc0 = 0
                    while oc0 < outShape.c {
                        for oc in oc0..<min(outShape.c, oc0 + pe) {
                            y[outShape.offset(b, oy, ox, oc)] = Out(truncatingIfNeeded: output(x, b, oy, ox, oc))
                        }
                        oc0 += pe
                    }
                    if b == 0 { ledger.compute &+= perPixel }
                }
            }
        }
        ledger.onChipBytes &+= plan.usefulMACs
        e.addStreamIO(plan, &ledger)
    }

    /// One output value, taps in row-major order and input channels ascending within each tap
    /// (the reference order, which the saturating accumulator depends on).
    @inline(__always)
    func output<In: QuantizedElement>(_ x: UnsafePointer<In>, _ b: Int, _ oy: Int, _ ox: Int, _ oc: Int) -> Int32 {
        let w = p.window
        let rule = AccumulatorRule(p.accumulator)
        let offset = Int64(p.inputOffset)
        let padContribution = Int64(p.paddingValue) + offset
        var acc: Int64 = 0
        if depthwise {
            let ic = oc / p.depthMultiplier
            var sum: Int64 = 0
            for ky in 0..<w.kernelHeight {
                let iy = oy * w.strideHeight - w.padTop + ky * w.dilationHeight
                for kx in 0..<w.kernelWidth {
                    let ix = ox * w.strideWidth - w.padLeft + kx * w.dilationWidth
                    let inside = iy >= 0 && iy < inShape.h && ix >= 0 && ix < inShape.w
                    let v = inside ? Int64(x[inShape.offset(b, iy, ix, ic)]) &+ offset : padContribution
                    sum &+= Int64(filter[filterShape.offset(0, ky, kx, oc)]) &* v
                }
            }
            acc = rule.add(0, sum)
        } else {
            let inC = filterShape.c
            let perGroup = filterShape.n / (inShape.c / inC)
            let icBase = (oc / perGroup) * inC
            for ky in 0..<w.kernelHeight {
                let iy = oy * w.strideHeight - w.padTop + ky * w.dilationHeight
                for kx in 0..<w.kernelWidth {
                    let ix = ox * w.strideWidth - w.padLeft + kx * w.dilationWidth
                    let inside = iy >= 0 && iy < inShape.h && ix >= 0 && ix < inShape.w
                    if !inside && padContribution == 0 { continue }
                    let wBase = filterShape.offset(oc, ky, kx, 0)
                    let xBase = inside ? inShape.offset(b, iy, ix, icBase) : 0
                    var partial: Int64 = 0
                    var inBlock = 0
                    for ic in 0..<inC {
                        let v = inside ? Int64(x[xBase + ic]) &+ offset : padContribution
                        partial &+= Int64(filter[wBase + ic]) &* v
                        inBlock += 1
                        if inBlock == rule.block { acc = rule.add(acc, partial); partial = 0; inBlock = 0 }
                    }
                    if inBlock > 0 { acc = rule.add(acc, partial) }
                }
            }
        }
        let bias = p.bias.isEmpty ? 0 : p.bias[oc]
        let withBias = Int32(truncatingIfNeeded: acc) &+ bias
        return ChannelRequantizer.with(p.requantizer, rounding: .double) { $0.apply(withBias, channel: oc) }
    }
}
