import DSCFlow

/// iSmart3-SkyNet computed per image, layer by layer (FACTS §1–§5, §8), as a program of its own: one
/// buffer per layer sized to the layer's map plus a one-cell ring that nothing ever writes, so every
/// 3×3 layer sees clean zero padding — except dw1, which reads the image with the 1-pixel gray border
/// (code −1) the host's canvas gives every slot, as on the board. The arithmetic and the kernels are
/// the accelerator program's; the differences to it are exactly the ring effect of FACTS §7.1 (image
/// borders of dw5 and dw6 and what depends on them). Its cycle count is not the design's.
enum ISmart3LayeredNetwork {
    /// The input: the slot's 162×322 window of the stitched canvas (the image and its gray border), 3 planes.
    static let inputRows = 162, inputCols = 322
    /// Index of the head accumulator buffer.
    static let head = 23

    /// The per-layer buffers (index: name).
    static let buffers: [ProgramBuffer] = {
        func fm(_ n: String, _ count: Int, _ r: Int, _ c: Int) -> ProgramBuffer {
            ProgramBuffer(name: n, placement: .offChip, instances: count, rows: r + 2, cols: c + 2, lanes: 32, registerBits: 16, format: APFixed.fm)
        }
        func acc(_ n: String, _ count: Int, _ r: Int, _ c: Int) -> ProgramBuffer {
            ProgramBuffer(name: n, placement: .offChip, instances: count, rows: r + 2, cols: c + 2, lanes: 32, registerBits: 16, format: APFixed.acc)
        }
        return [
            fm("input", 1, 160, 320), fm("dw1", 1, 160, 320), acc("pw1.acc", 2, 160, 320),       // 0-2
            fm("pool1", 2, 80, 160), fm("dw2", 2, 80, 160), acc("pw2.acc", 3, 80, 160),           // 3-5
            fm("pool2", 3, 40, 80), fm("dw3", 3, 40, 80), acc("pw3.acc", 6, 40, 80), fm("pw3", 6, 40, 80), // 6-9
            fm("pool3", 6, 20, 40), fm("dw4.acc", 6, 20, 40), fm("dw4", 6, 20, 40), acc("pw4.acc", 12, 20, 40), // 10-13
            fm("pw4", 12, 20, 40), fm("dw5.acc", 12, 20, 40), fm("dw5", 12, 20, 40), acc("pw5.acc", 16, 20, 40), // 14-17
            fm("cat", 40, 20, 40), fm("dw6.acc", 40, 20, 40), fm("dw6", 40, 20, 40), acc("pw6.acc", 3, 20, 40), // 18-21
            fm("pw6", 3, 20, 40), acc("head", 1, 20, 40),                                           // 22-23
            ProgramBuffer(name: "OUT", placement: .offChip, rows: 1, cols: 4, lanes: 8, registerBits: 16, format: APFixed.acc),
        ]
    }()

