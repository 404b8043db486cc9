import ArgumentParser
import DSCFlow
import DSCFlowAccelerator
import DSCFlowVision

/// Command-line overrides of a model's `dscflow.preprocess` metadata (shared by classify, detect,
/// preprocess and eval-dacsdc). Each one replaces the metadata key of the same name. Options whose
/// values may start with '-' (--range -1,1, --mean -0.5) take the next word whatever it looks like.
struct PreprocessOverrideOptions: ParsableArguments {
    @Option(help: "Channel model: rgb, bgr or gray (default: the metadata's, else from the input's channels).")
    var color: String?

    @Option(help: "Resize filter: bilinear (half-pixel centres, TF arithmetic) or nearest (Pillow's NEAREST).")
    var resize: String?

    @Option(help: "Aspect handling: stretch, letterbox or crop (centre).")
    var fit: String?

    @Option(help: "Letterbox padding pixel value: V or R,G,B (0-255).")
    var pad: String?

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Normalization: lo,hi maps pixel/255 onto [lo,hi] (e.g. --range -1,1); raw stores the pixel byte. Default: the metadata's, else what the input's quantization implies (printed as a note).",
        valueName: "lo,hi|raw"))
    var range: String?

    @Option(parsing: .unconditional, help: "Per-channel mean in pixel units (0-255): m or m0,m1,m2; value = (pixel - mean)/std.")
    var mean: String?

    @Option(parsing: .unconditional, help: "Per-channel standard deviation in pixel units: s or s0,s1,s2.")
    var std: String?

    /// The overrides as metadata keys.
    var values: [String: String] {
        metadataOverrides(["color": color, "resize": resize, "fit": fit, "pad": pad, "range": range, "mean": mean, "std": std])
    }
}
