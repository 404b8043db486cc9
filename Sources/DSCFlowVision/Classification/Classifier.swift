import DSCFlow
/// One class of a classifier's answer.
public struct Classification: Sendable, Equatable {
    /// Index into the output vector.
    public var index: Int
    /// The class's label.
    public var label: String
    /// The dequantized output value, scale · (q − zeroPoint) (a probability for softmax outputs).
    public var probability: Double
    /// The stored output value.
    public var raw: Int
}

/// An image classifier: a model, its preprocessing, labels and a session. `classify` returns every
/// class sorted by decreasing probability (ties: lower index first). Not thread-safe (one session).
public final class Classifier {
    /// The model this classifies with.
    public let model: Model
    /// How images become the model's input.
    public let preprocessor: Preprocessor
    /// One label per output element (from the caller, the model's metadata, or "class i").
    public let labels: [String]
    /// The session that runs the model (its arena holds the last input and output).
    public let session: Session

    /// The most classes (elements of the output) a classifier takes: 1,048,576 (each gets a label).
    public static let maxClasses = 1 << 20

    /// A classifier for `model`. `labels` nil means the model's own (`LabelList.labels(of:)`).
    public init(model: Model, preprocessOverrides: [String: String] = [:], labels: [String]? = nil,
                options: SessionOptions = SessionOptions()) throws {
        guard model.inputs.count == 1, model.outputs.count == 1 else {
            throw DSCError.invalidArgument("a classifier needs one input and one output; the model has \(model.inputs.count) and \(model.outputs.count)")
        }
        let out = model.tensors[model.outputs[0]]
        guard out.type == .int8 || out.type == .uint8 || out.type == .int16 else {
            throw DSCError.invalidTensor(op: -1, tensor: out.name, reason: "classifier outputs must be int8, uint8 or int16, not \(out.type.name)")
        }
        guard out.elementCount <= Classifier.maxClasses else {
            throw DSCError.invalidArgument("a classifier has at most \(Classifier.maxClasses) classes; output \(out.name) has \(out.elementCount) elements")
        }
        self.model = model
        self.preprocessor = try Preprocessor(model: model, overrides: preprocessOverrides)
        self.labels = LabelList.completed(try labels ?? LabelList.labels(of: model), count: out.elementCount)
        self.session = try Session(model: model, options: options)
    }

    /// Every class of `image`, most probable first.
    public func classify(_ image: Image) throws -> [Classification] {
        try preprocessor.preprocess(image, into: session.inputBytes())
        session.run()
        let t = model.tensors[model.outputs[0]]
        let bytes = session.outputBytes()
        let scale = Double(t.quantization?.scale ?? 1), zp = Int(t.quantization?.zeroPoint ?? 0)
        var result: [Classification] = (0..<t.elementCount).map { i in
            let v = Int(bytes.element(i, as: t.type))
            return Classification(index: i, label: labels[i], probability: Double(v - zp) * scale, raw: v)
        }
        result.sort { $0.probability != $1.probability ? $0.probability > $1.probability : $0.index < $1.index }
        return result
    }
}
