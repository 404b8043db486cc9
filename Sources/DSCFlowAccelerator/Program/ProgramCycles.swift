import DSCFlow

/// The cycles of an accelerator program, from its events: every step is priced by the primitive
/// costs of the tiled-engine model (`TiledCycleRules` of the program's `AcceleratorConfig`, the same
/// trip count × II rules `CostModel` multiplies out), step by step as the schedule really issues them,
/// and recorded on its layer's `CycleLedger`. A transfer step marked `overlapsNext` runs alongside the
/// next step (ping-pong buffers): the pair costs the longer of the two.
///
/// Primitives over a region other than the design's loop region are priced in proportion to their
/// cells. Events the tiled model does not have (a register copy between buffers, a clear, the box
/// selection) cost one cell per cycle per pass.
public struct ProgramCycles: Sendable {
    /// One ledger per program layer (`AcceleratorProgram.layers`).
    public let ledgers: [CycleLedger]
    /// Per primitive name: how many steps and how many cycles they cost (before overlap).
    public let events: [String: (steps: Int, cycles: Int)]

    /// The cycles of `program` on its configuration.
    public init(program: AcceleratorProgram) {
        var ledgers = [CycleLedger](repeating: CycleLedger(), count: program.layers.count)
        var events: [String: (steps: Int, cycles: Int)] = [:]
        var pending: (layer: Int, event: Event)? = nil
        // `AcceleratorProgram` accepts tiled-engine configurations only, so `rules` is there.
        let rules = program.rules
        for step in program.steps {
            guard let rules else { break }
            let e = Self.price(step.operation, program, rules)
            let name = step.operation.name
            events[name, default: (0, 0)].steps += 1
            events[name, default: (0, 0)].cycles &+= e.cycles
            if step.overlapsNext {
                pending = (step.layer, e)
                continue
            }
            if let p = pending {
                // Ping-pong: the work counts; a longer transfer stalls it.
                ledgers[step.layer].compute &+= e.cycles
                ledgers[p.layer].stall &+= max(0, p.event.cycles - e.cycles)
                ledgers[p.layer].offChipBytes &+= p.event.bytes
                ledgers[step.layer].offChipBytes &+= e.bytes
                pending = nil
                continue
            }
            if e.memory { ledgers[step.layer].memory &+= e.cycles } else { ledgers[step.layer].compute &+= e.cycles }
            ledgers[step.layer].offChipBytes &+= e.bytes
        }
        self.ledgers = ledgers
        self.events = events
    }

    /// Cycles of one run (a batch).
    public var total: Int { ledgers.reduce(0) { $0 &+ $1.total } }

    /// A priced step: cycles, whether they are transfer (memory) cycles, DDR bytes moved.
    struct Event {
        var cycles: Int
        var memory: Bool
        var bytes: Int
    }

    /// `value` for `cells` cells when `value` is the price of `per` cells (rounded up; exact when equal).
    private static func scaled(_ value: Int, cells: Int, per: Int) -> Int {
        cells == per || per <= 0 ? value : saturatingInt((Double(value) * Double(cells) / Double(per)).rounded(.up))
    }

    static func price(_ op: ProgramOperation, _ program: AcceleratorProgram, _ r: TiledCycleRules) -> Event {
        let c = r.c, t = r.engine.tiles, passes = r.engine.passes
        let dwLoop = t.dwLoopRows &* t.dwLoopCols, pwLoop = r.pwArea, whole = t.bufferRows &* t.bufferCols
        func placement(_ b: BufferRef) -> ProgramBuffer.Placement { program.buffers[b.buffer].placement }
        switch op {
        case let .loadImage(_, g, _, _, _, channels):
            let per = r.engine.imageLoader.rows &* r.engine.imageLoader.cols
            return Event(cycles: scaled(r.imageLoadCycles(channels: channels, packedPixels: 1), cells: g.cells, per: per),
                         memory: true, bytes: scaled(r.imageLoadBytes(channels: channels), cells: g.cells, per: per))
        case let .presetBias(dst, g, _):
            let accumulator = program.buffers[dst.buffer].format == APFixed.acc
            return Event(cycles: scaled(r.sweepCycles(accumulator ? passes.pwPre : passes.dwPre), cells: g.cells, per: pwLoop),
                         memory: false, bytes: 0)
        case let .clear(_, g):
            return Event(cycles: g.cells, memory: false, bytes: 0)
        case let .depthwise(_, _, g, _, relu):
            let dw = scaled(r.dwCycles(taps: 9, packedPixels: 1), cells: g.cells, per: dwLoop)
            let post = relu ? scaled(r.sweepCycles(passes.dwPostOnChip), cells: g.cells, per: pwLoop) : 0
            return Event(cycles: dw &+ post, memory: false, bytes: 0)
        case let .pointwise(_, _, g, _):
            let lanes = program.parameters.lanes
            let pw = r.engine.pointwise
            let blocks = (lanes + pw.inputs - 1) / max(pw.inputs, 1), outPasses = (lanes + pw.outputs - 1) / max(pw.outputs, 1)
            let setup = blocks &* outPasses &* pw.blockSetupCycles
            let sweep = r.pwCycles(blocks: blocks, passes: outPasses) &- setup
            return Event(cycles: setup &+ scaled(sweep, cells: g.cells, per: pwLoop), memory: false, bytes: 0)
        case let .maxPool(_, _, _, _, g):
            let per = (t.rows / 2) &* (t.cols / 2)
            return Event(cycles: scaled(r.poolCycles(), cells: g.cells, per: per), memory: true,
                         bytes: scaled(r.poolBytes(), cells: g.cells, per: per))
        case let .store(dst, src, g):
            if placement(dst) == .onChip && placement(src) == .onChip { return Event(cycles: g.cells, memory: false, bytes: 0) }
            return Event(cycles: scaled(r.exportCycles(singleTile: true), cells: g.cells, per: whole), memory: true,
                         bytes: scaled(r.exportBytes(singleTile: true), cells: g.cells, per: whole))
        case let .copy(dst, g, src, _, _):
            if placement(dst) == .onChip && placement(src) == .onChip { return Event(cycles: g.cells, memory: false, bytes: 0) }
            let words = r.busWords(g.cells &* r.wordsPerPixel)
            return Event(cycles: words, memory: true, bytes: g.cells &* r.wordsPerPixel &* c.memory.busBytes)
        case let .reorg(_, _, _, _, g, _):
            // `reorgCyclesPerGroup` prices one destination group of a pass over the 4 images of a
            // batch; one step moves one image's source group into 4 destination groups.
            return Event(cycles: r.reorgCycles, memory: true, bytes: 4 &* g.cells &* r.wordsPerPixel &* c.memory.busBytes)
        case let .selectBox(_, g, confidence, _, _, _, _):
            return Event(cycles: g.cells &* confidence.count, memory: false, bytes: 0)
        case let .loadWeights(words):
            return Event(cycles: r.transfer(words, bytesPerBeat: r.weightWordBytes), memory: true, bytes: words &* r.weightWordBytes)
        }
    }
}
