import DSCFlow
import DSCFlowAccelerator
import Foundation
import XCTest

/// ONNX models beyond their goldens: broken ones give one-line errors naming the node, `.dscm`
/// conversion (format version 3) keeps every byte, the accelerator emulator computes the same bytes and cycles as the
/// reference and the cost model; and (KernelCoverageTests) no operator falls back to the reference kernels.
final class ONNXModelTests: XCTestCase {
    static var fixtureNames: [String] {
        let root = ONNXFixtureTests.root
        return ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).sorted()
            .filter { FileManager.default.fileExists(atPath: root.appendingPathComponent("\($0)/model.onnx").path) }
    }

    static func model(_ name: String) throws -> Model {
        try Model.load(path: ONNXFixtureTests.root.appendingPathComponent("\(name)/model.onnx").path)
    }

    /// The first case's input bytes of a fixture.
    static func input(_ name: String) throws -> [UInt8] {
        try readBytes(ONNXFixtureTests.root.appendingPathComponent("\(name)/rand0/input.bin"))
    }

    /// tools/make_onnx_fixtures.py's malformed/ models: each gives one DSCError of one line containing
    /// the text expected.tsv names (the node's type and name where a node is at fault).
    func testMalformedModelsGiveOneLineErrorsNamingTheNode() throws {
        let dir = ONNXFixtureTests.root.appendingPathComponent("malformed")
        let rows = try String(contentsOf: dir.appendingPathComponent("expected.tsv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map { $0.split(separator: "\t", maxSplits: 1).map(String.init) }
        XCTAssertGreaterThanOrEqual(rows.count, 12)
        for r in rows {
            do {
                _ = try Model.load(path: dir.appendingPathComponent(r[0]).path)
                XCTFail("\(r[0]) loaded")
            } catch {
                let text = error.description
                XCTAssertFalse(text.contains("\n"), "\(r[0]): \(text)")
                XCTAssertTrue(text.contains(r[1]), "\(r[0]): '\(text)' does not say '\(r[1])'")
            }
        }
    }

    func testDSCMConversionKeepsEveryByte() throws {
        let names = Self.fixtureNames
        XCTAssertGreaterThanOrEqual(names.count, 12)
        for name in names {
            let original = try Self.model(name)
            let bytes = try DSCMWriter.serialize(original)
            // ONNX Runtime's operators and float32 tensors are format version 3; a file saying 2 is refused.
            XCTAssertEqual(bytes[8], 3, "\(name): header version")
            var older = bytes
            older[8] = 2
            XCTAssertThrowsError(try DSCMFormat.importModel(try older.withUnsafeBytes { try ByteStorage(copying: $0) }, verifyChecksums: false)) {
                XCTAssertTrue("\($0)".contains("needs format version 3; the file is version 2"), "\(name): \($0)")
            }
            let loaded = try bytes.withUnsafeBytes { try Model.load(bytes: $0) }
            XCTAssertEqual(loaded.format, "dscm")
            XCTAssertEqual(loaded.metadata["dscflow.origin"], "onnx", name)
            XCTAssertEqual(loaded.metadata[ONNXImporter.nhwcTensorsKey], original.metadata[ONNXImporter.nhwcTensorsKey], name)
            XCTAssertEqual(try DSCMWriter.serialize(loaded), bytes, "\(name): a second conversion differs")
            let input = try Self.input(name)
            var outputs: [[[UInt8]]] = []
            for m in [original, loaded] {
                let s = try Session(model: m, options: SessionOptions(preserveAllTensors: true))
                input.withUnsafeBytes { s.inputBytes().copyMemory(from: $0) }
                var outs: [[UInt8]] = []
                s.run { _, out in outs.append([UInt8](out)) }
                outputs.append(outs)
            }
            XCTAssertEqual(outputs[0], outputs[1], name)
        }
    }

    /// The emulator on every ONNX fixture (its QUANTIZE reads the fixture's float input).
    func testEmulatorComputesTheReferenceBytesAndPredictedCycles() throws {
        for name in Self.fixtureNames {
            let model = try Self.model(name)
            for c in [AcceleratorConfig.skrskr, .ismart3, .ultranet] {
                try EmulatorBitExactTests.check(model, c, inputs: [try Self.input(name)], what: name)
            }
        }
    }

}

extension KernelCoverageTests {
    func testONNXFixturesRunOnMicrokernels() throws {
        try XCTSkipIf(KernelPath.supported.count <= 2, "this CPU has no SIMD path (AVX2 or better)")
        let names = ONNXModelTests.fixtureNames
        XCTAssertGreaterThanOrEqual(names.count, 12)
        for name in names { try assertEveryOperatorFast(try ONNXModelTests.model(name), name) }
    }
}
