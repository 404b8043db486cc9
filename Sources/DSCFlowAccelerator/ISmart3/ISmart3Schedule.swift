import DSCFlow

/// The iSmart3-SkyNet accelerator (DAC-SDC 2019, TomG008/SkyNet `FPGA/HLS/net_hls.cc` `SkyNet()`) as an
/// `AcceleratorProgram`: its buffers (FACTS §6) and its schedule (FACTS §7), primitive by primitive.
///
/// Buffers: on chip A, B, C, D (FM, 9-bit registers) and E (ACC, 12-bit), each 44×84 cells of 32
/// lanes; off chip P1 (pool1, 2 groups of 164×324), P2 (pool2, 3 × 84×164), BUF (128 canvases of
/// 44×84, addressed by id) and OUT (the PL's 4 box results). The 4 images of a batch share each 44×84
/// canvas (image q at rows 1 + 22·⌊q/2⌋…, columns 1 + 42·(q mod 2)…); the cells around and between
/// them (the ring) are never cleared, so from dw5 on a 3×3 layer's padding is whatever the schedule
/// left there.
public enum ISmart3Schedule {
    /// Buffer indices in the program.
    public static let a = 0, b = 1, c = 2, d = 3, e = 4, p1 = 5, p2 = 6, buf = 7, out = 8
    /// Canvas size of the on-chip buffers and of BUF.
    public static let rows = 44, cols = 84
    /// The stitched input: 3 planes of 324 × 644 bytes.
    public static let canvasHeight = 324, canvasWidth = 644
    /// Bytes of the stitched input.
    public static let inputBytes = 3 * canvasHeight * canvasWidth
    /// The program's layers (the cycle report's rows): FACTS §1's names, then the PL's box selection.
    public static let layers = ["dw1", "pw1", "dw2", "pw2", "dw3", "pw3", "dw4", "pw4", "dw5", "pw5", "dw6", "pw6", "pw7", "box"]
    /// The tiled cost model's name of each layer (the builtin `skynet` topology's operators).
    public static let costModelNames = ["conv1", "conv2", "conv3", "conv4", "conv5", "conv6", "conv7", "conv8", "conv9",
                                        "conv10", "conv11", "conv12", "conv13", "-"]

    /// The buffers (FACTS §6).
    public static let buffers: [ProgramBuffer] = {
        func onChip(_ n: String, bits: Int, _ f: APFixed.Format) -> ProgramBuffer {
            ProgramBuffer(name: n, placement: .onChip, rows: rows, cols: cols, lanes: 32, registerBits: bits, format: f)
        }
        return [
            onChip("A", bits: 9, APFixed.fm), onChip("B", bits: 9, APFixed.fm), onChip("C", bits: 9, APFixed.fm),
            onChip("D", bits: 9, APFixed.fm), onChip("E", bits: 12, APFixed.acc),
            ProgramBuffer(name: "P1", placement: .offChip, instances: 2, rows: 164, cols: 324, lanes: 32, registerBits: 16, format: APFixed.fm),
            ProgramBuffer(name: "P2", placement: .offChip, instances: 3, rows: 84, cols: 164, lanes: 32, registerBits: 16, format: APFixed.fm),
            ProgramBuffer(name: "BUF", placement: .offChip, instances: 128, rows: rows, cols: cols, lanes: 32, registerBits: 16, format: APFixed.fm),
            ProgramBuffer(name: "OUT", placement: .offChip, rows: 1, cols: 4, lanes: 8, registerBits: 16, format: APFixed.acc),
        ]
    }()

    /// Where image q's 20×40 interior starts on a 44×84 canvas.
    public static func origin(slot q: Int) -> (row: Int, col: Int) { (1 + 22 * (q / 2), 1 + 42 * (q % 2)) }

