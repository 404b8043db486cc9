/// Serialises any IR model to `.dscm` (docs/FORMAT.md). The output is deterministic: the same model
/// gives the same bytes. Loading the result gives a model with the same tensors, operators, parameters
/// and metadata (plus `dscflow.origin`, the format the model was first imported from), hence the same
/// output bytes on every input.
public enum DSCMWriter {
    /// The `.dscm` bytes of `model`.
    public static func serialize(_ model: Model) throws(DSCError) -> [UInt8] {
        // DATA: every constant tensor, 64-byte aligned, in tensor order.
        var data = DSCMSink()
        var dataOffsets: [Int?] = []
        // Sub-byte constants are stored packed (`SubBytePacking`, TENS flag bit 2).
        var stored: [Int] = []
        for t in model.tensors {
            guard let d = t.data else { dataOffsets.append(nil); stored.append(0); continue }
            data.align(DSCMFormat.alignment)
            dataOffsets.append(data.bytes.count)
            let bytes = t.type.isSubByte ? SubBytePacking.pack(d.buffer, type: t.type) : [UInt8](d.buffer)
            data.bytes.append(contentsOf: bytes)
            stored.append(bytes.count)
        }

        var meta = DSCMSink()
        meta.string(model.metadata["dscflow.origin"] ?? model.format)
        // The origin is its own field; every other pair is stored as is.
        let keys = model.metadata.keys.filter { $0 != "dscflow.origin" }.sorted()
        meta.u32(UInt32(keys.count))
        for k in keys { meta.string(k); meta.string(model.metadata[k]!) }

        var tensors = DSCMSink()
        tensors.u32(UInt32(model.tensors.count))
        for (i, t) in model.tensors.enumerated() {
            tensors.string(t.name)
            tensors.u8(t.type.rawValue)
            tensors.u8((t.quantization != nil ? 1 : 0) | (t.data != nil ? 2 : 0) | (t.data != nil && t.type.isSubByte ? 4 : 0))
            tensors.u32(UInt32(t.shape.count))
            for d in t.shape { tensors.i64(Int64(d)) }
            if let q = t.quantization {
                tensors.u32(UInt32(q.scales.count))
                for s in q.scales { tensors.u32(s.bitPattern) }
                tensors.int32s(q.zeroPoints)
                tensors.i32(Int32(truncatingIfNeeded: q.dimension))
            }
            if t.data != nil, let offset = dataOffsets[i] {
                tensors.u64(UInt64(offset))
                tensors.u64(UInt64(stored[i]))
            }
        }

        var graph = DSCMSink()
        graph.int32s(model.inputs.map { Int32(truncatingIfNeeded: $0) })
        graph.int32s(model.outputs.map { Int32(truncatingIfNeeded: $0) })

        var operations = DSCMSink()
        operations.u32(UInt32(model.operations.count))
        for op in model.operations { DSCMOperationCodec.write(op, into: &operations) }

        let sections: [(DSCMFormat.Section, [UInt8])] = [
            (.meta, meta.bytes), (.tensors, tensors.bytes), (.graph, graph.bytes), (.operations, operations.bytes),
            (.data, data.bytes),
        ]

        // Layout: header, section table, then each section at a 64-byte boundary.
        var file = DSCMSink()
        file.bytes = [UInt8](repeating: 0, count: DSCMFormat.headerSize)
        var table = DSCMSink()
        var bodies = DSCMSink()
        let tableEnd = DSCMFormat.headerSize + sections.count * DSCMFormat.sectionEntrySize
        var offsets: [Int] = []
        for (_, body) in sections {
            bodies.align(DSCMFormat.alignment, base: tableEnd)
            offsets.append(tableEnd + bodies.bytes.count)
            bodies.bytes.append(contentsOf: body)
        }
        for ((kind, body), offset) in zip(sections, offsets) {
            table.u32(kind.rawValue)
            table.u32(body.withUnsafeBytes { CRC32.of($0) })
            table.u64(UInt64(offset))
            table.u64(UInt64(body.count))
            table.u64(0)
        }
        file.bytes.append(contentsOf: table.bytes)
        file.bytes.append(contentsOf: bodies.bytes)

        var header = DSCMSink()
        header.bytes.append(contentsOf: DSCMFormat.magic)
        header.u32(formatVersion(model))
        header.u32(UInt32(DSCMFormat.headerSize))
        header.u64(UInt64(file.bytes.count))
        header.u32(UInt32(sections.count))
        header.u32(0)  // flags
        header.u32(file.bytes.withUnsafeBytes { CRC32.of(UnsafeRawBufferPointer(rebasing: $0[DSCMFormat.headerSize...])) })
        header.bytes.append(contentsOf: [UInt8](repeating: 0, count: 60 - header.bytes.count))
        header.u32(header.bytes.withUnsafeBytes { CRC32.of($0) })
        file.bytes.replaceSubrange(0..<DSCMFormat.headerSize, with: header.bytes)
        return file.bytes
    }

