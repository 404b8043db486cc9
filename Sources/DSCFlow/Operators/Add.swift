import CDSCFlowSIMD

/// ADD with broadcasting (TFLite's int8 arithmetic: both inputs rescaled to 2·max(s1, s2) with 20 bits
/// of headroom, summed, rescaled to the output).
enum Add: OperatorDefinition {
    typealias Parameters = AddParameters
    static let dscmKind: UInt32 = 7

    /// TFLite `PrepareGeneralAddSub` for int8.
    static func importTFLite(_ r: inout TFLiteOperatorReader) throws(DSCError) -> Operator {
        try r.requireInputs(2...2)
        let opts = try r.options(TFLiteSchema.Options.add)
        let a = try r.input(0, "input 1"), b = try r.input(1, "input 2"), y = try r.output()
        let act = try r.activation(try opts?.u8(0) ?? 0)
        let (s1, z1) = try r.quantization(a)
        let (s2, z2) = try r.quantization(b)
        let (so, zo) = try r.quantization(y)
        let leftShift: Int32 = 20
        let twiceMax = 2 * Double(max(s1, s2))
        let m1 = QuantizedMultiplier(Double(s1) / twiceMax)
        let m2 = QuantizedMultiplier(Double(s2) / twiceMax)
        let mo = QuantizedMultiplier(twiceMax / (Double(1 << leftShift) * Double(so)))
        let range = act.range(scale: so, zeroPoint: zo, type: .int8)
        let p = AddParameters(input1Offset: -z1, input2Offset: -z2, leftShift: leftShift,
                              input1Multiplier: m1.multiplier, input1Shift: m1.shift,
                              input2Multiplier: m2.multiplier, input2Shift: m2.shift,
                              outputMultiplier: mo.multiplier, outputShift: mo.shift, outputOffset: zo,
                              activationMin: range.min, activationMax: range.max, activation: act)
        return Operator(kind: .add(p), inputs: [a, b], outputs: [y])
    }

    static func validate(_ p: Parameters, _ c: OperatorContext) throws(DSCError) {
        try c.requireInputs(2...2)
        let a = c.input(0), b = c.input(1), out = c.output
        try c.requireType(a, [.int8])
        try c.requireType(b, [.int8])
        try c.requireType(out, [.int8])
        guard a.shape.count <= 4, b.shape.count <= 4, out.shape.count <= 4 else {
            throw c.unsupported("broadcast add of rank above 4")
        }
        guard let shape = broadcastShape(a.shape, b.shape), shape == out.shape else {
            throw c.fail(out, "shape \(out.shape) is not the broadcast of \(a.shape) and \(b.shape)")
        }
    }