    /// The program for a parameter set (`ISmart3Parameters`), priced with `config` (the `ismart3` preset
    /// by default). `pw3Complete` is the index of the last step before stage 4: BUF[100…123] then hold
    /// the four images' pw3 outputs (the reorg's source), which pw6 later overwrites in part.
    public static func program(parameters: ProgramParameters, config: AcceleratorConfig = .ismart3) throws
        -> (program: AcceleratorProgram, pw3Complete: Int) {
        var s = Builder()
        s.stage1()
        s.stage2()
        s.stage3()
        let pw3Complete = s.steps.count - 1
        s.dwStage(layer: 6, source: 6, groups: 6, firstGroup: 6, firstBias: 17, destination: 12)
        s.pwStage(layer: 7, source: 12, inGroups: 6, outGroups: 12, firstBlock: 26, firstBias: 23, destination: 18, first: a, other: b)
        s.dwStage(layer: 8, source: 18, groups: 12, firstGroup: 12, firstBias: 35, destination: 30)
        s.pwStage(layer: 9, source: 30, inGroups: 12, outGroups: 16, firstBlock: 98, firstBias: 47, destination: 42, first: b, other: a)
        s.stage6a()
        s.dwStage(layer: 10, source: 42, groups: 16, firstGroup: 48, firstBias: 87, destination: 82)
        s.pwStage(layer: 11, source: 58, inGroups: 40, outGroups: 3, firstBlock: 290, firstBias: 103, destination: 98, first: b, other: a)
        s.head()
        let program = try AcceleratorProgram(name: "ismart3-skynet", buffers: buffers, layers: layers, steps: s.steps,
                                             inputBytes: inputBytes, inputSlack: 64 * canvasWidth, arithmetic: .iSmart3,
                                             parameters: parameters, config: config)
        return (program, pw3Complete)
    }

    /// Appends FACTS §7's primitives.
    private struct Builder {
        var steps: [ProgramStep] = []
        /// Rows 1–42, columns 1–82: where every DW, PW and bias preset works.
        let work = CellRegion(row: 1, col: 1, rows: 42, cols: 82)
        let whole = CellRegion(row: 0, col: 0, rows: ISmart3Schedule.rows, cols: ISmart3Schedule.cols)

        mutating func add(_ layer: Int, _ op: ProgramOperation, overlapsNext: Bool = false) {
            steps.append(ProgramStep(op, layer: layer, overlapsNext: overlapsNext))
        }

        func buf(_ id: Int) -> BufferRef { BufferRef(ISmart3Schedule.buf, id) }
        func ref(_ x: Int) -> BufferRef { BufferRef(x) }

        /// LOADIMG(X, ty, tx): the 44×84 window at row 40·ty + 2·⌊ty/4⌋, column 80·tx + 2·⌊tx/4⌋.
        func loadImage(_ x: Int, ty: Int, tx: Int) -> ProgramOperation {
            let r = 40 * ty + 2 * (ty / 4), s = 80 * tx + 2 * (tx / 4)
            return .loadImage(dst: ref(x), region: whole, offset: r * canvasWidth + s, rowStride: canvasWidth,
                              planeStride: canvasHeight * canvasWidth, channels: 3)
        }

        func biasFM(_ x: Int, _ word: Int) -> ProgramOperation { .presetBias(dst: ref(x), region: work, word: word) }
        func biasACC(_ word: Int) -> ProgramOperation { .presetBias(dst: ref(e), region: work, word: word) }
        func dw(_ x: Int, _ y: Int, _ group: Int, relu: Bool) -> ProgramOperation {
            .depthwise(src: ref(x), dst: ref(y), region: work, group: group, relu: relu)
        }
        func pw(_ x: Int, _ block: Int) -> ProgramOperation { .pointwise(src: ref(x), acc: ref(e), region: work, block: block) }
        func load(_ x: Int, _ id: Int) -> ProgramOperation { .copy(dst: ref(x), region: whole, src: buf(id), srcRow: 0, srcCol: 0) }
        func storeACC(_ id: Int) -> ProgramOperation { .store(dst: buf(id), src: ref(e), region: whole) }
        func store(_ id: Int, _ x: Int) -> ProgramOperation { .store(dst: buf(id), src: ref(x), region: whole) }
        /// A pool of E's rows 1–40, columns 1–80 into 20×40 cells at (row, col) of `dst`.
        func pool(_ dst: BufferRef, row: Int, col: Int) -> ProgramOperation {
            .maxPool(src: ref(e), srcRow: 1, srcCol: 1, dst: dst, region: CellRegion(row: row, col: col, rows: 20, cols: 40))
        }
        /// The weight words the tiled cost model loads per call (a layer whose blocks do not all fit
        /// the 4-block weight buffer) or per exported DW group (taps, bias, multiplier: 11 words).
        func weights(_ words: Int) -> ProgramOperation { .loadWeights(words: words) }

