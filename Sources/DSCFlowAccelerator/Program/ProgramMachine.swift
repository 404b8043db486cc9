import CDSCFlowSIMD
import DSCFlow

/// Executes an `AcceleratorProgram` on its buffers: the state of the whole design (every on-chip and
/// off-chip buffer, zero at creation) plus the input bytes. `run` executes the schedule step by step
/// with the chosen kernels (`KernelPath`: the C builds of `dscsimd_apfixed.h`, or the Swift reference)
/// and counts its cycles; the state persists from run to run, as on the board, until `reset`.
/// Not thread-safe: one machine per thread (they can share the program).
public final class ProgramMachine {
    /// The program executed.
    public let program: AcceleratorProgram
    /// The kernel path in use (`auto` resolved).
    public let kernelPath: KernelPath
    private let memory: UnsafeMutablePointer<Int16>
    private let memoryCount: Int
    private let offsets: [Int]
    private let inputStorage: UnsafeMutablePointer<UInt8>
    private let kernels: ProgramKernels
    /// The program's cycles (they do not depend on the data).
    public let cycles: ProgramCycles

    /// A machine in the all-zero state. Throws if `kernels` cannot run on this CPU.
    public init(program: AcceleratorProgram, kernels: KernelPath = .auto) throws {
        self.program = program
        let path = try kernels.resolved()
        self.kernelPath = path
        self.kernels = try ProgramKernels(path)
        self.cycles = ProgramCycles(program: program)
        var offsets: [Int] = []
        var total = 0
        for b in program.buffers {
            offsets.append(total)
            total += b.elements  // validated: far from overflow
        }
        self.offsets = offsets
        memoryCount = total
        memory = .allocate(capacity: max(total, 1))
        memory.initialize(repeating: 0, count: max(total, 1))
        let inputCount = program.inputBytes + program.inputSlack
        inputStorage = .allocate(capacity: max(inputCount, 1))
        inputStorage.initialize(repeating: 0, count: max(inputCount, 1))
    }

    deinit {
        memory.deallocate()
        inputStorage.deallocate()
    }

    /// The names of the depthwise and pointwise kernels in use.
    public var kernelNames: (depthwise: String, pointwise: String) { (kernels.dwName, kernels.pwName) }

