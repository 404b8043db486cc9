import DSCFlow
/// A conv-like operator on a tiled engine: tile by tile (`TileWalk`), channel group by channel group;
/// depthwise layers through a line buffer, pointwise layers by input blocks, other convolutions as
/// one matrix product on the PW array. The images of the model's batch sit in the accelerator's
/// batch slots (image n in slot n mod `batch`; a model batch larger than the accelerator's is
/// several runs, and the ledger counts one run, like the cost model).
extension EmulatedConvolution {
    // MARK: depthwise through a line buffer

    func tiledDepthwise<In: QuantizedElement, Out: QuantizedElement>(_ x: UnsafePointer<In>, _ y: UnsafeMutablePointer<Out>,
                                                                     _ r: TiledCycleRules) {
        let lanes = e.config.lanes, batch = e.config.batch
        // Groups are numbered over the input channels; with a depth multiplier a group's outputs are
        // lanes·m channels (the reorg-fed groups come first, as in the concatenated map).
        for tile in e.tileWalk(plan, r).tiles {
            if tile.startsRow { r.recordPipelineFill(plan, into: &ledger) }
            for (g, ic0) in stride(from: 0, to: inShape.c, by: lanes).enumerated() {
                r.recordDepthwiseGroup(plan, reorg: g < plan.reorgGroups, into: &ledger)
                r.recordDepthwiseWindows(plan, pixels: tile.pixels, into: &ledger)
                for n in 0..<outShape.n {
                    guard let rect = tile.rects[n % batch] else { continue }
                    lineBufferWindow(x, y, image: n, rect: rect, ic0: ic0, ic1: min(inShape.c, ic0 + lanes))
                }
            }
        }
    }

    /// Computes the outputs of `rect` for input channels ic0..<ic1: input rows stream into a ring of
    /// K rows (the line buffer); each output reads its K×K window from the ring.
    func lineBufferWindow<In: QuantizedElement, Out: QuantizedElement>(
        _ x: UnsafePointer<In>, _ y: UnsafeMutablePointer<Out>, image n: Int, rect: TileWalk.Rect, ic0: Int, ic1: Int
    ) {
        let w = p.window, mult = p.depthMultiplier
        let span = (w.kernelHeight - 1) * w.dilationHeight + 1
        let colStart = rect.x0 * w.strideWidth - w.padLeft
        let width = (rect.x1 - 1 - rect.x0) * w.strideWidth + (w.kernelWidth - 1) * w.dilationWidth + 1
        let chans = ic1 - ic0
        let offset = Int64(p.inputOffset)
        let pad = Int64(p.paddingValue) + offset
        var ring = [Int64](repeating: 0, count: span * width * chans)
        var ringRow = [Int](repeating: Int.min, count: span)  // which input row each slot holds
        let rule = AccumulatorRule(p.accumulator)
        p.bias.withUnsafeBufferPointer { bias in
            ChannelRequantizer.with(p.requantizer, rounding: .double) { rq in
                ring.withUnsafeMutableBufferPointer { ring in
                    for oy in rect.y0..<rect.y1 {
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
                        for ox in rect.x0..<rect.x1 {
                            let left = (ox - rect.x0) * w.strideWidth
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

    func tiledPointwise<In: QuantizedElement, Out: QuantizedElement>(_ x: UnsafePointer<In>, _ y: UnsafeMutablePointer<Out>,
                                                                     _ r: TiledCycleRules) {
        let lanes = e.config.lanes, batch = e.config.batch
        r.recordResidentWeights(plan, into: &ledger)
        let rule = AccumulatorRule(p.accumulator)
        let inC = inShape.c
        p.bias.withUnsafeBufferPointer { bias in
            ChannelRequantizer.with(p.requantizer, rounding: .double) { rq in
                for tile in e.tileWalk(plan, r).tiles {
                    // The model's images in this tile, and how many output pixels they have.
                    let rects = (0..<outShape.n).map { tile.rects[$0 % batch] }
                    let count = rects.reduce(0) { $0 + ($1?.area ?? 0) }
                    for (mx, oc0) in stride(from: 0, to: outShape.c, by: lanes).enumerated() {
                        let oc1 = min(outShape.c, oc0 + lanes), ocs = oc1 - oc0
                        r.recordPointwiseOutputGroup(plan, into: &ledger)
                        var acc = [Int64](repeating: 0, count: count * ocs)
                        var partial = [Int64](repeating: 0, count: count * ocs)
                        for (nx, ic0) in stride(from: 0, to: inC, by: lanes).enumerated() {
                            r.recordPointwiseInputGroup(plan, inGroup: nx, outGroup: mx, into: &ledger)
                            r.recordPointwiseOperands(plan, pixels: tile.pixels, inGroup: nx, outGroup: mx, into: &ledger)
                            // The input group's channels, ascending; blocks of the op's accumulator.
                            let ic1 = min(inC, ic0 + lanes)
                            var k = 0
                            for (n, rect) in rects.enumerated() {
                                guard let rect else { continue }
                                for oy in rect.y0..<rect.y1 {
                                    for ox in rect.x0..<rect.x1 {
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
                            guard let rect else { continue }
                            for oy in rect.y0..<rect.y1 {
                                for ox in rect.x0..<rect.x1 {
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

    // MARK: other convolutions: a matrix product on the PW array

    /// Each batch slot's outputs, each reading its window (`taps × channelsPerTap` multiply-accumulates),
    /// and each slot's input and output maps streamed over the bus.
    func matrixProduct<In: QuantizedElement, Out: QuantizedElement>(_ x: UnsafePointer<In>, _ y: UnsafeMutablePointer<Out>,
                                                                    _ r: TiledCycleRules) {
        let taps = p.window.kernelHeight * p.window.kernelWidth
        let bytes = operandBytesPerImage(op, e.model)
        var macs = 0, streamed = 0
        for b in 0..<max(outShape.n, e.config.batch) {
            for oy in 0..<outShape.h {
                for ox in 0..<outShape.w {
                    if b < outShape.n { pixel(x, y, b, oy, ox, simd: channelsPerTap, pe: outShape.c, recording: false) }
                    if b < e.config.batch { for _ in 0..<outShape.c { macs &+= taps &* channelsPerTap } }
                }
            }
            if b < e.config.batch { streamed &+= bytes.input &+ bytes.output }
        }
        r.recordMatrixProduct(macs: macs, bytes: streamed, into: &ledger)
    }
}