    /// The program: every layer over its whole map, in FACTS §1's order and channel-group order.
    static func program(parameters: ProgramParameters, config: AcceleratorConfig) throws -> AcceleratorProgram {
        var steps: [ProgramStep] = []
        func add(_ layer: Int, _ op: ProgramOperation) { steps.append(ProgramStep(op, layer: layer)) }
        func inner(_ rows: Int, _ cols: Int) -> CellRegion { CellRegion(row: 1, col: 1, rows: rows, cols: cols) }
        /// DW of `groups` groups from buffer `src` into `dst` (ReLU inside, dw1–dw3) or into `acc` then
        /// stored through ReLU into `dst`'s interior only (dw4–dw6: the ring stays 0).
        func dw(_ layer: Int, src: Int, acc: Int, dst: Int?, groups: Int, group: Int, bias: Int, _ g: CellRegion) {
            for k in 0..<groups {
                add(layer, .presetBias(dst: BufferRef(acc, k), region: g, word: bias + k))
                add(layer, .depthwise(src: BufferRef(src, k), dst: BufferRef(acc, k), region: g, group: group + k, relu: dst == nil))
                if let dst { add(layer, .store(dst: BufferRef(dst, k), src: BufferRef(acc, k), region: g)) }
            }
        }
        /// PW from `inGroups` groups of `src` into `outGroups` accumulators (block base + i + inGroups·j);
        /// then, per output group, a store into `dst` (FM through ReLU) and/or a pool into `pool`.
        func pw(_ layer: Int, src: Int, acc: Int, inGroups: Int, outGroups: Int, block: Int, bias: Int?, _ g: CellRegion,
                dst: Int? = nil, dstFirst: Int = 0, pool: Int? = nil) {
            for j in 0..<outGroups {
                if let bias {
                    add(layer, .presetBias(dst: BufferRef(acc, j), region: g, word: bias + j))
                } else {
                    add(layer, .clear(dst: BufferRef(acc, j), region: g))
                }
                for i in 0..<inGroups {
                    add(layer, .pointwise(src: BufferRef(src, i), acc: BufferRef(acc, j), region: g, block: block + i + inGroups * j))
                }
                if let dst { add(layer, .store(dst: BufferRef(dst, dstFirst + j), src: BufferRef(acc, j), region: g)) }
                if let pool {
                    add(layer, .maxPool(src: BufferRef(acc, j), srcRow: 1, srcCol: 1, dst: BufferRef(pool, j),
                                        region: inner(g.rows / 2, g.cols / 2)))
                }
            }
        }
        let full = inner(160, 320), half = inner(80, 160), quarter = inner(40, 80), grid = inner(20, 40)
        add(0, .loadImage(dst: BufferRef(0), region: CellRegion(row: 0, col: 0, rows: inputRows, cols: inputCols), offset: 0,
                          rowStride: inputCols, planeStride: inputRows * inputCols, channels: 3))
        dw(0, src: 0, acc: 1, dst: nil, groups: 1, group: 0, bias: 0, full)
        pw(1, src: 1, acc: 2, inGroups: 1, outGroups: 2, block: 0, bias: 1, full, pool: 3)
        dw(2, src: 3, acc: 4, dst: nil, groups: 2, group: 1, bias: 3, half)
        pw(3, src: 4, acc: 5, inGroups: 2, outGroups: 3, block: 2, bias: 5, half, pool: 6)
        dw(4, src: 6, acc: 7, dst: nil, groups: 3, group: 3, bias: 8, quarter)
        pw(5, src: 7, acc: 8, inGroups: 3, outGroups: 6, block: 8, bias: 11, quarter, dst: 9, pool: 10)
        dw(6, src: 10, acc: 11, dst: 12, groups: 6, group: 6, bias: 17, grid)
        pw(7, src: 12, acc: 13, inGroups: 6, outGroups: 12, block: 26, bias: 23, grid, dst: 14)
        dw(8, src: 14, acc: 15, dst: 16, groups: 12, group: 12, bias: 35, grid)
        pw(9, src: 16, acc: 17, inGroups: 12, outGroups: 16, block: 98, bias: 47, grid, dst: 18, dstFirst: 24)
        for g in 0..<6 {
            add(10, .reorg(src: BufferRef(9, g), srcRow: 1, srcCol: 1, dst: (0..<4).map { BufferRef(18, 4 * g + $0) },
                           region: grid, fieldBits: [16, 16, 16, 16]))
        }
        dw(10, src: 18, acc: 19, dst: 20, groups: 40, group: 24, bias: 63, grid)
        pw(11, src: 20, acc: 21, inGroups: 40, outGroups: 3, block: 290, bias: 103, grid, dst: 22)
        pw(12, src: 22, acc: head, inGroups: 3, outGroups: 1, block: 410, bias: nil, grid)
        add(13, .selectBox(src: BufferRef(head), region: grid, confidenceLanes: [4, 9], boxLanes: [[0, 1, 2, 3], [5, 6, 7, 8]],
                           threshold: -2048, dst: BufferRef(buffers.count - 1), outCell: 0))
        return try AcceleratorProgram(name: "ismart3-skynet-layered", buffers: buffers, layers: ISmart3Schedule.layers, steps: steps,
                                      inputBytes: 3 * inputRows * inputCols, inputSlack: 0, arithmetic: .iSmart3,
                                      parameters: parameters, config: config)
    }

    /// Slot `q`'s 162×322 window of each plane of the stitched canvas (rows 162·⌊q/2⌋…, columns
    /// 322·(q mod 2)…: the image and its gray border) into `input`.
    static func copyPaddedImage(slot q: Int, from stitched: UnsafeRawBufferPointer, to input: UnsafeMutableRawBufferPointer) {
        let r0 = 162 * (q / 2), c0 = 322 * (q % 2)
        let h = ISmart3Schedule.canvasHeight, w = ISmart3Schedule.canvasWidth
        for p in 0..<3 {
            for y in 0..<inputRows {
                let from = p * h * w + (r0 + y) * w + c0, to = (p * inputRows + y) * inputCols
                input.baseAddress!.advanced(by: to).copyMemory(from: stitched.baseAddress!.advanced(by: from), byteCount: inputCols)
            }
        }
    }
}
