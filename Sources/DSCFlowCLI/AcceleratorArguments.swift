import DSCFlow
import DSCFlowAccelerator
import DSCFlowVision
import Foundation

/// A model named on the command line: a model file, or a built-in topology (random weights).
func resolveModel(_ name: String) throws -> Model {
    if let t = BuiltinTopology(rawValue: name) { return try t.build() }
    if FileManager.default.fileExists(atPath: name) { return try loadModel(name) }
    throw DSCError.invalidArgument("'\(name)' is neither a model file nor a built-in topology (\(BuiltinTopology.allCases.map(\.rawValue).joined(separator: ", ")))")
}

/// An accelerator named on the command line: a preset, or a JSON configuration file.
func resolveAccelerator(_ name: String) throws -> AcceleratorConfig {
    if AcceleratorConfig.presetNames.contains(name) { return try AcceleratorConfig.preset(named: name) }
    if FileManager.default.fileExists(atPath: name) {
        let bytes = try readFile(name)
        guard let text = String(validating: bytes, as: UTF8.self) else { throw DSCError.io(path: name, reason: "is not UTF-8 text") }
        return try AcceleratorConfig(json: text)
    }
    throw DSCError.invalidArgument("'\(name)' is neither an accelerator preset (\(AcceleratorConfig.presetNames.joined(separator: ", "))) nor a JSON file")
}