        /// Stage 1 (dw1, pw1, pool1): 8 × 8 tiles of the stitched image, the next tile's image
        /// chunk loaded while the DW runs.
        mutating func stage1() {
            add(1, weights(2 * 32))  // pw1's 2 blocks stay on chip
            for tx in 0..<8 {
                add(0, loadImage(a, ty: 0, tx: tx))
                for ty in 0..<8 {
                    add(0, biasFM(b, 0))
                    let (src, next) = ty % 2 == 0 ? (a, c) : (c, a)
                    add(0, loadImage(next, ty: ty + 1, tx: tx), overlapsNext: true)
                    add(0, dw(src, b, 0, relu: true))
                    for j in 0..<2 {
                        add(1, biasACC(1 + j))
                        add(1, pw(b, j))
                        add(1, pool(BufferRef(p1, j), row: 1 + 20 * ty + 2 * (ty / 4), col: 1 + 40 * tx + 2 * (tx / 4)))
                    }
                }
            }
        }

        /// LOADP(X, P, j, R, S): rows 0–41, columns 0–81 of X ← the 42×82 window of group j at (R, S).
        func loadWindow(_ x: Int, _ p: Int, _ j: Int, _ r: Int, _ s: Int) -> ProgramOperation {
            .copy(dst: ref(x), region: CellRegion(row: 0, col: 0, rows: 42, cols: 82), src: BufferRef(p, j), srcRow: r, srcCol: s)
        }

        /// Stage 2 (dw2, pw2, pool2): 4 × 4 tiles of P1.
        mutating func stage2() {
            for tx in 0..<4 {
                for ty in 0..<4 {
                    let r = 40 * ty + 2 * (ty / 2), s = 80 * tx + 2 * (tx / 2)
                    add(2, loadWindow(a, p1, 0, r, s))
                    add(2, biasFM(b, 3))
                    add(2, dw(a, b, 1, relu: true))
                    add(2, loadWindow(d, p1, 1, r, s))
                    add(2, biasFM(c, 4))
                    add(2, dw(d, c, 2, relu: true))
                    for j in 0..<3 {
                        add(3, biasACC(5 + j))
                        add(3, weights(32))
                        add(3, pw(b, 2 + 2 * j))
                        add(3, weights(32))
                        add(3, pw(c, 3 + 2 * j))
                        add(3, pool(BufferRef(p2, j), row: 1 + 20 * ty + 2 * (ty / 2), col: 1 + 40 * tx + 2 * (tx / 2)))
                    }
                }
            }
        }

        /// Stage 3 (dw3, pw3, pool3): one tile per image; pw3 goes to BUF[100 + j + 6q], pool3 to BUF[6…11].
        mutating func stage3() {
            for tx in 0..<2 {
                for ty in 0..<2 {
                    let q = 2 * ty + tx
                    for (k, y) in [b, c, d].enumerated() {
                        add(4, loadWindow(a, p2, k, 42 * ty, 82 * tx))
                        add(4, biasFM(y, 8 + k))
                        add(4, dw(a, y, 3 + k, relu: true))
                    }
                    for j in 0..<6 {
                        add(5, biasACC(11 + j))
                        for (k, y) in [b, c, d].enumerated() {
                            add(5, weights(32))
                            add(5, pw(y, 8 + k + 3 * j))
                        }
                        add(5, storeACC(100 + j + 6 * q))
                        add(5, pool(buf(6 + j), row: 1 + 22 * ty, col: 1 + 42 * tx))
                    }
                }
            }
        }

