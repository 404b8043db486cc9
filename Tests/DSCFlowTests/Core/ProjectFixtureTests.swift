import DSCFlow
import DSCFlowAccelerator
import DSCFlowVision
import Foundation
import XCTest

/// The project's own fixtures (tools/make_fixtures.py): small random-weight int8 models covering
/// every supported operator and option, with TFLite Micro's per-operator outputs for a few inputs.
/// They live in the repository, so these tests always run.
final class ProjectFixtureTests: XCTestCase {
    static let root = TestPaths.fixtures.appendingPathComponent("tflite")

    func fixtureModels() throws -> [URL] {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.root.path).sorted()
        return names.map { Self.root.appendingPathComponent($0) }
            .filter { FileManager.default.fileExists(atPath: $0.appendingPathComponent("model.tflite").path) }
    }

    func testEveryFixtureOperatorMatchesTFLiteMicro() throws {
        let models = try fixtureModels()
        XCTAssertGreaterThan(models.count, 0, "no fixtures under \(Self.root.path)")
        var checkedOps = 0, checkedCases = 0
        var kinds = Set<String>()
        for dir in models {
            let model = try Model.load(path: dir.appendingPathComponent("model.tflite").path)
            for op in model.operations { kinds.insert(op.name) }
            let cases = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
                .map { dir.appendingPathComponent($0) }
                .filter { FileManager.default.fileExists(atPath: $0.appendingPathComponent("input.bin").path) }
            XCTAssertFalse(cases.isEmpty, "\(dir.lastPathComponent) has no cases")
            for c in cases {
                checkedOps += try GoldenCase(directory: c).check(model)
                checkedCases += 1
            }
        }
        print("fixtures: \(models.count) models, \(checkedCases) cases, \(checkedOps) operator outputs bit-exact; operators: \(kinds.sorted().joined(separator: ", "))")
        for required in ["CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "AVERAGE_POOL_2D", "MAX_POOL_2D", "MEAN",
                         "ADD", "CONCATENATION", "PAD", "RESHAPE", "SPACE_TO_DEPTH", "SOFTMAX"] {
            XCTAssertTrue(kinds.contains(required), "no fixture covers \(required)")
        }
    }
}
