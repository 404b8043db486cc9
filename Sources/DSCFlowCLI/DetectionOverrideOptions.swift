import ArgumentParser
import DSCFlow
import DSCFlowAccelerator
import DSCFlowVision

/// Command-line overrides of a model's `dscflow.detection` metadata (shared by detect and
/// eval-dacsdc). Each one replaces the metadata key of the same name.
struct DetectionOverrideOptions: ParsableArguments {
    @Option(help: "Detection head (overrides the metadata's head=), e.g. skynet.")
    var head: String?

    @Option(help: "Anchors w0,h0,w1,h1,... in grid cells (overrides anchors=).")
    var anchors: String?

    @Option(help: "Output grid WxH to check against the model (overrides grid=).")
    var grid: String?

    @Option(help: "Channel names per anchor block, e.g. tx,ty,tw,th,conf (overrides channels=).")
    var channels: String?

    /// The overrides as metadata keys.
    var values: [String: String] {
        metadataOverrides(["head": head, "anchors": anchors, "grid": grid, "channels": channels])
    }

    /// A detector for `model` with these and `extra` detection overrides and the preprocessing
    /// overrides; refuses, naming --head, a model whose metadata names no head, and prints what the
    /// preprocessing assumed.
    func detector(for model: Model, name: String, preprocess: PreprocessOverrideOptions,
                  extra: [String: String] = [:]) throws -> Detector {
        try pipeline(for: model, name: name, preprocess: preprocess, extra: extra).detectors[0]
    }

    /// `detector`'s checks and note, for a pipeline of `threads` detectors.
    func pipeline(for model: Model, name: String, preprocess: PreprocessOverrideOptions,
                  extra: [String: String] = [:], threads: Int = 1) throws -> DetectionPipeline {
        if head == nil, try DetectionHeads.record(for: model)["head"] == nil {
            throw ValidationError("\(name) has no dscflow.detection metadata naming its head; give --head (e.g. --head skynet --anchors w0,h0,w1,h1)")
        }
        let pipeline = try DetectionPipeline(model: model, preprocessOverrides: preprocess.values,
                                             detectionOverrides: values.merging(extra) { $1 }, threads: threads)
        noteAssumption(of: pipeline.detectors[0].preprocessor)
        return pipeline
    }
}