    /// Where the host writes the program's input (`program.inputBytes` bytes); the slack after it stays 0.
    public var input: UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(start: inputStorage, count: program.inputBytes)
    }

    /// Every buffer back to 0 (the state after loading the bitstream); the input is kept.
    public func reset() {
        memory.update(repeating: 0, count: max(memoryCount, 1))
    }

    /// The codes of one canvas (`rows` × `cols` × `lanes`, pixel-major), read in place (valid until the
    /// next `run` or `reset`). Nil for a reference outside the program's buffers.
    public func canvas(_ r: BufferRef) -> UnsafeBufferPointer<Int16>? {
        guard r.buffer >= 0, r.buffer < program.buffers.count else { return nil }
        let b = program.buffers[r.buffer]
        guard r.instance >= 0, r.instance < b.instances else { return nil }
        return UnsafeBufferPointer(start: base(r), count: b.canvasElements)
    }

    /// The index of the buffer named `name`, if any.
    public func buffer(named name: String) -> Int? { program.buffers.firstIndex { $0.name == name } }

    private func base(_ r: BufferRef) -> UnsafeMutablePointer<Int16> {
        memory + offsets[r.buffer] + r.instance * program.buffers[r.buffer].canvasElements
    }

    /// Cell (row, col) of canvas `r`.
    private func cell(_ r: BufferRef, _ row: Int, _ col: Int) -> UnsafeMutablePointer<Int16> {
        let b = program.buffers[r.buffer]
        return base(r) + (row * b.cols + col) * b.lanes
    }

    private func rowStride(_ r: BufferRef) -> Int { program.buffers[r.buffer].cols * program.buffers[r.buffer].lanes }

    /// Runs the whole schedule on the current state and input; `afterStep` (if given) is called with
    /// each step's index once it has executed. Returns the cycles per layer.
    @discardableResult
    public func run(afterStep: ((Int) -> Void)? = nil) -> [CycleLedger] {
        for (i, step) in program.steps.enumerated() {
            execute(step.operation)
            afterStep?(i)
        }
        return cycles.ledgers
    }

    private func execute(_ op: ProgramOperation) {
        let p = program.parameters
        switch op {
        case let .loadImage(dst, g, offset, rowStride, planeStride, channels):
            let b = program.buffers[dst.buffer]
            kernels.loadImage(cell(dst, g.row, g.col), g.rows, g.cols, b.lanes, self.rowStride(dst),
                              inputStorage + offset, channels, planeStride, rowStride)
        case let .presetBias(dst, g, word):
            let b = program.buffers[dst.buffer]
            var value = [Int16](repeating: 0, count: b.lanes)
            for l in 0..<b.lanes {
                value[l] = Int16(APFixed.convert(Int32(p.bias(word: word, lane: l)), from: APFixed.wt, to: b.format))
            }
            value.withUnsafeBufferPointer { kernels.fill(cell(dst, g.row, g.col), g.rows, g.cols, b.lanes, rowStride(dst), $0.baseAddress!) }
        case let .clear(dst, g):
            let b = program.buffers[dst.buffer]
            for r in 0..<g.rows { cell(dst, g.row + r, g.col).update(repeating: 0, count: g.cols * b.lanes) }
        case let .depthwise(src, dst, g, group, relu):
            var a = dscsimd_apfixed_dw(src: cell(src, g.row, g.col), dst: cell(dst, g.row, g.col), rows: Int32(g.rows),
                                       cols: Int32(g.cols), lanes: Int32(p.lanes), src_row_stride: Int32(rowStride(src)),
                                       dst_row_stride: Int32(rowStride(dst)), weights: p.depthwiseGroup(group), relu: relu ? 1 : 0)
            kernels.dw(&a)
        case let .pointwise(src, acc, g, block):
            var a = dscsimd_apfixed_pw(src: cell(src, g.row, g.col), acc: cell(acc, g.row, g.col), rows: Int32(g.rows),
                                       cols: Int32(g.cols), in_lanes: Int32(p.lanes), out_lanes: Int32(p.lanes),
                                       src_row_stride: Int32(rowStride(src)), acc_row_stride: Int32(rowStride(acc)),
                                       weights: p.pointwiseBlock(block))
            kernels.pw(&a)
        case let .maxPool(src, srcRow, srcCol, dst, g):
            kernels.maxPool(cell(dst, g.row, g.col), cell(src, srcRow, srcCol), g.rows, g.cols, program.buffers[dst.buffer].lanes,
                            rowStride(dst), rowStride(src))
        case let .store(dst, src, g):
            let lanes = program.buffers[dst.buffer].lanes
            let convert = program.buffers[src.buffer].format != program.buffers[dst.buffer].format
            for r in 0..<g.rows {
                let d = cell(dst, g.row + r, g.col), s = cell(src, g.row + r, g.col)
                if convert { kernels.accToFM(d, s, g.cols * lanes) } else { kernels.relu(d, s, g.cols * lanes) }
            }
        case let .copy(dst, g, src, srcRow, srcCol):
            let d = program.buffers[dst.buffer], s = program.buffers[src.buffer]
            for r in 0..<g.rows {
                let to = cell(dst, g.row + r, g.col), from = cell(src, srcRow + r, srcCol)
                // Every buffer holds codes of its format (`AcceleratorProgram` validates every write), so
                // only a source format wider than the destination's registers can lose bits.
                if d.registerBits < s.format.width {
                    kernels.truncate(to, from, g.cols * d.lanes, d.registerBits)
                } else {
                    to.update(from: from, count: g.cols * d.lanes)
                }
            }
        case let .reorg(src, srcRow, srcCol, dsts, g, fieldBits):
            let w = dsts.map { program.buffers[$0.buffer].registerBits }
            let s = dsts.map { Int32(rowStride($0)) }
            var a = dscsimd_apfixed_reorg(
                src: cell(src, srcRow, srcCol), src_row_stride: Int32(rowStride(src)),
                dst: (cell(dsts[0], g.row, g.col), cell(dsts[1], g.row, g.col), cell(dsts[2], g.row, g.col), cell(dsts[3], g.row, g.col)),
                dst_row_stride: (s[0], s[1], s[2], s[3]),
                field_bits: (Int32(fieldBits[0]), Int32(fieldBits[1]), Int32(fieldBits[2]), Int32(fieldBits[3])),
                width_bits: (Int32(w[0]), Int32(w[1]), Int32(w[2]), Int32(w[3])), rows: Int32(g.rows), cols: Int32(g.cols))
            kernels.reorg(&a)
        case let .selectBox(src, g, confidence, boxLanes, threshold, dst, outCell):
            selectBox(src, g, confidence, boxLanes, threshold, dst, outCell)
        case .loadWeights:
            break
        }
    }

    /// `compute_bounding_box` (FACTS §9): raster-order scans with a strict `>` carried across anchors.
    private func selectBox(_ src: BufferRef, _ g: CellRegion, _ confidence: [Int], _ boxLanes: [[Int]], _ threshold: Int32,
                           _ dst: BufferRef, _ outCell: Int) {
        var best = threshold, anchor = 0, row = 0, col = 0
        for (j, lane) in confidence.enumerated() {
            for r in g.row..<(g.row + g.rows) {
                for c in g.col..<(g.col + g.cols) {
                    let v = Int32(cell(src, r, c)[lane])
                    if v > best { (best, anchor, row, col) = (v, j, r, c) }
                }
            }
        }
        let b = program.buffers[dst.buffer]
        let out = base(dst) + outCell * b.lanes
        let winner = cell(src, row, col)
        var words = [Int32(anchor), Int32(col - g.col), Int32(row - g.row)]
        words += boxLanes[anchor].map { Int32(winner[$0]) }
        words.append(Int32(winner[confidence[anchor]]))
        for (l, w) in words.enumerated() { out[l] = Int16(truncatingIfNeeded: w) }
    }
}

