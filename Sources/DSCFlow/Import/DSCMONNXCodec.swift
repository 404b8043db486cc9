/// `.dscm` encodings of the parameter types the ONNX operators share (docs/FORMAT.md).
extension DSCMOperationCodec {
    static func linearQuantization(_ q: LinearQuantizationParameters, _ s: inout DSCMSink) {
        s.u32(q.scale.bitPattern); s.i32(q.zeroPoint)
    }

    static func linearQuantization(_ c: inout DSCMCursor) throws(DSCError) -> LinearQuantizationParameters {
        let scale = Float(bitPattern: try c.u32())
        return LinearQuantizationParameters(scale: scale, zeroPoint: try c.i32())
    }

    static func floats(_ v: [Float], _ s: inout DSCMSink) { s.int32s(v.map { Int32(bitPattern: $0.bitPattern) }) }

    static func floats(_ c: inout DSCMCursor) throws(DSCError) -> [Float] {
        try c.int32s().map { Float(bitPattern: UInt32(bitPattern: $0)) }
    }
}

extension OperatorContext {
    /// `q` has a positive finite scale and a zero point inside `type`'s range.
    func validateQuantization(_ q: LinearQuantizationParameters, of t: Tensor, as type: ElementType) throws(DSCError) {
        guard q.scale.isFinite, q.scale > 0 else { throw fail(t, "scale \(q.scale) is not a positive finite float") }
        guard type.range.contains(q.zeroPoint) else { throw fail(t, "zero point \(q.zeroPoint) outside \(type.name)") }
    }

    /// The 8-bit type `t` must have, and its range.
    func requireByteType(_ t: Tensor) throws(DSCError) -> ClosedRange<Int32> {
        try requireType(t, [.int8, .uint8])
        return t.type.range
    }
}
