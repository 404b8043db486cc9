import DSCFlow
@testable import DSCFlowAccelerator
import XCTest

/// The accelerator-program facility: validation (no trap from a bad program), literal execution of the
/// primitives on a tiny program, and the iSmart3 program's cycles against the tiled cost model.
final class AcceleratorProgramTests: XCTestCase {
    private func parameters(lanes: Int = 16, blocks: Int = 2, groups: Int = 2, words: Int = 2, seed: UInt64 = 1) throws -> ProgramParameters {
        var g = SeededGenerator(seed: seed)
        func codes(_ n: Int, _ lo: Int, _ hi: Int) -> [Int16] { (0..<n).map { _ in Int16(Int.random(in: lo...hi, using: &g)) } }
        return try ProgramParameters(lanes: lanes, pointwise: codes(blocks * lanes * lanes, -1024, 1023),
                                     depthwise: codes(groups * 9 * lanes, -1024, 1023), bias: codes(words * lanes, -1024, 1023))
    }

    private let fm = ProgramBuffer(name: "X", placement: .onChip, rows: 6, cols: 7, lanes: 16, registerBits: 9, format: APFixed.fm)
    private let fm2 = ProgramBuffer(name: "Y", placement: .onChip, rows: 6, cols: 7, lanes: 16, registerBits: 9, format: APFixed.fm)
    private let acc = ProgramBuffer(name: "E", placement: .onChip, rows: 6, cols: 7, lanes: 16, registerBits: 12, format: APFixed.acc)
    private let ddr = ProgramBuffer(name: "D", placement: .offChip, instances: 3, rows: 6, cols: 7, lanes: 16, registerBits: 16, format: APFixed.fm)

    private func program(_ ops: [ProgramOperation], parameters p: ProgramParameters? = nil, input: Int = 64) throws -> AcceleratorProgram {
        try AcceleratorProgram(name: "t", buffers: [fm, fm2, acc, ddr], layers: ["l"], steps: ops.map { ProgramStep($0, layer: 0) },
                               inputBytes: input, inputSlack: 0, arithmetic: .iSmart3, parameters: p ?? parameters(), config: .ismart3)
    }

    func testInvalidProgramsAreRejectedWithTheirStep() throws {
        let inner = CellRegion(row: 1, col: 1, rows: 4, cols: 5)
        let bad: [(ProgramOperation, String)] = [
            (.depthwise(src: BufferRef(0), dst: BufferRef(1), region: CellRegion(row: 0, col: 1, rows: 4, cols: 5), group: 0, relu: true), "halo"),
            (.depthwise(src: BufferRef(0), dst: BufferRef(0), region: inner, group: 0, relu: true), "same canvas"),
            (.depthwise(src: BufferRef(0), dst: BufferRef(1), region: inner, group: 2, relu: true), "group 2"),
            (.pointwise(src: BufferRef(0), acc: BufferRef(1), region: inner, block: 0), "ap_fixed<9,3>"),
            (.pointwise(src: BufferRef(0), acc: BufferRef(2), region: CellRegion(row: Int.max, col: 0, rows: 2, cols: 2), block: 0), "outside"),
            (.copy(dst: BufferRef(0), region: inner, src: BufferRef(3, 3), srcRow: 0, srcCol: 0), "D[3]"),
            (.copy(dst: BufferRef(0), region: inner, src: BufferRef(9), srcRow: 0, srcCol: 0), "buffer 9"),
            (.maxPool(src: BufferRef(2), srcRow: 1, srcCol: 1, dst: BufferRef(0), region: CellRegion(row: 0, col: 0, rows: 3, cols: 3)), "outside"),
            (.loadImage(dst: BufferRef(0), region: inner, offset: 60, rowStride: 7, planeStride: 0, channels: 3), "input byte"),
            (.presetBias(dst: BufferRef(3, 0), region: inner, word: -1), "bias word"),
            (.reorg(src: BufferRef(0), srcRow: 0, srcCol: 0, dst: [BufferRef(1)], region: inner, fieldBits: [9]), "32-lane"),
            (.selectBox(src: BufferRef(2), region: inner, confidenceLanes: [4, 40], boxLanes: [[0], [1]], threshold: 0, dst: BufferRef(3), outCell: 0), "lanes"),
        ]
        for (op, why) in bad {
            XCTAssertThrowsError(try program([.clear(dst: BufferRef(0), region: inner), op])) { e in
                XCTAssertTrue("\(e)".contains("step 1") && "\(e)".contains(why), "\(op.name): \(e)")
            }
        }
        XCTAssertThrowsError(try ProgramParameters(lanes: 24, pointwise: [], depthwise: [], bias: []))
        // Parameters outside the weight type (a hand-made .dscm could hold them) are refused.
        let wide = try ProgramParameters(lanes: 16, pointwise: [Int16](repeating: 0, count: 256), depthwise: [Int16](repeating: 1024, count: 144), bias: [])
        XCTAssertThrowsError(try program([.clear(dst: BufferRef(0), region: inner)], parameters: wide)) { e in
            XCTAssertTrue("\(e)".contains("depthwise code 1024"), "\(e)")
        }
    }