/// The kernels a machine calls: one ISA build of the C kernels, or the Swift reference.
struct ProgramKernels {
    let dwName: String, pwName: String
    let dw: (UnsafeMutablePointer<dscsimd_apfixed_dw>) -> Void
    let pw: (UnsafeMutablePointer<dscsimd_apfixed_pw>) -> Void
    let fill: (UnsafeMutablePointer<Int16>, Int, Int, Int, Int, UnsafePointer<Int16>) -> Void
    let relu: (UnsafeMutablePointer<Int16>, UnsafePointer<Int16>, Int) -> Void
    let accToFM: (UnsafeMutablePointer<Int16>, UnsafePointer<Int16>, Int) -> Void
    let truncate: (UnsafeMutablePointer<Int16>, UnsafePointer<Int16>, Int, Int) -> Void
    let maxPool: (UnsafeMutablePointer<Int16>, UnsafePointer<Int16>, Int, Int, Int, Int, Int) -> Void
    let loadImage: (UnsafeMutablePointer<Int16>, Int, Int, Int, Int, UnsafePointer<UInt8>, Int, Int, Int) -> Void
    let reorg: (UnsafeMutablePointer<dscsimd_apfixed_reorg>) -> Void

    init(_ path: KernelPath) throws {
        guard let isa = path.isa else {
            typealias R = APFixedReferenceKernels
            dwName = "apfixed-dw3x3-reference"
            pwName = "apfixed-pw16-reference"
            dw = { R.depthwise($0) }
            pw = { R.pointwise($0) }
            fill = { R.fill($0, rows: $1, cols: $2, lanes: $3, rowStride: $4, value: $5) }
            relu = { R.relu($0, $1, count: $2) }
            accToFM = { R.accumulatorToFeatureReLU($0, $1, count: $2) }
            truncate = { R.truncate($0, $1, count: $2, bits: $3) }
            maxPool = { R.maxPool($0, $1, rows: $2, cols: $3, lanes: $4, dstRowStride: $5, srcRowStride: $6) }
            loadImage = { R.loadImage($0, rows: $1, cols: $2, lanes: $3, dstRowStride: $4, src: $5, channels: $6, planeStride: $7, srcRowStride: $8) }
            reorg = { R.reorg($0) }
            return
        }
        guard let k = dscsimd_apfixed_kernels_find(isa), let dwFn = k.pointee.dw, let pwFn = k.pointee.pw else {
            throw DSCError.unsupported(op: -1, name: "kernel path \(path.rawValue)", reason: "no ap_fixed kernels for it on this CPU")
        }
        dwName = String(cString: k.pointee.dw_name)
        pwName = String(cString: k.pointee.pw_name)
        dw = { dwFn($0) }
        pw = { pwFn($0) }
        fill = { dscsimd_apfixed_fill($0, Int32($1), Int32($2), Int32($3), Int32($4), $5) }
        relu = { dscsimd_apfixed_relu($0, $1, $2) }
        accToFM = { dscsimd_apfixed_acc_to_fm_relu($0, $1, $2) }
        truncate = { dscsimd_apfixed_truncate($0, $1, $2, Int32($3)) }
        maxPool = { dscsimd_apfixed_maxpool($0, $1, Int32($2), Int32($3), Int32($4), Int32($5), Int32($6)) }
        let table = Self.inputTable
        loadImage = { dst, rows, cols, lanes, drs, src, ch, plane, srs in
            table.withUnsafeBufferPointer {
                dscsimd_apfixed_load_image(dst, Int32(rows), Int32(cols), Int32(lanes), Int32(drs), src, Int32(ch), Int64(plane),
                                           Int32(srs), $0.baseAddress!)
            }
        }
        reorg = { dscsimd_apfixed_reorg2x2($0) }
    }

    /// `APFixed.inputCode` of every byte.
    static let inputTable: [Int16] = (0...255).map { Int16(APFixed.inputCode(UInt8($0))) }
}

