import CDSCFlowSIMD

/// LOOKUP_TABLE: output byte = table[input byte] (8-bit input and output of any signedness).
enum LookupTable: OperatorDefinition {
    typealias Parameters = LookupTableParameters
    static let dscmKind: UInt32 = 38

    static func validate(_ p: Parameters, _ c: OperatorContext) throws(DSCError) {
        try c.requireInputs(1...1)
        let x = c.input(), out = c.output
        _ = try c.requireByteType(x)
        _ = try c.requireByteType(out)
        guard p.table.count == 256 else { throw c.unsupported("\(p.table.count) table entries; expected 256") }
        guard x.elementCount == out.elementCount else { throw c.fail(out, "\(out.signature) differs from the input \(x.signature)") }
    }

    static func prepareFast(_ p: Parameters, _ c: OperatorContext, _ target: FastTarget) -> FastPreparation {
        if c.input().isConstant { return .reference("constant input") }
        return ORTPacking.prepare(target, mode: Int32(DSCSIMD_ORT_LOOKUP), perISA: false, bytes: 256) { a, _, b in
            a.count = Int64(c.input().elementCount)
            for i in 0..<256 { b[i] = p.table[i] }
            a.bytes = UnsafePointer(b)
        }
    }

    static func runReference(_ p: Parameters, _ b: OperatorBinding, rounding: RoundingMode) {
        let x = b.inputs[0].assumingMemoryBound(to: UInt8.self), y = b.output.assumingMemoryBound(to: UInt8.self)
        p.table.withUnsafeBufferPointer { t in
            for i in 0..<b.inputElementCount { y[i] = t[Int(x[i])] }
        }
    }

    static func encode(_ p: Parameters, into s: inout DSCMSink) { for v in p.table { s.u8(v) } }

    static func decode(_ c: inout DSCMCursor, index: Int) throws(DSCError) -> Parameters {
        var t: [UInt8] = []
        t.reserveCapacity(256)
        for _ in 0..<256 { t.append(try c.u8()) }
        return LookupTableParameters(table: t)
    }
}
