/// The parts of an ONNX model (onnx.proto, IR version 3 and later) that the importer reads, parsed from
/// the protobuf wire format by `ProtobufReader`. Field numbers are onnx.proto's. Tensor payloads stay
/// in the file's bytes (`raw`) until an importer asks for their values.
enum ONNXSchema {
    /// TensorProto.DataType codes the importer knows.
    enum DataType {
        static let float: Int32 = 1, uint8: Int32 = 2, int8: Int32 = 3, uint16: Int32 = 4, int16: Int32 = 5
        static let int32: Int32 = 6, int64: Int32 = 7, double: Int32 = 11

        static func name(_ code: Int32) -> String {
            switch code {
            case float: return "float32"
            case uint8: return "uint8"
            case int8: return "int8"
            case uint16: return "uint16"
            case int16: return "int16"
            case int32: return "int32"
            case int64: return "int64"
            case 8: return "string"
            case 9: return "bool"
            case 10: return "float16"
            case double: return "float64"
            case 16: return "bfloat16"
            default: return "type \(code)"
            }
        }
    }

    /// Largest number of nodes, initializers, attributes or values of one list the importer accepts
    /// (a defence against hostile files; real edge models are orders of magnitude smaller).
    static let maxListLength = 1 << 20
}

/// A TensorProto (an initializer, or an attribute's tensor).
struct ONNXTensorProto {
    var name = ""
    var dims: [Int64] = []
    var dataType: Int32 = 0
    /// `raw_data`'s byte range in the file.
    var raw: Range<Int>?
    var floatData: [Float] = []
    /// `int32_data` (also holds int8/uint8/int16/uint16/bool values, one per entry).
    var int32Data: [Int64] = []
    var int64Data: [Int64] = []
    /// Data stored outside the file (not supported: edge models are one file).
    var external = false

    static func parse(_ r: ProtobufReader) throws(DSCError) -> ONNXTensorProto {
        var r = r
        var t = ONNXTensorProto()
        while let f = try r.next() {
            switch f.number {
            case 1: try r.appendInt64s(f, "dims", to: &t.dims)
            case 2: t.dataType = Int32(try r.int(f, "data_type", in: 0...64))
            case 4: try r.appendFloats(f, "float_data", to: &t.floatData)
            case 5: try r.appendInt64s(f, "int32_data", to: &t.int32Data)
            case 7: try r.appendInt64s(f, "int64_data", to: &t.int64Data)
            case 8: t.name = try r.string(f, "name")
            case 9: t.raw = try r.range(f, "raw_data")
            case 13: t.external = true
            case 14: if try r.int64(f, "data_location") != 0 { t.external = true }
            case 3, 6, 10, 11, 12: break  // segment, string/double/uint64 data, doc_string
            default: break
            }
            if t.dims.count > 16 { throw r.fail("tensor '\(t.name)' has more than 16 dimensions") }
        }
        return t
    }
}

/// An AttributeProto: the kinds the importer reads (float, int, string, tensor, floats, ints).
struct ONNXAttribute {
    var name = ""
    var type = 0
    var f: Float = 0
    var i: Int64 = 0
    var s = ""
    var t: ONNXTensorProto?
    var floats: [Float] = []
    var ints: [Int64] = []

    static func parse(_ r: ProtobufReader) throws(DSCError) -> ONNXAttribute {
        var r = r
        var a = ONNXAttribute()
        while let f = try r.next() {
            switch f.number {
            case 1: a.name = try r.string(f, "name")
            case 2: a.f = try r.float(f, "f")
            case 3: a.i = try r.int64(f, "i")
            case 4: a.s = try r.string(f, "s")
            case 5: a.t = try ONNXTensorProto.parse(try r.message(f, "t"))
            case 7: try r.appendFloats(f, "floats", to: &a.floats)
            case 8: try r.appendInt64s(f, "ints", to: &a.ints)
            case 20: a.type = try r.int(f, "type", in: 0...64)
            default: break  // graphs, strings, sparse tensors, type protos, doc strings
            }
            if a.ints.count > ONNXSchema.maxListLength || a.floats.count > ONNXSchema.maxListLength {
                throw r.fail("attribute '\(a.name)' has too many values")
            }
        }
        return a
    }
}

/// A NodeProto.
struct ONNXNode {
    var name = ""
    var opType = ""
    var domain = ""
    var inputs: [String] = []
    var outputs: [String] = []
    var attributes: [ONNXAttribute] = []

    static func parse(_ r: ProtobufReader) throws(DSCError) -> ONNXNode {
        var r = r
        var n = ONNXNode()
        while let f = try r.next() {
            switch f.number {
            case 1: n.inputs.append(try r.string(f, "input"))
            case 2: n.outputs.append(try r.string(f, "output"))
            case 3: n.name = try r.string(f, "name")
            case 4: n.opType = try r.string(f, "op_type")
            case 5: n.attributes.append(try ONNXAttribute.parse(try r.message(f, "attribute")))
            case 7: n.domain = try r.string(f, "domain")
            default: break
            }
            if n.inputs.count + n.outputs.count + n.attributes.count > ONNXSchema.maxListLength {
                throw r.fail("node '\(n.name)' has too many inputs, outputs or attributes")
            }
        }
        return n
    }

