/// A model whose bytes only an accelerator program computes (e.g. iSmart3-SkyNet, whose results depend
/// on its 4-image canvas and on buffer contents left by earlier operations, so no per-operator graph
/// can give them). Such a model is a carrier: its constant tensors hold the design's parameters and
/// its `dscflow.program` metadata names the design; its graph (operators) is not the computation.
/// `PreparedModel` (hence `Session`) refuses it; DSCFlowAccelerator runs it (`ISmart3Accelerator`).
extension Model {
    /// The metadata key that marks a model as an accelerator program (a `key=value` record whose
    /// `design=` names the program, e.g. `design=ismart3-skynet`).
    public static let acceleratorProgramKey = "dscflow.program"

    /// The `design=` of the model's `dscflow.program` record, or nil for an ordinary model.
    public var acceleratorProgramDesign: String? {
        guard let text = metadata[Model.acceleratorProgramKey] else { return nil }
        let record = try? MetadataRecord(parsing: text, name: Model.acceleratorProgramKey)
        return record?["design"] ?? "(unnamed)"
    }
}
