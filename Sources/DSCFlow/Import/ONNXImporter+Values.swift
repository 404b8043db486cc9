/// Reading constant tensors and attributes of the node being imported.
extension ONNXGraphBuilder {
    /// The element count of constant `t`, overflow-checked and bounded.
    func elementCount(_ t: ONNXTensorProto) throws(DSCError) -> Int {
        var n = 1
        for d in t.dims {
            guard d >= 0, d <= 1 << 30 else { throw malformed("constant '\(t.name)' has dimension \(d)") }
            let (r, o) = n.multipliedReportingOverflow(by: Int(d))
            guard !o, r <= 1 << 30 else { throw malformed("constant '\(t.name)' is too large") }
            n = r
        }
        return n
    }

    /// The constant called `name` (an initializer or a Constant node), or an error naming it.
    func constant(_ name: String, _ role: String) throws(DSCError) -> ONNXTensorProto {
        guard let t = constants[name] else { throw unsupported("\(role) '\(name)' must be a constant") }
        return t
    }

    /// Values of an integer constant (int8, uint8, int16, int32, int64), as Int64, from `raw_data` or the
    /// typed fields; checked against the element count.
    func integers(_ t: ONNXTensorProto) throws(DSCError) -> [Int64] {
        let n = try elementCount(t)
        let size: Int
        switch t.dataType {
        case ONNXSchema.DataType.int8, ONNXSchema.DataType.uint8: size = 1
        case ONNXSchema.DataType.int16, ONNXSchema.DataType.uint16: size = 2
        case ONNXSchema.DataType.int32: size = 4
        case ONNXSchema.DataType.int64: size = 8
        default: throw unsupported("constant '\(t.name)' has type \(ONNXSchema.DataType.name(t.dataType)); expected an integer type")
        }
        if let r = t.raw {
            guard r.count == n * size else { throw malformed("constant '\(t.name)' has \(r.count) bytes of raw data for \(n) values") }
            return (0..<n).map { i -> Int64 in
                let o = r.lowerBound + i * size
                switch t.dataType {
                case ONNXSchema.DataType.int8: return Int64(Int8(bitPattern: bytes[o]))
                case ONNXSchema.DataType.uint8: return Int64(bytes[o])
                case ONNXSchema.DataType.int16: return Int64(Int16(littleEndian: bytes.loadUnaligned(fromByteOffset: o, as: Int16.self)))
                case ONNXSchema.DataType.uint16: return Int64(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: o, as: UInt16.self)))
                case ONNXSchema.DataType.int32: return Int64(Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: o, as: Int32.self)))
                default: return Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: o, as: Int64.self))
                }
            }
        }
        let values = t.dataType == ONNXSchema.DataType.int64 ? t.int64Data : t.int32Data
        guard values.count == n else { throw malformed("constant '\(t.name)' has \(values.count) values for \(n) elements") }
        // int32_data holds narrower types one per entry: reinterpret as the declared type.
        return values.map { v in
            switch t.dataType {
            case ONNXSchema.DataType.int8: return Int64(Int8(truncatingIfNeeded: v))
            case ONNXSchema.DataType.uint8: return Int64(UInt8(truncatingIfNeeded: v))
            case ONNXSchema.DataType.int16: return Int64(Int16(truncatingIfNeeded: v))
            case ONNXSchema.DataType.uint16: return Int64(UInt16(truncatingIfNeeded: v))
            case ONNXSchema.DataType.int32: return Int64(Int32(truncatingIfNeeded: v))
            default: return v
            }
        }
    }

    /// Values of a float32 constant.
    func floats(_ t: ONNXTensorProto) throws(DSCError) -> [Float] {
        guard t.dataType == ONNXSchema.DataType.float else {
            throw unsupported("constant '\(t.name)' has type \(ONNXSchema.DataType.name(t.dataType)); expected float32")
        }
        let n = try elementCount(t)
        if let r = t.raw {
            guard r.count == 4 * n else { throw malformed("constant '\(t.name)' has \(r.count) bytes of raw data for \(n) floats") }
            return (0..<n).map { Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: r.lowerBound + 4 * $0, as: UInt32.self))) }
        }
        guard t.floatData.count == n else { throw malformed("constant '\(t.name)' has \(t.floatData.count) values for \(n) elements") }
        return t.floatData
    }

    /// The 8-bit element type of an ONNX type code.
    func byteType(_ code: Int32, _ what: String) throws(DSCError) -> ElementType {
        switch code {
        case ONNXSchema.DataType.int8: return .int8
        case ONNXSchema.DataType.uint8: return .uint8
        default: throw unsupported("\(what) has type \(ONNXSchema.DataType.name(code)); expected int8 or uint8")
        }
    }

    /// A per-tensor (scale, zero point) pair given as constants: scale a positive finite float32 scalar
    /// (or a one-element vector), zero point of `type` (absent: 0).
    func quantization(scale: String, zeroPoint: String?, of what: String) throws(DSCError) -> (LinearQuantizationParameters, ElementType?) {
        let s = try floats(try constant(scale, "scale of \(what)"))
        guard s.count == 1 else { throw unsupported("\(what) has \(s.count) scales; activations must be quantized per tensor") }
        guard s[0].isFinite, s[0] > 0, s[0].isNormal else { throw unsupported("\(what) has scale \(s[0]); expected a positive normal float") }
        guard let zeroPoint, !zeroPoint.isEmpty else { return (LinearQuantizationParameters(scale: s[0], zeroPoint: 0), nil) }
        let zt = try constant(zeroPoint, "zero point of \(what)")
        let type = try byteType(zt.dataType, "the zero point of \(what)")
        let z = try integers(zt)
        guard z.count == 1 else { throw unsupported("\(what) has \(z.count) zero points; activations must be quantized per tensor") }
        return (LinearQuantizationParameters(scale: s[0], zeroPoint: Int32(z[0])), type)
    }

    // MARK: attributes

    func attribute(_ name: String) -> ONNXAttribute? { node.attribute(name) }

    func int(_ name: String, default value: Int64) throws(DSCError) -> Int64 {
        guard let a = attribute(name) else { return value }
        return a.i
    }

    func ints(_ name: String) -> [Int64]? { attribute(name)?.ints }

    func float(_ name: String, default value: Float) -> Float { attribute(name)?.f ?? value }

    func string(_ name: String, default value: String) -> String {
        guard let a = attribute(name) else { return value }
        return a.s
    }

    /// An int attribute checked against a range.
    func int(_ name: String, default value: Int64, in range: ClosedRange<Int64>) throws(DSCError) -> Int {
        let v = try int(name, default: value)
        guard range.contains(v) else { throw unsupported("attribute \(name) = \(v) outside \(range.lowerBound)...\(range.upperBound)") }
        return Int(v)
    }

    /// A rank-2 window from ONNX attributes (`kernel_shape`, `strides`, `dilations`, `pads`, `auto_pad`)
    /// over an input of spatial size `height` × `width`, with its padding resolved as ONNX Runtime does
    /// (`ConvAttributes::InferPadsAndOutputShape`: SAME_UPPER puts the odd pixel at the end, SAME_LOWER
    /// at the start).
    func window(height: Int, width: Int, kernel: [Int]) throws(DSCError) -> Window2D {
        guard kernel.count == 2, kernel.allSatisfy({ $0 >= 1 && $0 <= 1 << 12 }) else { throw unsupported("kernel \(kernel); expected a 2-D kernel") }
        func pair(_ name: String, _ def: Int) throws(DSCError) -> [Int] {
            guard let v = ints(name) else { return [def, def] }
            guard v.count == 2, v.allSatisfy({ $0 >= 1 && $0 <= 1 << 12 }) else { throw unsupported("\(name) \(v)") }
            return v.map { Int($0) }
        }
        let strides = try pair("strides", 1), dilations = try pair("dilations", 1)
        var pads = [0, 0, 0, 0]
        if let p = ints("pads") {
            guard p.count == 4, p.allSatisfy({ $0 >= 0 && $0 <= 1 << 12 }) else { throw unsupported("pads \(p)") }
            pads = p.map { Int($0) }
        }
        let autoPad = string("auto_pad", default: "NOTSET")
        let sizes = [height, width]
        var begin = [pads[0], pads[1]], end = [pads[2], pads[3]]
        switch autoPad {
        case "NOTSET", "":
            break
        case "VALID":
            begin = [0, 0]; end = [0, 0]
        case "SAME_UPPER", "SAME_LOWER":
            for d in 0..<2 {
                let out = (sizes[d] + strides[d] - 1) / strides[d]
                let total = max((out - 1) * strides[d] + (kernel[d] - 1) * dilations[d] + 1 - sizes[d], 0)
                let small = total / 2, large = total - small
                begin[d] = autoPad == "SAME_UPPER" ? small : large
                end[d] = autoPad == "SAME_UPPER" ? large : small
            }
        default:
            throw unsupported("auto_pad \(autoPad)")
        }
        return Window2D(kernelHeight: kernel[0], kernelWidth: kernel[1], strideHeight: strides[0], strideWidth: strides[1],
                        dilationHeight: dilations[0], dilationWidth: dilations[1], padding: .explicit,
                        padTop: begin[0], padLeft: begin[1], padBottom: end[0], padRight: end[1])
    }

    /// Output spatial size of `w` over `height` × `width`, or an error when the window does not fit.
    func outputSize(_ w: Window2D, height: Int, width: Int) throws(DSCError) -> (Int, Int) {
        let eh = (w.kernelHeight - 1) * w.dilationHeight + 1, ew = (w.kernelWidth - 1) * w.dilationWidth + 1
        guard height + w.padTop + w.padBottom >= eh, width + w.padLeft + w.padRight >= ew else {
            throw unsupported("window \(eh)×\(ew) larger than the padded \(height)×\(width) input")
        }
        return w.outputSize(inputHeight: height, inputWidth: width)
    }
}