    /// The attribute called `name`, if present.
    func attribute(_ name: String) -> ONNXAttribute? { attributes.first { $0.name == name } }

    /// How the node is named in messages: its name, else its first output.
    var label: String {
        let id = name.isEmpty ? (outputs.first.map { "output '\($0)'" } ?? "unnamed") : "'\(name)'"
        return "\(opType) \(id)"
    }
}

/// A ValueInfoProto of a tensor: its element type and shape (nil dimensions are symbolic).
struct ONNXValueInfo {
    var name = ""
    var elementType: Int32 = 0
    var dims: [Int64?]?

    static func parse(_ r: ProtobufReader) throws(DSCError) -> ONNXValueInfo {
        var r = r
        var v = ONNXValueInfo()
        while let f = try r.next() {
            switch f.number {
            case 1: v.name = try r.string(f, "name")
            case 2:
                var type = try r.message(f, "type")
                while let tf = try type.next() {
                    guard tf.number == 1 else { continue }  // tensor_type; sequences and maps are not tensors
                    var tensor = try type.message(tf, "tensor_type")
                    while let ef = try tensor.next() {
                        if ef.number == 1 { v.elementType = Int32(try tensor.int(ef, "elem_type", in: 0...64)) }
                        if ef.number == 2 {
                            var shape = try tensor.message(ef, "shape")
                            var dims: [Int64?] = []
                            while let df = try shape.next() {
                                guard df.number == 1 else { continue }
                                var dim = try shape.message(df, "dim")
                                var value: Int64?
                                while let xf = try dim.next() { if xf.number == 1 { value = try dim.int64(xf, "dim_value") } }
                                dims.append(value)
                                if dims.count > 16 { throw shape.fail("more than 16 dimensions") }
                            }
                            v.dims = dims
                        }
                    }
                }
            default: break
            }
        }
        return v
    }
}

/// A GraphProto: nodes in topological order, initializers, inputs, outputs.
struct ONNXGraphProto {
    var nodes: [ONNXNode] = []
    var initializers: [ONNXTensorProto] = []
    var inputs: [ONNXValueInfo] = []
    var outputs: [ONNXValueInfo] = []
    var name = ""

    static func parse(_ r: ProtobufReader) throws(DSCError) -> ONNXGraphProto {
        var r = r
        var g = ONNXGraphProto()
        while let f = try r.next() {
            switch f.number {
            case 1: g.nodes.append(try ONNXNode.parse(try r.message(f, "node[\(g.nodes.count)]")))
            case 2: g.name = try r.string(f, "name")
            case 5: g.initializers.append(try ONNXTensorProto.parse(try r.message(f, "initializer[\(g.initializers.count)]")))
            case 11: g.inputs.append(try ONNXValueInfo.parse(try r.message(f, "input[\(g.inputs.count)]")))
            case 12: g.outputs.append(try ONNXValueInfo.parse(try r.message(f, "output[\(g.outputs.count)]")))
            case 15: throw r.fail("sparse initializers are not supported")
            default: break  // value_info, doc_string, quantization annotations
            }
            if g.nodes.count + g.initializers.count + g.inputs.count + g.outputs.count > ONNXSchema.maxListLength {
                throw r.fail("the graph has too many nodes or tensors")
            }
        }
        return g
    }
}

/// A ModelProto: the graph and the operator sets it was written against.
struct ONNXModelProto {
    var irVersion: Int64 = 0
    var producer = ""
    var opsets: [(domain: String, version: Int64)] = []
    var graph: ONNXGraphProto?

    /// Parses a whole file.
    static func parse(_ bytes: UnsafeRawBufferPointer) throws(DSCError) -> ONNXModelProto {
        var r = try ProtobufReader(bytes, range: 0..<bytes.count, path: "ModelProto")
        var m = ONNXModelProto()
        while let f = try r.next() {
            switch f.number {
            case 1: m.irVersion = try r.int64(f, "ir_version")
            case 2: m.producer = try r.string(f, "producer_name")
            case 7: m.graph = try ONNXGraphProto.parse(try r.message(f, "graph"))
            case 8:
                var o = try r.message(f, "opset_import")
                var domain = "", version: Int64 = 0
                while let of = try o.next() {
                    if of.number == 1 { domain = try o.string(of, "domain") }
                    if of.number == 2 { version = try o.int64(of, "version") }
                }
                m.opsets.append((domain, version))
            default: break
            }
        }
        return m
    }

    /// The opset version of the default (ai.onnx) domain, or nil.
    var defaultOpset: Int64? {
        opsets.first { $0.domain == "" || $0.domain == "ai.onnx" }?.version
    }
}
