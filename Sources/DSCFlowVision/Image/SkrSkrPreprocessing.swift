import DSCFlow
/// The input preparation of SkrSkr's `Deploy/run.py` as the board ran it (FACTS §8): RGB, Pillow
/// NEAREST resize to the model's size, raw 0–255 values, HWC. That is the general `Preprocessor`
/// with `color=rgb, resize=nearest, range=raw, size=WxH`; this checks that the model's
/// `dscflow.preprocess` record says exactly that, so a model with other preprocessing is rejected
/// rather than fed differently from its board.
public enum SkrSkrPreprocessing {
    /// The model's input tensor bytes (uint8 [1, H, W, 3]) for `image`, following the model's
    /// `dscflow.preprocess` record.
    public static func inputTensor(from image: Image, for model: Model) throws -> [UInt8] {
        let record = try MetadataRecord(parsing: model.metadata["dscflow.preprocess"] ?? "", name: "dscflow.preprocess")
        for (key, expected) in [("color", "rgb"), ("resize", "nearest"), ("range", "raw")] where record[key] != expected {
            throw DSCError.unsupported(op: -1, name: "preprocessing", reason: "dscflow.preprocess \(key)=\(record[key] ?? "(missing)"); the SkrSkr board's preprocessing is \(key)=\(expected)")
        }
        guard let size = try record.size("size") else {
            throw DSCError.unsupported(op: -1, name: "preprocessing", reason: "dscflow.preprocess has no size=WxH")
        }
        let input = model.tensors[model.inputs[0]]
        guard input.type == .uint8, input.shape == [1, size.height, size.width, 3] else {
            throw DSCError.invalidTensor(op: -1, tensor: input.name, reason: "\(input.signature) is not uint8[1,\(size.height),\(size.width),3]")
        }
        return try Preprocessor(model: model).preprocess(image)
    }
}
