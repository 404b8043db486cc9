import Foundation
import XCTest
import CDSCFlowSIMD
@testable import DSCFlow

/// Whole models on every kernel path, and which microkernel each operator gets on each path.
final class KernelPathTests: KernelTestCase {
    /// Every operator's output on every path equals the goldens (TFLite Micro / LiteRT reference), for every case.
    func testSharedModelsMatchGoldensOnEveryPath() throws {
        guard let shared = KernelTestCase.sharedDirectory else { throw XCTSkip("../shared (or DSCFLOW_SHARED) is absent: no shared models to check") }
        for name in KernelTestCase.sharedModels {
            let model = try Model.load(path: shared.appendingPathComponent("models/\(name).tflite").path)
            let caseDirs = try FileManager.default.contentsOfDirectory(atPath: shared.appendingPathComponent("goldens/\(name)").path)
            for c in caseDirs.sorted() {
                let dir = shared.appendingPathComponent("goldens/\(name)/\(c)")
                guard let input = FileManager.default.contents(atPath: dir.appendingPathComponent("input.bin").path) else { continue }
                let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("op") }.sorted()
                XCTAssertEqual(files.count, model.operations.count, "\(name)/\(c)")
                for path in KernelPath.supported {
                    let outs = try runAll(model, [UInt8](input), path: path)
                    for (i, f) in files.enumerated() {
                        let golden = [UInt8](FileManager.default.contents(atPath: dir.appendingPathComponent(f).path)!)
                        XCTAssertEqual(outs[i], golden, "\(name)/\(c) op \(i) on \(path.rawValue)")
                    }
                }
            }
        }
    }

    /// Random inputs through the shared models: every fast path equals the reference at every operator.
    func testSharedModelsMatchReferenceOnRandomInputs() throws {
        guard let shared = KernelTestCase.sharedDirectory else { throw XCTSkip("../shared (or DSCFLOW_SHARED) is absent: no shared models to check") }
        var g = SeededGenerator(seed: 77)
        for name in KernelTestCase.sharedModels {
            let model = try Model.load(path: shared.appendingPathComponent("models/\(name).tflite").path)
            for rounding in [RoundingMode.double, .single] {
                for _ in 0..<3 {
                    let input = g.bytes(model.tensors[model.inputs[0]].byteCount)
                    let expected = try runAll(model, input, path: .reference, rounding: rounding)
                    for path in fastPaths {
                        let got = try runAll(model, input, path: path, rounding: rounding)
                        for i in 0..<expected.count where got[i] != expected[i] {
                            XCTFail("\(name) op \(i) differs on \(path.rawValue) (\(rounding))")
                            break
                        }
                    }
                }
            }
        }
    }

    func testKernelPathResolvesAndRejectsUnknownNames() throws {
        XCTAssertTrue(KernelPath.supported.contains(.portable))
        XCTAssertNotEqual(try KernelPath.auto.resolved(), .auto)
        for p in KernelPath.supported { XCTAssertEqual(try p.resolved(), p) }
    }

    /// The kernel each operator of the shared models gets on each path this CPU runs: a test that
    /// fails when a preparation rule changes which microkernel runs (a speed regression without a
    /// byte changing).
    func testSharedModelsGetTheExpectedMicrokernels() throws {
        guard let shared = KernelTestCase.sharedDirectory else { throw XCTSkip("../shared (or DSCFLOW_SHARED) is absent: no shared models to check") }
        let person = try Model.load(path: shared.appendingPathComponent("models/person_detect.tflite").path)
        let resnet = try Model.load(path: shared.appendingPathComponent("models/pretrainedResnet_quant.tflite").path)
        func kernels(_ m: Model, _ path: KernelPath) throws -> [String] {
            try PreparedModel(model: m, options: SessionOptions(kernels: path)).kernels.map(\.description)
        }
        // person_detect: op 0 is the one-input-channel depthwise, op 1 a stride-1 depthwise on 8 channels,
        // op 2 a 1x1 conv, op 27 the average pool, op 29 the reshape, op 30 the softmax.
        let expected: [KernelPath: [Int: String]] = [
            .portable: [0: "dwconv-generic-portable", 1: "dwconv-generic-portable", 2: "conv-igemm-portable",
                        27: "pool-portable", 29: "copy", 30: "softmax-scalar"],
            .avx2: [0: "dwconv-generic-avx2", 1: "dwconv-generic-avx2", 2: "conv-igemm-avx2", 27: "pool-avx2"],
            .avxvnni: [0: "dwconv-ic1-avxvnni", 1: "dwconv-phase-avxvnni", 2: "conv-igemm-avxvnni"],
            .avx512vnni: [0: "dwconv-ic1-avx512vnni", 1: "dwconv-phase-avx512vnni", 2: "conv-igemm-avx512vnni",
                          27: "pool-avx512vnni"],
        ]
        for path in fastPaths {
            let names = try kernels(person, path)
            for (op, name) in expected[path] ?? [:] { XCTAssertEqual(names[op], name, "person_detect op \(op) on \(path.rawValue)") }
            XCTAssertFalse(names.contains { $0.hasPrefix("reference") }, "person_detect on \(path.rawValue): \(names)")
            // ResNet-8: 3x3 convs in row runs, its adds in the float form.
            let r = try kernels(resnet, path)
            XCTAssertEqual(r[0], "conv-rowruns-\(path.rawValue)")
            XCTAssertEqual(r[3], "add-float-\(path.rawValue)")
        }
        XCTAssertEqual(try kernels(person, .reference), [String](repeating: "reference: the reference path", count: person.operations.count))
    }
}
