import DSCFlow

/// An FPGA design's computation as the hardware performs it: named on-chip and off-chip buffers
/// and a schedule of primitive operations over them (`ProgramOperation`), executed literally by a
/// `ProgramMachine` so that every byte comes out as the design computes it — including what its
/// schedule leaves in cells that a layer-by-layer model would call padding — with a cycle count
/// from the same events the tiled-engine cost model prices (`ProgramCycles`).
///
/// Everything is validated here, once: every buffer reference, region, window, parameter index and
/// input read lies in range, so running the program needs no checks (and cannot trap).
/// docs/ISMART3.md describes the iSmart3 program and how the SkrSkr design maps onto the same facility.
public struct AcceleratorProgram: Sendable {
    /// The arithmetic of the compute primitives.
    public enum Arithmetic: Sendable, Equatable {
        /// Xilinx ap_fixed codes with the iSmart3 kernels' rules (`APFixed`, `dscsimd_apfixed.h`):
        /// depthwise accumulation in the feature type rounded and saturated per tap, pointwise in the
        /// accumulator type rounded and saturated per 16 input lanes, weights and biases in the weight type.
        case apFixed(feature: APFixed.Format, accumulator: APFixed.Format, weight: APFixed.Format)

        /// iSmart3's types: FM `ap_fixed<9,3>`, ACC `ap_fixed<12,4>`, WT `ap_fixed<11,4>`.
        public static let iSmart3 = Arithmetic.apFixed(feature: APFixed.fm, accumulator: APFixed.acc, weight: APFixed.wt)
    }

    /// The design's name (`ismart3-skynet`).
    public let name: String
    /// The buffers, referenced by index from `BufferRef`.
    public let buffers: [ProgramBuffer]
    /// Layer names for the cycle report, referenced by index from `ProgramStep.layer`.
    public let layers: [String]
    /// The schedule.
    public let steps: [ProgramStep]
    /// Bytes of the program's input (the image data the host copies to DDR).
    public let inputBytes: Int
    /// Zero bytes after the input that the image loader may read (DDR past the image buffer).
    public let inputSlack: Int
    /// The arithmetic of the compute primitives.
    public let arithmetic: Arithmetic
    /// The parameter words.
    public let parameters: ProgramParameters
    /// The design's configuration (a tiled engine), whose primitive costs price the steps (`ProgramCycles`).
    public let config: AcceleratorConfig
    /// Its primitive costs.
    let rules: TiledCycleRules?

    /// A program; throws `DSCError.invalidArgument` naming the first step or buffer that does not fit.
    public init(name: String, buffers: [ProgramBuffer], layers: [String], steps: [ProgramStep], inputBytes: Int,
                inputSlack: Int, arithmetic: Arithmetic, parameters: ProgramParameters, config: AcceleratorConfig) throws {
        self.name = name
        self.buffers = buffers
        self.layers = layers
        self.steps = steps
        self.inputBytes = inputBytes
        self.inputSlack = inputSlack
        self.arithmetic = arithmetic
        self.parameters = parameters
        self.config = config
        rules = TiledCycleRules(config)
        try config.validate()
        guard rules != nil else {
            throw DSCError.invalidArgument("program \(name): configuration \(config.name) is not a tiled engine; a program's steps are priced by the tiled-engine rules")
        }
        try validate()
    }

    /// Most cells a canvas may have, and canvases a buffer may have (sizes stay far from overflow).
    static let maxCanvasCells = 1 << 22, maxInstances = 1 << 16, maxInputBytes = 1 << 30, maxMemoryBytes = 1 << 32

    private func validate() throws {
        guard arithmetic == .iSmart3 else {
            throw DSCError.unsupported(op: -1, name: "program \(name)", reason: "arithmetic \(arithmetic) has no kernels (only iSmart3's ap_fixed<9,3> / <12,4> / <11,4>)")
        }
        if case let .apFixed(_, _, weight) = arithmetic, let bad = parameters.firstCode(outside: weight) {
            throw DSCError.invalidArgument("program \(name): \(bad)")
        }
        guard inputBytes >= 0, inputSlack >= 0, inputBytes <= Self.maxInputBytes, inputSlack <= Self.maxInputBytes else {
            throw DSCError.invalidArgument("program \(name): input of \(inputBytes) + \(inputSlack) bytes out of range")
        }
        var total = 0
        for b in buffers {
            guard b.rows >= 1, b.cols >= 1, b.instances >= 1, b.instances <= Self.maxInstances,
                  b.rows <= Self.maxCanvasCells, b.cols <= Self.maxCanvasCells / b.rows,
                  b.lanes >= 1, b.lanes <= 64, b.registerBits >= 1, b.registerBits <= 16,
                  b.format.width >= 1, b.format.width <= b.registerBits else {
                throw DSCError.invalidArgument("program \(name): buffer \(b.name) (\(b.instances)×\(b.rows)×\(b.cols)×\(b.lanes), \(b.registerBits)-bit \(b.format.name)) out of range")
            }
            let (sum, overflow) = total.addingReportingOverflow(b.elements * 2)
            guard !overflow, sum <= Self.maxMemoryBytes else {
                throw DSCError.outOfMemory("program \(name): its buffers need more than \(Self.maxMemoryBytes) bytes")
            }
            total = sum
        }
        for (i, s) in steps.enumerated() {
            guard s.layer >= 0 && s.layer < layers.count else {
                throw DSCError.invalidArgument("program \(name) step \(i): layer \(s.layer) of \(layers.count)")
            }
            if s.overlapsNext && i + 1 == steps.count {
                throw DSCError.invalidArgument("program \(name) step \(i): overlaps a next step that does not exist")
            }
            try check(s.operation, step: i)
        }
    }

