import DSCFlow
/// Class labels of a classifier or detector.
public enum LabelList {
    /// The metadata key holding one label per line.
    public static let metadataKey = "dscflow.labels"

    /// Labels from text with one label per line (TFLite's labels.txt); surrounding spaces and
    /// empty lines are dropped.
    public static func parse(lines text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: true).map { String($0).trimmingSpaces() }.filter { !$0.isEmpty }
    }

    /// The model's labels: the `dscflow.labels` metadata (one per line), else a comma-separated
    /// `labels=` entry of `dscflow.classification` or `dscflow.detection`, else nil.
    public static func labels(of model: Model) throws -> [String]? {
        if let text = model.metadata[metadataKey] { return parse(lines: text) }
        for key in ["dscflow.classification", DetectionHeads.metadataKey] {
            if let text = model.metadata[key], let l = try MetadataRecord(parsing: text, name: key)["labels"] {
                return l.split(separator: ",").map { String($0).trimmingSpaces() }
            }
        }
        return nil
    }

    /// `labels` extended to `count` entries with "class i" for missing ones (extra labels are kept).
    public static func completed(_ labels: [String]?, count: Int) -> [String] {
        var l = labels ?? []
        while l.count < count { l.append("class \(l.count)") }
        return l
    }
}
