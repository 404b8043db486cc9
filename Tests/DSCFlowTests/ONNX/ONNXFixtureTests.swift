import DSCFlow
import Foundation
import XCTest

/// The project's ONNX fixtures (tools/make_onnx_fixtures.py): models quantized by ONNX Runtime's own
/// tool, with ONNX Runtime's outputs (and, where exposing them changes nothing ONNX Runtime fuses, its
/// 8-bit intermediate tensors) as goldens. Every graph output and intermediate must match byte for byte
/// on every kernel path this CPU has. They live in the repository, so these tests always run.
final class ONNXFixtureTests: XCTestCase {
    static let root = TestPaths.fixtures.appendingPathComponent("onnx")

    /// One golden file of a case.
    struct Golden {
        let file: URL
        let tensor: String
        let shape: [Int]
        let output: Bool
    }

    static func goldens(_ caseDir: URL) throws -> [Golden] {
        let text = try String(contentsOf: caseDir.appendingPathComponent("manifest.tsv"), encoding: .utf8)
        return text.split(separator: "\n").dropFirst().map { line in
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return Golden(file: caseDir.appendingPathComponent(f[0]), tensor: f[1],
                          shape: f[3].split(separator: ",").compactMap { Int($0) }, output: f[4] == "output")
        }
    }

    /// NCHW bytes (one byte per element) as NHWC.
    static func toNHWC(_ b: [UInt8], _ s: [Int]) -> [UInt8] {
        let (n, c, h, w) = (s[0], s[1], s[2], s[3])
        var out = [UInt8](repeating: 0, count: b.count)
        for i in 0..<n { for y in 0..<h { for x in 0..<w { for k in 0..<c {
            out[((i * h + y) * w + x) * c + k] = b[((i * c + k) * h + y) * w + x]
        } } } }
        return out
    }

    /// Checks one case on one kernel path; returns the number of tensors compared.
    static func check(_ model: Model, caseDir: URL, path: KernelPath, file: StaticString = #filePath, line: UInt = #line) throws -> Int {
        let goldens = try Self.goldens(caseDir)
        let nhwc = Set((model.metadata[ONNXImporter.nhwcTensorsKey] ?? "").split(separator: "\n").map(String.init))
        let session = try Session(model: model, options: SessionOptions(kernels: path))
        let input = try readBytes(caseDir.appendingPathComponent("input.bin"))
        XCTAssertEqual(session.inputBytes().count, input.count, "input size", file: file, line: line)
        input.withUnsafeBytes { session.inputBytes().copyMemory(from: $0) }
        var produced: [String: [UInt8]] = [:]
        session.run { i, bytes in produced[model.tensors[model.operations[i].outputs[0]].name] = [UInt8](bytes) }
        var compared = 0
        var outputIndex = 0
        for g in goldens {
            var want = try readBytes(g.file)
            let got: [UInt8]
            if g.output {
                got = [UInt8](session.outputBytes(outputIndex))
                outputIndex += 1
            } else {
                // Every 8-bit tensor ONNX Runtime computes has an IR tensor of the same name.
                guard let p = produced[g.tensor] else {
                    XCTFail("\(caseDir.lastPathComponent): no IR operator writes '\(g.tensor)'", file: file, line: line)
                    continue
                }
                if nhwc.contains(g.tensor) && g.shape.count == 4 { want = toNHWC(want, g.shape) }
                got = p
            }
            let where_ = "\(caseDir.deletingLastPathComponent().lastPathComponent)/\(caseDir.lastPathComponent) \(path.rawValue) '\(g.tensor)'"
            XCTAssertEqual(got.count, want.count, "\(where_): size", file: file, line: line)
            if got != want {
                let first = zip(got, want).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? -1
                XCTFail("\(where_): \(zip(got, want).filter { $0 != $1 }.count) bytes differ, first at \(first)", file: file, line: line)
            }
            compared += 1
        }
        return compared
    }

    func testEveryONNXFixtureMatchesONNXRuntimeOnEveryKernelPath() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.root.path).sorted()
            .filter { FileManager.default.fileExists(atPath: Self.root.appendingPathComponent("\($0)/model.onnx").path) }
        XCTAssertGreaterThanOrEqual(names.count, 12, "fixtures under \(Self.root.path)")
        var tensors = 0, cases = 0
        var kinds = Set<String>()
        for name in names {
            let dir = Self.root.appendingPathComponent(name)
            let model = try Model.load(path: dir.appendingPathComponent("model.onnx").path)
            XCTAssertEqual(model.format, "onnx")
            for op in model.operations { kinds.insert(op.name) }
            let caseDirs = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted().map { dir.appendingPathComponent($0) }
                .filter { FileManager.default.fileExists(atPath: $0.appendingPathComponent("manifest.tsv").path) }
            XCTAssertFalse(caseDirs.isEmpty, "\(name) has no cases")
            for c in caseDirs {
                for path in KernelPath.supported { tensors += try Self.check(model, caseDir: c, path: path) }
                cases += 1
            }
        }
        print("onnx fixtures: \(names.count) models, \(cases) cases x \(KernelPath.supported.count) kernel paths, \(tensors) tensors bit-exact with ONNX Runtime; IR operators: \(kinds.sorted().joined(separator: ", "))")
        for required in ["QUANTIZE", "DEQUANTIZE", "CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "QLINEAR_ADD",
                         "QLINEAR_AVERAGE_POOL", "QLINEAR_GLOBAL_AVERAGE_POOL", "MAX_POOL_2D", "CONCATENATION",
                         "LOOKUP_TABLE", "QLINEAR_SOFTMAX", "PAD", "RESHAPE", "TRANSPOSE"] {
            XCTAssertTrue(kinds.contains(required), "no ONNX fixture covers \(required)")
        }
    }
}