    private func fail(_ step: Int, _ op: ProgramOperation, _ why: String) -> DSCError {
        .invalidArgument("program \(name) step \(step) (\(op.name)): \(why)")
    }

    private func buffer(_ r: BufferRef, _ step: Int, _ op: ProgramOperation) throws -> ProgramBuffer {
        guard r.buffer >= 0 && r.buffer < buffers.count else { throw fail(step, op, "buffer \(r.buffer) of \(buffers.count)") }
        let b = buffers[r.buffer]
        guard r.instance >= 0 && r.instance < b.instances else { throw fail(step, op, "\(b.name)[\(r.instance)] of \(b.instances)") }
        return b
    }

    private func region(_ g: CellRegion, in b: ProgramBuffer, margin: Int = 0, _ step: Int, _ op: ProgramOperation) throws {
        guard g.fits(rows: b.rows, cols: b.cols, margin: margin) else {
            throw fail(step, op, "cells \(g.rows)×\(g.cols) at (\(g.row), \(g.col))\(margin > 0 ? " with a \(margin)-cell halo" : "") outside \(b.name) (\(b.rows)×\(b.cols))")
        }
    }

    private func vectorLanes(_ b: ProgramBuffer, _ step: Int, _ op: ProgramOperation) throws {
        guard b.lanes == parameters.lanes else {
            throw fail(step, op, "\(b.name) has \(b.lanes) lanes; the parameters have \(parameters.lanes)")
        }
    }

    /// Every write keeps each buffer's codes within its format (`ProgramMachine` relies on it: a copy
    /// from a format no wider than the destination's register is then a plain copy).
    private func format(_ b: ProgramBuffer, _ allowed: [APFixed.Format], _ step: Int, _ op: ProgramOperation) throws {
        guard allowed.contains(b.format) else {
            throw fail(step, op, "\(b.name) holds \(b.format.name); expected \(allowed.map(\.name).joined(separator: " or "))")
        }
    }

    /// A compute primitive's operands: two different canvases of the parameters' lanes and the given
    /// formats, the region inside both (with a `margin`-cell halo in the source).
    private func engine(_ src: BufferRef, _ dst: BufferRef, _ g: CellRegion, margin: Int,
                        formats: (APFixed.Format, APFixed.Format), _ i: Int, _ op: ProgramOperation) throws {
        let s = try buffer(src, i, op), d = try buffer(dst, i, op)
        guard src != dst else { throw fail(i, op, "source and destination are the same canvas") }
        try region(g, in: s, margin: margin, i, op)
        try region(g, in: d, i, op)
        try vectorLanes(s, i, op)
        try vectorLanes(d, i, op)
        try format(s, [formats.0], i, op)
        try format(d, [formats.1], i, op)
    }