    /// A tiny program through every primitive, on every kernel path (the Swift reference included):
    /// all paths leave identical buffers, and the depthwise cell matches `APFixed` by hand.
    func testPrimitivesExecuteIdenticallyOnEveryPath() throws {
        let p = try parameters()
        let inner = CellRegion(row: 1, col: 1, rows: 4, cols: 5), whole = CellRegion(row: 0, col: 0, rows: 6, cols: 7)
        let prog = try program([
            .loadImage(dst: BufferRef(0), region: whole, offset: 0, rowStride: 7, planeStride: 2, channels: 3),
            .presetBias(dst: BufferRef(1), region: inner, word: 0),
            .depthwise(src: BufferRef(0), dst: BufferRef(1), region: inner, group: 1, relu: false),
            .store(dst: BufferRef(3, 0), src: BufferRef(1), region: whole),
            .copy(dst: BufferRef(0), region: whole, src: BufferRef(3, 0), srcRow: 0, srcCol: 0),
            .presetBias(dst: BufferRef(2), region: inner, word: 1),
            .pointwise(src: BufferRef(0), acc: BufferRef(2), region: inner, block: 1),
            .store(dst: BufferRef(3, 1), src: BufferRef(2), region: whole),
            .maxPool(src: BufferRef(2), srcRow: 1, srcCol: 1, dst: BufferRef(3, 2), region: CellRegion(row: 0, col: 0, rows: 2, cols: 2)),
            .copy(dst: BufferRef(1), region: whole, src: BufferRef(2), srcRow: 0, srcCol: 0),
            .clear(dst: BufferRef(2), region: CellRegion(row: 2, col: 2, rows: 1, cols: 1)),
        ], parameters: p, input: 64)
        var results: [[Int16]] = []
        for path in KernelPath.supported {
            let m = try ProgramMachine(program: prog, kernels: path)
            for i in 0..<64 { m.input[i] = UInt8(truncatingIfNeeded: i &* 37 &+ 11) }
            m.run()
            results.append((0..<4).flatMap { b in (0..<prog.buffers[b].instances).flatMap { Array(m.canvas(BufferRef(b, $0))!) } })
            if path == .reference {
                // Cell (1, 1), lane 0 of the DW, by hand from APFixed.
                var a = APFixed.convert(Int32(p.bias(word: 0, lane: 0)), from: APFixed.wt, to: APFixed.fm)
                for t in 0..<9 {
                    let (r, c) = (t / 3, t % 3)
                    let x = APFixed.inputCode(m.input[r * 7 + c])
                    a = APFixed.depthwiseTap(a, weight: Int32(p.depthwiseWeight(group: 1, tap: t, lane: 0)), input: x)
                }
                XCTAssertEqual(m.canvas(BufferRef(3, 0))![(1 * 7 + 1) * 16], Int16(max(a, 0)))
            }
        }
        for (i, r) in results.enumerated() { XCTAssertEqual(r, results[0], "\(KernelPath.supported[i])") }
    }

    /// The iSmart3 program's event count against the tiled cost model (17.34 M) and the published 18.88 M
    /// (docs/ISMART3.md explains both differences).
    func testISmart3CyclesAgainstTheCostModel() throws {
        let rows = try ISmart3Cycles.comparison()
        let program = rows.reduce(0) { $0 + $1.program.total }, model = rows.reduce(0) { $0 + $1.costModel.total }
        XCTAssertEqual(model, 17_342_362)
        XCTAssertEqual(program, 17_376_608)
        for r in rows where !["dw6", "pw7", "box"].contains(r.layer) {
            XCTAssertEqual([r.program.compute, r.program.memory, r.program.stall], [r.costModel.compute, r.costModel.memory, r.costModel.stall],
                           "\(r.layer) (\(r.costModelName)): the same cycles as the cost model")
        }
        let dw6 = rows.first { $0.layer == "dw6" }!
        XCTAssertEqual(dw6.program.total - dw6.costModel.total, 6 * 44 * 84, "dw6: the 6 copies of E's low 9 bits into A")
        XCTAssertEqual(Double(program - ISmart3Cycles.published) / Double(ISmart3Cycles.published), -0.0796, accuracy: 0.0001)
    }
}
