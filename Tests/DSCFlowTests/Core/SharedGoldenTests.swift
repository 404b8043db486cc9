import DSCFlow
import DSCFlowAccelerator
import DSCFlowVision
import Foundation
import XCTest

/// The four third-party int8 models (../shared/models) reproduce every operator's golden output
/// (../shared/goldens, TFLite Micro's values cross-checked with LiteRT BUILTIN_REF) bit for bit.
final class SharedGoldenTests: XCTestCase {
    func checkModel(_ name: String, cases: [String]) throws {
        let modelURL = try TestPaths.requireShared("models/\(name).tflite")
        let goldens = try TestPaths.requireShared("goldens/\(name)")
        let model = try Model.load(path: modelURL.path)
        for c in cases {
            let n = try GoldenCase(directory: goldens.appendingPathComponent(c)).check(model)
            XCTAssertEqual(n, model.operations.count)
        }
    }

    func testPersonDetectEveryOperatorMatchesGoldens() throws {
        try checkModel("person_detect", cases: ["person", "no_person"])
    }

    func testVisualWakeWordsEveryOperatorMatchesGoldens() throws {
        try checkModel("vww_96_int8", cases: ["person", "no_person"])
    }

    func testKeywordSpottingEveryOperatorMatchesGoldens() throws {
        try checkModel("kws_ref_model", cases: ["kws_input0"])
    }

    func testResNet8EveryOperatorMatchesGoldens() throws {
        try checkModel("pretrainedResnet_quant", cases: ["person", "no_person"])
    }

    func testPersonDetectOutputsMatchPublishedTable() throws {
        let model = try Model.load(path: try TestPaths.requireShared("models/person_detect.tflite").path)
        let goldens = try TestPaths.requireShared("goldens/person_detect")
        for (c, expected) in [("person", [-113, 113]), ("no_person", [57, -57])] {
            let input = try readBytes(goldens.appendingPathComponent("\(c)/input.bin"))
            let out = try runAll(model, input: input).output.map { Int(Int8(bitPattern: $0)) }
            XCTAssertEqual(out, expected, c)
        }
    }

    func testPersonDetectIsReadInPlaceWithoutCopyingWeights() throws {
        let url = try TestPaths.requireShared("models/person_detect.tflite")
        let bytes = try readBytes(url)
        try bytes.withUnsafeBytes { raw in
            let model = try Model.load(bytes: raw, copy: false)
            // Every constant points inside the caller's buffer.
            for t in model.tensors {
                guard let d = t.data else { continue }
                XCTAssertTrue(d.storage.isBorrowed)
                XCTAssertTrue(d.pointer >= raw.baseAddress! && d.pointer + d.count <= raw.baseAddress! + raw.count)
            }
            let input = try readBytes(try TestPaths.requireShared("goldens/person_detect/person/input.bin"))
            XCTAssertEqual(try runAll(model, input: input).output.map { Int8(bitPattern: $0) }, [-113, 113])
        }
    }

    func testSingleRoundingIsSelectablePerSession() throws {
        let model = try Model.load(path: try TestPaths.requireShared("models/pretrainedResnet_quant.tflite").path)
        let input = try readBytes(try TestPaths.requireShared("goldens/pretrainedResnet_quant/person/input.bin"))
        let double = try runAll(model, input: input)
        let single = try runAll(model, input: input, options: SessionOptions(rounding: .single))
        // Both run to completion; intermediate tensors differ somewhere (the roundings are not the same function).
        XCTAssertEqual(double.ops.count, single.ops.count)
        XCTAssertNotEqual(double.ops, single.ops, "single and double rounding gave identical tensors everywhere")
    }
}