        /// A DW layer over whole canvases: LOAD(A, source), then per group the bias preset, the next
        /// group's load overlapping the DW (ping-pong A/C), and the store through ReLU.
        mutating func dwStage(layer: Int, source: Int, groups: Int, firstGroup: Int, firstBias: Int, destination: Int) {
            add(layer, load(a, source))
            for g in 0..<groups {
                add(layer, weights(11))
                add(layer, biasFM(b, firstBias + g))
                let (src, next) = g % 2 == 0 ? (a, c) : (c, a)
                add(layer, load(next, source + g + 1), overlapsNext: true)
                add(layer, dw(src, b, firstGroup + g, relu: false))
                add(layer, store(destination + g, b))
            }
        }

        /// A PW layer over whole canvases: per output group the bias preset, LOAD(first, source), then
        /// per input group the next group's load overlapping the PW (ping-pong), and the ACC store.
        mutating func pwStage(layer: Int, source: Int, inGroups: Int, outGroups: Int, firstBlock: Int, firstBias: Int,
                              destination: Int, first: Int, other: Int) {
            for o in 0..<outGroups {
                add(layer, biasACC(firstBias + o))
                add(layer, load(first, source))
                for i in 0..<inGroups {
                    let (x, next) = i % 2 == 0 ? (first, other) : (other, first)
                    add(layer, weights(32))
                    add(layer, load(next, source + i + 1), overlapsNext: true)
                    add(layer, pw(x, firstBlock + i + o * inGroups))
                }
                add(layer, storeACC(destination + o))
            }
        }

        /// Stage 6a (dw6 on the reorg half): per pass, the reorg of pw3 group c/4 of the 4 images into
        /// A, C, D and E (E's low 11 bits), then 4 DW groups; A's second use is the low 9 bits of E.
        mutating func stage6a() {
            for pass in stride(from: 0, to: 24, by: 4) {
                for q in 0..<4 {
                    let (r, s) = origin(slot: q)
                    add(10, .reorg(src: buf(100 + pass / 4 + 6 * q), srcRow: 1, srcCol: 1, dst: [ref(a), ref(c), ref(d), ref(e)],
                                   region: CellRegion(row: r, col: s, rows: 20, cols: 40), fieldBits: [9, 9, 9, 11]))
                }
                for (k, x) in [a, c, d, a].enumerated() {
                    add(10, weights(11))
                    add(10, biasFM(b, 63 + pass + k))
                    add(10, dw(x, b, 24 + pass + k, relu: false))
                    if k == 0 { add(10, .copy(dst: ref(a), region: whole, src: ref(e), srcRow: 0, srcCol: 0)) }
                    add(10, store(58 + pass + k, b))
                }
            }
        }

        /// pw7 (the head) into a cleared E, then the PL's box selection per image (FACTS §9).
        mutating func head() {
            add(12, weights(3 * 32))  // pw7's 3 blocks stay on chip
            add(12, .clear(dst: ref(e), region: whole))
            for i in 0..<3 {
                add(12, load(b, 98 + i))
                add(12, pw(b, 410 + i))
            }
            for q in 0..<4 {
                let (r, s) = origin(slot: q)
                add(13, .selectBox(src: ref(e), region: CellRegion(row: r, col: s, rows: 20, cols: 40), confidenceLanes: [4, 9],
                                   boxLanes: [[0, 1, 2, 3], [5, 6, 7, 8]], threshold: -2048, dst: BufferRef(out), outCell: q))
            }
        }
    }
}
