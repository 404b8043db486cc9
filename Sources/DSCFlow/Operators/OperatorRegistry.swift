/// A computation over one operator that works the same way for every operator: it is handed the
/// operator's definition and parameters (see `OperatorKind.visit`).
protocol OperatorVisitor {
    associatedtype Result
    /// What `visit` throws (`Never`: the loop cannot fail).
    associatedtype Failure: Error = Never
    mutating func visit<D: OperatorDefinition>(_ definition: D.Type, _ p: D.Parameters) throws(Failure) -> Result
}

extension OperatorKind {
    /// Calls `v` with this operator's definition and parameters: the one place that maps the IR's
    /// cases to the operator files.
    func visit<V: OperatorVisitor>(_ v: inout V) throws(V.Failure) -> V.Result {
        switch self {
        case .conv2D(let p): return try v.visit(Conv2D.self, p)
        case .depthwiseConv2D(let p): return try v.visit(DepthwiseConv2D.self, p)
        case .fullyConnected(let p): return try v.visit(FullyConnected.self, p)
        case .averagePool2D(let p): return try v.visit(AveragePool2D.self, p)
        case .maxPool2D(let p): return try v.visit(MaxPool2D.self, p)
        case .mean(let p): return try v.visit(Mean.self, p)
        case .add(let p): return try v.visit(Add.self, p)
        case .concatenation(let axis): return try v.visit(Concatenation.self, axis)
        case .pad(let p): return try v.visit(Pad.self, p)
        case .reshape: return try v.visit(Reshape.self, ())
        case .spaceToDepth(let p): return try v.visit(SpaceToDepth.self, p)
        case .softmax(let p): return try v.visit(Softmax.self, p)
        case .quantize(let p): return try v.visit(QuantizeLinear.self, p)
        case .dequantize(let p): return try v.visit(DequantizeLinear.self, p)
        case .transpose(let p): return try v.visit(Transpose.self, p)
        case .ortAdd(let p): return try v.visit(QLinearAdd.self, p)
        case .ortAveragePool(let p): return try v.visit(QLinearAveragePool.self, p)
        case .ortGlobalAveragePool(let p): return try v.visit(QLinearGlobalAveragePool.self, p)
        case .lookupTable(let p): return try v.visit(LookupTable.self, p)
        case .ortSoftmax(let p): return try v.visit(QLinearSoftmax.self, p)
        case .ortFloatConv(let p): return try v.visit(ORTFloatConv.self, p)
        case .ortFloatPool(let p): return try v.visit(ORTFloatPool.self, p)
        case .resizeBilinear(let p): return try v.visit(ResizeBilinear.self, p)
        }
    }
}

/// The operators by their codes in the two file formats DSCFlow reads.
enum OperatorRegistry {
    /// The IR case of a `.dscm` kind code with its parameters read from `c`, or nil for an unknown code.
    static func decodeDSCM(kind: UInt32, _ c: inout DSCMCursor, index: Int) throws(DSCError) -> OperatorKind? {
        // ONNX Runtime's operators (kinds 32…41) came with format version 3.
        if kind >= QuantizeLinear.dscmKind && kind <= ORTFloatPool.dscmKind {
            try c.requireVersion(3, "operator \(index): kind \(kind) (an ONNX Runtime operator)")
        }
        switch kind {
        case Conv2D.dscmKind: return .conv2D(try Conv2D.decode(&c, index: index))
        case DepthwiseConv2D.dscmKind: return .depthwiseConv2D(try DepthwiseConv2D.decode(&c, index: index))
        case FullyConnected.dscmKind: return .fullyConnected(try FullyConnected.decode(&c, index: index))
        case AveragePool2D.dscmKind: return .averagePool2D(try AveragePool2D.decode(&c, index: index))
        case MaxPool2D.dscmKind: return .maxPool2D(try MaxPool2D.decode(&c, index: index))
        case Mean.dscmKind: return .mean(try Mean.decode(&c, index: index))
        case Add.dscmKind: return .add(try Add.decode(&c, index: index))
        case Concatenation.dscmKind: return .concatenation(axis: try Concatenation.decode(&c, index: index))
        case Pad.dscmKind: return .pad(try Pad.decode(&c, index: index))
        case Reshape.dscmKind: return .reshape
        case SpaceToDepth.dscmKind: return .spaceToDepth(try SpaceToDepth.decode(&c, index: index))
        case Softmax.dscmKind: return .softmax(try Softmax.decode(&c, index: index))
        case QuantizeLinear.dscmKind: return .quantize(try QuantizeLinear.decode(&c, index: index))
        case DequantizeLinear.dscmKind: return .dequantize(try DequantizeLinear.decode(&c, index: index))
        case Transpose.dscmKind: return .transpose(permutation: try Transpose.decode(&c, index: index))
        case QLinearAdd.dscmKind: return .ortAdd(try QLinearAdd.decode(&c, index: index))
        case QLinearAveragePool.dscmKind: return .ortAveragePool(try QLinearAveragePool.decode(&c, index: index))
        case QLinearGlobalAveragePool.dscmKind: return .ortGlobalAveragePool(try QLinearGlobalAveragePool.decode(&c, index: index))
        case LookupTable.dscmKind: return .lookupTable(try LookupTable.decode(&c, index: index))
        case QLinearSoftmax.dscmKind: return .ortSoftmax(try QLinearSoftmax.decode(&c, index: index))
        case ORTFloatConv.dscmKind: return .ortFloatConv(try ORTFloatConv.decode(&c, index: index))
        case ORTFloatPool.dscmKind: return .ortFloatPool(try ORTFloatPool.decode(&c, index: index))
        case ResizeBilinear.dscmKind:
            try c.requireVersion(2, "operator \(index): RESIZE_BILINEAR")
            return .resizeBilinear(try ResizeBilinear.decode(&c, index: index))
        default: return nil
        }
    }

