import CDSCFlowSIMD

/// RESIZE_BILINEAR with tabulated integer weights (`ResizeBilinearParameters`): UltraNet's on-chip
/// resize of the 360×640 camera frame to 160×320. Input and output share a byte type (uint8 or int8)
/// and the batch and channel counts; the tables give the output size.
enum ResizeBilinear: OperatorDefinition {
    typealias Parameters = ResizeBilinearParameters
    static let dscmKind: UInt32 = 13

    static func validate(_ p: Parameters, _ c: OperatorContext) throws(DSCError) {
        try c.requireInputs(1...1)
        let x = c.input(), out = c.output
        try c.requireType(x, [.uint8, .int8])
        try c.requireType(out, [x.type])
        guard x.shape.count == 4 else { throw c.fail(x, "rank \(x.shape.count); expected 4 (NHWC)") }
        guard (0...11).contains(p.rowFractionBits), (0...11).contains(p.columnFractionBits) else {
            throw c.unsupported("fraction bits \(p.rowFractionBits)/\(p.columnFractionBits) outside 0…11")
        }
        try c.requireShape(out, [x.shape[0], p.rows.count, p.columns.count, x.shape[3]])
        func check(_ taps: [ResizeTap], _ size: Int, _ bits: Int, _ axis: String) throws(DSCError) {
            for (i, t) in taps.enumerated() {
                guard t.low >= 0, Int(t.low) < size, t.high >= 0, Int(t.high) < size, t.weight >= 0, t.weight <= 1 << bits else {
                    throw c.unsupported("\(axis) tap \(i) (\(t.low), \(t.high), weight \(t.weight)) outside the input's \(size) \(axis)s or 0…2^\(bits)")
                }
            }
        }
        try check(p.rows, x.shape[1], p.rowFractionBits, "row")
        try check(p.columns, x.shape[2], p.columnFractionBits, "column")
    }

    /// DSCSIMD_KERNEL_RESIZE_BILINEAR (one C kernel for every ISA): rows blended vertically into an
    /// int32 row, then horizontally.
    static func prepareFast(_ p: Parameters, _ c: OperatorContext, _ target: FastTarget) -> FastPreparation {
        let x = c.input()
        guard !x.isConstant else { return .reference("constant input") }
        guard let kernel = target.kernel(DSCSIMD_KERNEL_RESIZE_BILINEAR) else { return .reference("no resize kernel") }
        let inS = Shape4(extending: x.shape), outS = Shape4(extending: c.output.shape)
        let F = FastPacking.fits
        guard F(inS.n), F(inS.h), F(inS.w), F(inS.c), F(inS.w &* inS.c), inS.w &* inS.c <= 1 << 24 else {
            return .reference("shapes out of the kernel's range")
        }
        // Tables: rows (low, high, weight) then columns, as int32.
        let entries = 3 * (outS.h + outS.w)
        guard let mem = target.allocate(4 * entries) else { return .reference("out of memory") }
        let t = mem.bindMemory(to: Int32.self, capacity: entries)
        for (i, r) in p.rows.enumerated() { t[3 * i] = r.low; t[3 * i + 1] = r.high; t[3 * i + 2] = r.weight }
        let cols = t + 3 * outS.h
        for (i, r) in p.columns.enumerated() { cols[3 * i] = r.low; cols[3 * i + 1] = r.high; cols[3 * i + 2] = r.weight }
        var a = dscsimd_resize()
        a.batches = Int32(inS.n); a.in_h = Int32(inS.h); a.in_w = Int32(inS.w); a.channels = Int32(inS.c)
        a.out_h = Int32(outS.h); a.out_w = Int32(outS.w)
        a.row_bits = Int32(p.rowFractionBits); a.column_bits = Int32(p.columnFractionBits)
        a.input_signed = x.type == .int8 ? 1 : 0
        a.row_taps = UnsafePointer(t)
        a.column_taps = UnsafePointer(cols)
        var op = dscsimd_op()
        op.kind = Int32(DSCSIMD_OP_RESIZE)
        op.isa = target.isa
        op.resize = a
        return .kernel(PackedOperator(template: op, kernel: kernel, scratchBytes: 4 * inS.w * inS.c, memory: mem))
    }

    static func runReference(_ p: Parameters, _ b: OperatorBinding, rounding: RoundingMode) {
        ResizeReference(p: p, inShape: b.inputShape, outShape: b.outputShape).dispatch(b.inputType, b.inputs[0], b.output)
    }

    static func encode(_ p: Parameters, into s: inout DSCMSink) {
        s.i32(Int32(truncatingIfNeeded: p.rowFractionBits))
        s.i32(Int32(truncatingIfNeeded: p.columnFractionBits))
        for taps in [p.rows, p.columns] {
            s.u32(UInt32(taps.count))
            for t in taps { s.i32(t.low); s.i32(t.high); s.i32(t.weight) }
        }
    }

    static func decode(_ c: inout DSCMCursor, index i: Int) throws(DSCError) -> Parameters {
        let rowBits = Int(try c.i32()), columnBits = Int(try c.i32())
        var tables: [[ResizeTap]] = []
        for _ in 0..<2 {
            let n = try c.count(minimumBytesEach: 12)
            var taps: [ResizeTap] = []
            taps.reserveCapacity(n)
            for _ in 0..<n { taps.append(ResizeTap(low: try c.i32(), high: try c.i32(), weight: try c.i32())) }
            tables.append(taps)
        }
        return ResizeBilinearParameters(rowFractionBits: rowBits, columnFractionBits: columnBits, rows: tables[0],
                                        columns: tables[1])
    }
}

/// The reference resize kernel over a session's addresses.
struct ResizeReference: SameTypeKernel {
    let p: ResizeBilinearParameters
    let inShape: Shape4, outShape: Shape4

    func run<T: QuantizedElement>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>) {
        ReferenceResize.bilinear(p, input: x, inputShape: inShape, output: y, outputShape: outShape)
    }
}
