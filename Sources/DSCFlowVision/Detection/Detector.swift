import DSCFlow
/// A single-object detector: a model, its preprocessing, its detection head and a session.
/// `detect` preprocesses an image into the session's input, runs the model and decodes the box in
/// pixels of the original image. Not thread-safe (one session); make one detector per thread.
public final class Detector {
    /// The model this detects with.
    public let model: Model
    /// How images become the model's input.
    public let preprocessor: Preprocessor
    /// How the output becomes a box.
    public let head: DetectionHead
    /// The session that runs the model (its arena holds the last input and output).
    public let session: Session
    /// Boxes scoring below this are "no object" (`DetectionHeads.minScore`).
    public let minScore: Double

    /// A detector for `model` whose preprocessing and head come from its metadata
    /// (`dscflow.preprocess`, `dscflow.detection`) with the given overrides taking precedence.
    public init(model: Model, preprocessOverrides: [String: String] = [:], detectionOverrides: [String: String] = [:],
                options: SessionOptions = SessionOptions()) throws {
        guard model.inputs.count == 1, model.outputs.count == 1 else {
            throw DSCError.invalidArgument("a detector needs one input and one output; the model has \(model.inputs.count) and \(model.outputs.count)")
        }
        self.model = model
        self.preprocessor = try Preprocessor(model: model, overrides: preprocessOverrides)
        self.head = try DetectionHeads.make(for: model, overrides: detectionOverrides)
        self.minScore = try DetectionHeads.minScore(for: model, overrides: detectionOverrides)
        self.session = try Session(model: model, options: options)
    }

    /// The box of `image` in its own pixels.
    ///
    /// With `fit=stretch` the head decodes directly at the image's size (so a head's own pixel
    /// rounding, e.g. SkyNet's, is reproduced exactly). With letterbox or crop it decodes in input
    /// pixels and the box is mapped back through `InputGeometry` (fractional pixels, clamped).
    public func detect(_ image: Image) throws -> DetectedBox {
        let geometry = try preprocessor.preprocess(image, into: session.inputBytes())
        session.run()
        return try decodeBox(session.outputBytes(), imageWidth: image.width, imageHeight: image.height, geometry: geometry)
    }

    /// The box in the pixels of an image of `imageWidth` x `imageHeight` from the model's `output`
    /// bytes, for an input prepared with `geometry` (the last step of `detect`).
    public func decodeBox(_ output: UnsafeRawBufferPointer, imageWidth: Int, imageHeight: Int,
                          geometry: InputGeometry) throws -> DetectedBox {
        let out = model.tensors[model.outputs[0]]
        if geometry.isStretch {
            return try head.decode(output: output, tensor: out, imageWidth: imageWidth, imageHeight: imageHeight)
        }
        let inInput = try head.decode(output: output, tensor: out, imageWidth: preprocessor.width, imageHeight: preprocessor.height)
        return geometry.imageBox(fromInputBox: inInput)
    }

    /// True when `box` scores at least `minScore` (a head without a score, NaN, always counts).
    public func isObject(_ box: DetectedBox) -> Bool {
        !(box.score < minScore)
    }
}