    /// The IR operator a TFLite builtin operator becomes (its file's `importTFLite`), or nil when
    /// DSCFlow does not implement the builtin.
    static func importTFLite(_ r: inout TFLiteOperatorReader) throws(DSCError) -> Operator? {
        let Op = TFLiteSchema.Op.self
        switch r.raw.code {
        case Op.conv2D: return try Conv2D.importTFLite(&r)
        case Op.depthwiseConv2D: return try DepthwiseConv2D.importTFLite(&r)
        case Op.fullyConnected: return try FullyConnected.importTFLite(&r)
        case Op.averagePool2D: return try AveragePool2D.importTFLite(&r)
        case Op.maxPool2D: return try MaxPool2D.importTFLite(&r)
        case Op.mean: return try Mean.importTFLite(&r)
        case Op.add: return try Add.importTFLite(&r)
        case Op.concatenation: return try Concatenation.importTFLite(&r)
        case Op.pad, Op.padV2: return try Pad.importTFLite(&r)
        case Op.reshape: return try Reshape.importTFLite(&r)
        case Op.spaceToDepth: return try SpaceToDepth.importTFLite(&r)
        case Op.softmax: return try Softmax.importTFLite(&r)
        default: return nil
        }
    }

    /// The TFLite builtins `importTFLite` implements (for the error message of the others).
    static let tfliteBuiltins = "ADD, AVERAGE_POOL_2D, CONCATENATION, CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, "
        + "MAX_POOL_2D, MEAN, PAD, PADV2, RESHAPE, SOFTMAX, SPACE_TO_DEPTH"
}

// The loops over every operator, each a visitor.

/// `OperatorDefinition.validate` of one operator.
struct OperatorValidation: OperatorVisitor {
    typealias Result = Void
    typealias Failure = DSCError
    let context: OperatorContext
    mutating func visit<D: OperatorDefinition>(_ d: D.Type, _ p: D.Parameters) throws(DSCError) {
        try D.validate(p, context)
    }
}

/// `OperatorDefinition.prepareFast` of one operator.
struct FastOperatorPreparation: OperatorVisitor {
    typealias Result = FastPreparation
    let context: OperatorContext
    let target: FastTarget
    mutating func visit<D: OperatorDefinition>(_ d: D.Type, _ p: D.Parameters) -> FastPreparation {
        D.prepareFast(p, context, target)
    }
}

/// `OperatorDefinition.runReference` of one operator.
struct ReferenceExecution: OperatorVisitor {
    typealias Result = Void
    let binding: OperatorBinding
    let rounding: RoundingMode
    mutating func visit<D: OperatorDefinition>(_ d: D.Type, _ p: D.Parameters) {
        D.runReference(p, binding, rounding: rounding)
    }
}

/// `OperatorDefinition.macs` of one operator.
struct OperatorMACs: OperatorVisitor {
    typealias Result = Int
    let context: OperatorContext
    mutating func visit<D: OperatorDefinition>(_ d: D.Type, _ p: D.Parameters) -> Int { D.macs(p, context) }
}

/// `OperatorDefinition.encode` of one operator, after its kind code.
struct DSCMEncoding: OperatorVisitor {
    typealias Result = Void
    var sink: DSCMSink
    mutating func visit<D: OperatorDefinition>(_ d: D.Type, _ p: D.Parameters) {
        D.encode(p, into: &sink)
    }
}

/// The `.dscm` kind code of one operator.
struct DSCMKindCode: OperatorVisitor {
    typealias Result = UInt32
    mutating func visit<D: OperatorDefinition>(_ d: D.Type, _ p: D.Parameters) -> UInt32 { D.dscmKind }
}