    /// NumPy-style broadcast of two shapes, or nil.
    static func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int]? {
        let n = max(a.count, b.count)
        var r = [Int](repeating: 1, count: n)
        for k in 0..<n {
            let da = k < n - a.count ? 1 : a[k - (n - a.count)]
            let db = k < n - b.count ? 1 : b[k - (n - b.count)]
            if da != db && da != 1 && db != 1 { return nil }
            r[k] = max(da, db)
        }
        return r
    }

    /// The float form (DSCSIMD_KERNEL_ADD_FLOAT) where `dscsimd_add_float_prepare` proves it exact,
    /// else for same shapes the byte-plane tables (DSCSIMD_KERNEL_ADD_PLANES, AVX-512 VBMI) where they
    /// apply, else the exact integer kernel; broadcasting Adds run as same-shape runs.
    static func prepareFast(_ p: Parameters, _ c: OperatorContext, _ target: FastTarget) -> FastPreparation {
        if let why = FastPacking.byteActivations(c) { return .reference(why) }
        let a = c.input(0), b = c.input(1), out = c.output
        guard !b.isConstant, a.type == b.type, a.type == out.type else { return .reference("constant or mixed-type inputs") }
        let r = a.type.range
        var s = dscsimd_add()
        s.count = Int64(out.elementCount)
        if a.shape != b.shape || a.shape != out.shape {
            // Broadcasting: the three shapes extended to rank 4 (the validator allows rank <= 4).
            func dims(_ shape: [Int]) -> (Int64, Int64, Int64, Int64) {
                let d = [Int](repeating: 1, count: 4 - shape.count) + shape
                return (Int64(d[0]), Int64(d[1]), Int64(d[2]), Int64(d[3]))
            }
            s.broadcast = 1
            s.a_dims = dims(a.shape); s.b_dims = dims(b.shape); s.out_dims = dims(out.shape)
        }
        s.input_unsigned = a.type == .uint8 ? 1 : 0
        s.input1_offset = p.input1Offset; s.input2_offset = p.input2Offset; s.left_shift = p.leftShift
        s.input1_multiplier = p.input1Multiplier; s.input1_shift = p.input1Shift
        s.input2_multiplier = p.input2Multiplier; s.input2_shift = p.input2Shift
        s.output_multiplier = p.outputMultiplier; s.output_shift = p.outputShift; s.output_offset = p.outputOffset
        s.lo = max(p.activationMin, r.lowerBound); s.hi = min(p.activationMax, r.upperBound)
        s.single_rounding = target.rounding == .single ? 1 : 0
        var form = dscsimd_add_float()
        if target.tuning.addFloatForm && dscsimd_add_float_prepare(&s, &form) == 1, let k = target.kernel(DSCSIMD_KERNEL_ADD_FLOAT) {
            // The float form's tail (count mod 16) runs the exact kernel: it needs the rescale tables too.
            s.float_form = form
            return packTables(s, a.type, p, target, kernel: k)
        }
        return packTables(s, a.type, p, target, kernel: nil)
    }

    /// The rescaled inputs per raw byte in the session's rounding (`dscsimd_add.table1/2`) and, for
    /// double rounding, the same as byte planes (`planes1/2`); then the kernel: `kernel`, or the planes
    /// kernel where it applies, or the exact one.
    private static func packTables(_ base: dscsimd_add, _ type: ElementType, _ p: AddParameters, _ target: FastTarget,
                                   kernel: UnsafePointer<dscsimd_kernel>?) -> FastPreparation {
        var s = base
        let rounding = target.rounding
        guard let mem = target.allocate(2 * 4 * 256 + 2 * 4 * 256) else { return .reference("out of memory") }
        let tables = mem.bindMemory(to: Int32.self, capacity: 2 * 256)
        for v in 0..<256 {
            let x = Int32(type == .uint8 ? Int32(v) : Int32(Int8(truncatingIfNeeded: v)))
            tables[v] = multiplyByQuantizedMultiplier((x &+ p.input1Offset) &<< p.leftShift, p.input1Multiplier,
                                                      p.input1Shift, rounding: rounding)
            tables[256 + v] = multiplyByQuantizedMultiplier((x &+ p.input2Offset) &<< p.leftShift, p.input2Multiplier,
                                                            p.input2Shift, rounding: rounding)
        }
        s.table1 = UnsafePointer(tables)
        s.table2 = UnsafePointer(tables + 256)
        if rounding == .double && target.tuning.addByteTables {
            let planes = (mem + 2 * 4 * 256).bindMemory(to: UInt8.self, capacity: 2 * 4 * 256)
            var bound = 0
            for input in 0..<2 {
                var largest = 0
                for v in 0..<256 {
                    let value = tables[input * 256 + v]
                    largest = max(largest, Int(value.magnitude))
                    let bits = UInt32(bitPattern: value)
                    for plane in 0..<4 { planes[(input * 4 + plane) * 256 + v] = UInt8(truncatingIfNeeded: bits >> (8 * plane)) }
                }
                bound += largest
            }
            s.planes1 = UnsafePointer(planes)
            s.planes2 = UnsafePointer(planes + 4 * 256)
            s.table_bound = Int64(bound)
        }
        var chosen = kernel
        if chosen == nil, s.broadcast == 0, dscsimd_add_planes_applicable(&s) == 1 { chosen = target.kernel(DSCSIMD_KERNEL_ADD_PLANES) }
        if chosen == nil { chosen = target.kernel(DSCSIMD_KERNEL_ADD_EXACT) }
        guard let k = chosen else { mem.deallocate(); return .reference("no Add kernel on \(target.path.rawValue)") }
        var t = dscsimd_op()
        t.kind = Int32(DSCSIMD_OP_ADD)
        t.isa = target.isa
        t.add = s
        return .kernel(PackedOperator(template: t, kernel: k, scratchBytes: 0, memory: mem))
    }

    static func runReference(_ p: Parameters, _ b: OperatorBinding, rounding: RoundingMode) {
        AddReference(p: p, rounding: rounding, second: b.inputs[1], aShape: b.inputShapes[0], bShape: b.inputShapes[1],
                     outShape: b.outputDims).dispatch(b.inputType, b.inputs[0], b.output)
    }

    static func encode(_ p: Parameters, into s: inout DSCMSink) {
        for v in [p.input1Offset, p.input2Offset, p.leftShift, p.input1Multiplier, p.input1Shift, p.input2Multiplier,
                  p.input2Shift, p.outputMultiplier, p.outputShift, p.outputOffset, p.activationMin, p.activationMax] {
            s.i32(v)
        }
        DSCMOperationCodec.activation(p.activation, &s)
    }

    static func decode(_ c: inout DSCMCursor, index i: Int) throws(DSCError) -> Parameters {
        var v: [Int32] = []
        for _ in 0..<12 { v.append(try c.i32()) }
        return AddParameters(input1Offset: v[0], input2Offset: v[1], leftShift: v[2], input1Multiplier: v[3],
                             input1Shift: v[4], input2Multiplier: v[5], input2Shift: v[6], outputMultiplier: v[7],
                             outputShift: v[8], outputOffset: v[9], activationMin: v[10], activationMax: v[11],
                             activation: try DSCMOperationCodec.activation(&c, i))
    }
}

/// The reference Add kernel over a session's addresses.
struct AddReference: SameTypeKernel {
    let p: AddParameters
    let rounding: RoundingMode
    let second: UnsafeRawPointer
    let aShape: [Int], bShape: [Int], outShape: [Int]

    func run<T: QuantizedElement>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>) {
        ReferenceAdd.run(p, rounding: rounding, a: x, aShape: aShape, b: second.assumingMemoryBound(to: T.self),
                         bShape: bShape, output: y, outputShape: outShape)
    }
}