    /// The oldest format version that holds `model`: 3 with ONNX Runtime's operators, its requantizer or
    /// float32 tensors (docs/FORMAT.md, "Version 3"); 2 with sub-byte tensors, the multiply-add-shift
    /// requantizer or a bilinear resize ("Version 2"); else 1.
    public static func formatVersion(_ model: Model) -> UInt32 {
        if usesVersion3(model) { return 3 }
        if model.tensors.contains(where: { $0.type.isSubByte }) { return 2 }
        for op in model.operations {
            switch op.kind {
            case .resizeBilinear: return 2
            case .conv2D(let p), .depthwiseConv2D(let p):
                if case .multiplyAddShift = p.requantizer { return 2 }
            case .fullyConnected(let p):
                if case .multiplyAddShift = p.requantizer { return 2 }
            default: break
            }
        }
        return 1
    }

    /// Whether `model` needs version 3: a float32 tensor, an ONNX Runtime operator or requantizer.
    static func usesVersion3(_ model: Model) -> Bool {
        if model.tensors.contains(where: { $0.type == .float32 }) { return true }
        for op in model.operations {
            switch op.kind {
            case .quantize, .dequantize, .transpose, .ortAdd, .ortAveragePool, .ortGlobalAveragePool, .lookupTable,
                 .ortSoftmax, .ortFloatConv, .ortFloatPool:
                return true
            case .conv2D(let p), .depthwiseConv2D(let p):
                if case .ortFloat = p.requantizer { return true }
            case .fullyConnected(let p):
                if case .ortFloat = p.requantizer { return true }
            default: break
            }
        }
        return false
    }

    /// Writes `model` to `path` as `.dscm`.
    public static func write(_ model: Model, to path: String) throws(DSCError) {
        let bytes = try serialize(model)
        try bytes.withUnsafeBufferPointer { (b) throws(DSCError) in try writeBytes(UnsafeRawBufferPointer(b), to: path) }
    }
}

/// A little-endian byte buffer being built.
struct DSCMSink {
    var bytes: [UInt8] = []

    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func bool(_ v: Bool) { bytes.append(v ? 1 : 0) }
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func i32(_ v: Int32) { u32(UInt32(bitPattern: v)) }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func i64(_ v: Int64) { u64(UInt64(bitPattern: v)) }
    mutating func string(_ s: String) {
        let utf8 = Array(s.utf8)
        u32(UInt32(utf8.count))
        bytes.append(contentsOf: utf8)
    }
    mutating func int32s(_ a: [Int32]) {
        u32(UInt32(a.count))
        for v in a { i32(v) }
    }
    /// Zero-pads so that `base + bytes.count` is a multiple of `alignment`.
    mutating func align(_ alignment: Int, base: Int = 0) {
        let r = (base + bytes.count) % alignment
        if r != 0 { bytes.append(contentsOf: [UInt8](repeating: 0, count: alignment - r)) }
    }
}