    private func check(_ op: ProgramOperation, step i: Int) throws {
        let p = parameters
        guard case let .apFixed(feature, accumulator, _) = arithmetic else { return }
        switch op {
        case let .loadImage(dst, g, offset, rowStride, planeStride, channels):
            let b = try buffer(dst, i, op)
            try region(g, in: b, i, op)
            try format(b, [feature], i, op)
            guard channels >= 1, channels <= b.lanes, offset >= 0, rowStride >= 0, planeStride >= 0,
                  offset <= Self.maxInputBytes, rowStride <= Self.maxInputBytes, planeStride <= Self.maxInputBytes else {
                throw fail(i, op, "offset \(offset), strides \(rowStride)/\(planeStride), \(channels) channels out of range")
            }
            // Highest byte read (all factors are bounded above, so no overflow).
            let last = offset + (channels - 1) * planeStride + (g.rows - 1) * rowStride + g.cols - 1
            guard last < inputBytes + inputSlack else {
                throw fail(i, op, "reads input byte \(last); the input has \(inputBytes) + \(inputSlack) bytes")
            }
        case let .presetBias(dst, g, word):
            let b = try buffer(dst, i, op)
            try region(g, in: b, i, op)
            try vectorLanes(b, i, op)
            try format(b, [feature, accumulator], i, op)
            guard word >= 0 && word < p.biasWords else { throw fail(i, op, "bias word \(word) of \(p.biasWords)") }
        case let .clear(dst, g):
            try region(g, in: try buffer(dst, i, op), i, op)
        case let .depthwise(src, dst, g, group, _):
            try engine(src, dst, g, margin: 1, formats: (feature, feature), i, op)
            guard group >= 0 && group < p.depthwiseGroups else { throw fail(i, op, "depthwise group \(group) of \(p.depthwiseGroups)") }
        case let .pointwise(src, acc, g, block):
            try engine(src, acc, g, margin: 0, formats: (feature, accumulator), i, op)
            guard block >= 0 && block < p.pointwiseBlocks else { throw fail(i, op, "pointwise block \(block) of \(p.pointwiseBlocks)") }
        case let .maxPool(src, srcRow, srcCol, dst, g):
            let s = try buffer(src, i, op), d = try buffer(dst, i, op)
            try region(g, in: d, i, op)
            guard g.rows <= Self.maxCanvasCells, g.cols <= Self.maxCanvasCells else { throw fail(i, op, "pool size out of range") }
            try region(CellRegion(row: srcRow, col: srcCol, rows: 2 * g.rows, cols: 2 * g.cols), in: s, i, op)
            guard s.lanes == d.lanes else { throw fail(i, op, "\(s.name) has \(s.lanes) lanes, \(d.name) \(d.lanes)") }
            try format(s, [accumulator], i, op)
            try format(d, [feature], i, op)
        case let .store(dst, src, g):
            let s = try buffer(src, i, op), d = try buffer(dst, i, op)
            try region(g, in: s, i, op)
            try region(g, in: d, i, op)
            guard s.lanes == d.lanes else { throw fail(i, op, "\(s.name) has \(s.lanes) lanes, \(d.name) \(d.lanes)") }
            try format(s, [feature, accumulator], i, op)
            try format(d, [feature], i, op)
        case let .copy(dst, g, src, srcRow, srcCol):
            let s = try buffer(src, i, op), d = try buffer(dst, i, op)
            try region(g, in: d, i, op)
            try region(CellRegion(row: srcRow, col: srcCol, rows: g.rows, cols: g.cols), in: s, i, op)
            guard s.lanes == d.lanes else { throw fail(i, op, "\(s.name) has \(s.lanes) lanes, \(d.name) \(d.lanes)") }
            if src.buffer == dst.buffer && src.instance == dst.instance && (srcRow != g.row || srcCol != g.col) {
                throw fail(i, op, "overlapping copy within one canvas")
            }
            guard s.format == d.format || d.registerBits == d.format.width else {
                throw fail(i, op, "\(s.format.name) codes into \(d.name)'s \(d.registerBits)-bit registers would not be \(d.format.name) codes")
            }
        case let .reorg(src, srcRow, srcCol, dsts, g, fieldBits):
            let s = try buffer(src, i, op)
            try format(s, [feature], i, op)
            guard s.lanes == 32, dsts.count == 4, fieldBits.count == 4 else {
                throw fail(i, op, "a 2×2 reorg moves a 32-lane canvas into 4 destinations")
            }
            guard g.rows <= Self.maxCanvasCells, g.cols <= Self.maxCanvasCells else { throw fail(i, op, "size out of range") }
            try region(CellRegion(row: srcRow, col: srcCol, rows: 2 * g.rows, cols: 2 * g.cols), in: s, i, op)
            for (d, bits) in zip(dsts, fieldBits) {
                let b = try buffer(d, i, op)
                guard b.lanes == 32, bits >= 1, bits <= b.registerBits,
                      b.registerBits == b.format.width || (bits == b.registerBits && b.format == s.format) else {
                    throw fail(i, op, "destination \(b.name): \(b.lanes) lanes, a \(bits)-bit field in \(b.registerBits)-bit \(b.format.name) registers")
                }
                guard d != src else { throw fail(i, op, "a destination is the source") }
                try region(g, in: b, i, op)
            }
            guard Set(dsts).count == 4 else { throw fail(i, op, "the 4 destinations must differ") }
        case let .selectBox(src, g, confidence, boxLanes, _, dst, outCell):
            let s = try buffer(src, i, op), d = try buffer(dst, i, op)
            try region(g, in: s, i, op)
            guard !confidence.isEmpty, confidence.count == boxLanes.count,
                  (confidence + boxLanes.flatMap { $0 }).allSatisfy({ $0 >= 0 && $0 < s.lanes }),
                  Set(boxLanes.map(\.count)).count == 1 else {
                throw fail(i, op, "confidence lanes \(confidence) / box lanes \(boxLanes) do not fit \(s.name)")
            }
            guard d.lanes >= 4 + boxLanes[0].count, outCell >= 0, outCell < d.rows * d.cols else {
                throw fail(i, op, "output cell \(outCell) of \(d.name) cannot hold \(4 + boxLanes[0].count) lanes")
            }
        case let .loadWeights(words):
            guard words >= 0 && words <= Self.maxCanvasCells else { throw fail(i, op, "\(words) words") }
        }
    }
}
