import DSCFlow
import DSCFlowAccelerator
import DSCFlowVision
import Foundation
import XCTest

final class DetectorTests: XCTestCase {
    func coordinates(_ b: DetectedBox) -> [Double] { [b.xmin, b.xmax, b.ymin, b.ymax] }

    func testStretchDetectsTheRedSquareWithAnchor0() throws {
        let d = try Detector(model: TinyModels.detector())
        let img = try TinyModels.scene(width: 320, height: 160, rect: (80, 96, 40, 56), color: (255, 0, 0))
        let box = try d.detect(img)
        // First cell of the square: (y 5, x 10); centre (84, 44); anchor 0 = 4×2 cells = 32×16 px.
        XCTAssertEqual(coordinates(box), [68, 100, 36, 52])
        XCTAssertEqual(box.anchor, 0)
        XCTAssertEqual(box.raw, [-128, -128, -128, -128, 0, 10, 5, 0])
    }

    func testGreenObjectSelectsAnchor1AndOverridesChangeTheAnchors() throws {
        let img = try TinyModels.scene(width: 320, height: 160, rect: (80, 96, 40, 56), color: (0, 255, 0))
        let box = try Detector(model: TinyModels.detector()).detect(img)
        XCTAssertEqual(box.anchor, 1)
        XCTAssertEqual(coordinates(box), [52, 116, 20, 68])  // 8×6 cells = 64×48 px around (84, 44)
        let small = try Detector(model: TinyModels.detector(), detectionOverrides: ["anchors": "4,2,2,2"]).detect(img)
        XCTAssertEqual(coordinates(small), [76, 92, 36, 52])
    }

    func testStretchScalesToTheOriginalImage() throws {
        // A 640×320 image stretched to 320×160: the box doubles.
        let img = try TinyModels.scene(width: 640, height: 320, rect: (160, 192, 80, 112), color: (255, 0, 0))
        XCTAssertEqual(coordinates(try Detector(model: TinyModels.detector()).detect(img)), [136, 200, 72, 104])
    }

    func testLetterboxMapsTheBoxBackToTheOriginalImage() throws {
        // 640×160 into 320×160: content 320×80 at y 40. Square [160,192)×[48,80) → input [80,96)×[64,80),
        // first cell (y 8, x 10), input box [68,100)×[60,76) → original [136,200)×[40,72).
        let img = try TinyModels.scene(width: 640, height: 160, rect: (160, 192, 48, 80), color: (255, 0, 0))
        let box = try Detector(model: TinyModels.detector(), preprocessOverrides: ["fit": "letterbox"]).detect(img)
        XCTAssertEqual(coordinates(box), [136, 200, 40, 72])
        XCTAssertEqual(box.gridY, 8); XCTAssertEqual(box.gridX, 10)
    }

    func testAModelWithoutDetectionMetadataNeedsTheHeadAsAnOption() throws {
        let m = try TinyModels.detector(metadata: ["dscflow.detection": "# nothing here"])
        XCTAssertThrowsError(try Detector(model: m)) { XCTAssertTrue("\($0)".contains("head")) }
        let img = try TinyModels.scene(width: 320, height: 160, rect: (80, 96, 40, 56), color: (255, 0, 0))
        let box = try Detector(model: m, detectionOverrides: ["head": "skynet", "anchors": "4,2,8,6"]).detect(img)
        XCTAssertEqual(coordinates(box), [68, 100, 36, 52])
    }

    func testDetectionPipelineGivesDetectorsBoxesInOrderOnOneAndTwoThreads() throws {
        // Squares at different places and colours (so anchors and cells differ), one unreadable image.
        let scenes: [Image] = try (0..<9).map { i in
            let x = 16 + (i * 37) % 240, y = 8 + (i * 23) % 100
            return try TinyModels.scene(width: 320, height: 160, rect: (x, x + 16 + 4 * (i % 3), y, y + 16),
                                        color: i % 2 == 0 ? (255, 0, 0) : (0, 255, 0))
        }
        let model = try TinyModels.detector()
        let expected = try scenes.map { try Detector(model: model).detect($0) }
        for threads in [1, 2] {
            let pipeline = try DetectionPipeline(model: model, threads: threads)
            var seen: [Int] = []
            try pipeline.run(count: scenes.count + 1, read: { i in
                if i == scenes.count { throw DSCError.invalidArgument("image \(i) is unreadable") }
                return scenes[i]
            }) { r in
                seen.append(r.index)
                if r.index == scenes.count {
                    guard case .failure(let e) = r.box else { return XCTFail("the unreadable image has a box") }
                    XCTAssertTrue("\(e)".contains("unreadable"), "\(e)")
                    return
                }
                switch r.box {
                case .success(let b):
                    XCTAssertEqual(coordinates(b), coordinates(expected[r.index]), "image \(r.index), \(threads) threads")
                    XCTAssertEqual(b.raw, expected[r.index].raw)
                    XCTAssertGreaterThan(r.timing.inference, 0)
                case .failure(let e): XCTFail("image \(r.index): \(e)")
                }
            }
            XCTAssertEqual(seen, Array(0...scenes.count), "\(threads) threads")
        }
        XCTAssertThrowsError(try DetectionPipeline(model: model, threads: 0))
        var none = 0
        try DetectionPipeline(model: model, threads: 2).run(count: 0, read: { _ in scenes[0] }) { _ in none += 1 }
        XCTAssertEqual(none, 0)
    }

    func testDrawingPutsATwoPixelOutlineInsideTheBox() throws {
        var img = try Image(width: 10, height: 8, channels: 3)
        img.drawRectangle(xmin: 2, xmax: 8, ymin: 1, ymax: 7, color: (1, 2, 3))
        func at(_ x: Int, _ y: Int) -> [UInt8] { Array(img.pixels[(y * 10 + x) * 3..<(y * 10 + x) * 3 + 3]) }
        for y in 0..<8 { for x in 0..<10 {
            let inside = x >= 2 && x < 8 && y >= 1 && y < 7
            let border = inside && (x < 4 || x >= 6 || y < 3 || y >= 5)
            XCTAssertEqual(at(x, y), border ? [1, 2, 3] : [0, 0, 0], "(\(x), \(y))")
        } }
        var gray = try Image(width: 4, height: 4, channels: 1)
        gray.drawRectangle(xmin: -5, xmax: 100, ymin: .nan, ymax: .infinity, color: (255, 255, 255), thickness: 1)
        XCTAssertEqual(gray.pixels.filter { $0 == 255 }.count, 12)
    }

    func testDetectCommandPrintsJSONAndWritesTheAnnotatedImage() throws {
        // A tiny detector is not a file; use the CLI on the default model when it is present.
        let model = TestPaths.packageRoot.appendingPathComponent("models/dscflow_detector.tflite")
        let samples = TestPaths.packageRoot.appendingPathComponent("samples")
        guard FileManager.default.fileExists(atPath: model.path) else {
            print("SKIP: models/dscflow_detector.tflite is not in this checkout yet")
            throw XCTSkip("no default model")
        }
        let pngs = try FileManager.default.contentsOfDirectory(atPath: samples.path).filter { $0.hasSuffix(".png") }.sorted()
        let first = try XCTUnwrap(pngs.first)
        let dir = try temporaryDirectory(self)
        let out = dir.appendingPathComponent("annotated.png")
        let r = try runDSCFlow(["detect", model.path, samples.appendingPathComponent(first).path, "--json", "--out", out.path])
        XCTAssertEqual(r.status, 0, r.err)
        let json = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any]
        XCTAssertNotNil(json?["xmin"]); XCTAssertNotNil(json?["raw"])
        let annotated = try PNGCodec.read(path: out.path)
        let original = try PNGCodec.read(path: samples.appendingPathComponent(first).path)
        XCTAssertEqual(annotated.width, original.width)
        XCTAssertNotEqual(annotated.pixels, original.pixels)
    }

    /// samples/expected_boxes.txt: one line per sample, "NAME.png [xmin, xmax, ymin, ymax]" (DAC-SDC format).
    func testDefaultDetectorBoxesOnTheSamplesEqualTheExpectedBoxes() throws {
        let root = TestPaths.packageRoot
        let modelURL = root.appendingPathComponent("models/dscflow_detector.tflite")
        let expectedURL = root.appendingPathComponent("samples/expected_boxes.txt")
        guard FileManager.default.fileExists(atPath: modelURL.path), FileManager.default.fileExists(atPath: expectedURL.path) else {
            print("SKIP: models/dscflow_detector.tflite or samples/expected_boxes.txt is not in this checkout yet")
            throw XCTSkip("no default model")
        }
        let d = try Detector(model: Model.load(path: modelURL.path))
        var boxes: [String: DetectedBox] = [:]  // one inference per sample (debug builds are slow)
        func detect(_ name: String) throws -> DetectedBox {
            if let b = boxes[name] { return b }
            let b = try d.detect(try PNGCodec.read(path: root.appendingPathComponent("samples").appendingPathComponent(name).path))
            boxes[name] = b
            return b
        }
        var checked = 0
        for line in try String(contentsOf: expectedURL, encoding: .utf8).split(separator: "\n") where !line.hasPrefix("#") {
            let name = String(line.split(separator: " ")[0])
            let numbers = line.drop { $0 != "[" }.dropFirst().prefix { $0 != "]" }.split(separator: ",")
                .map { Double(String($0).trimmingCharacters(in: .whitespaces))! }
            XCTAssertEqual(coordinates(try detect(name)), numbers, name)
            checked += 1
        }
        XCTAssertGreaterThan(checked, 0)
        print("default detector: \(checked) sample boxes equal samples/expected_boxes.txt")
        // expected_decode.txt: "NAME.png anchor=A x=X y=Y int8[tx, ty, tw, th, conf]=[..] iou=.." (the winning cell).
        let decodeURL = root.appendingPathComponent("samples/expected_decode.txt")
        guard FileManager.default.fileExists(atPath: decodeURL.path) else { return }
        for line in try String(contentsOf: decodeURL, encoding: .utf8).split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: " ")
            func value(_ key: String) -> Int? { fields.first { $0.hasPrefix(key + "=") }.flatMap { Int($0.dropFirst(key.count + 1)) } }
            let ints = line.split(separator: "=").last { $0.hasPrefix("[") }.map {
                $0.dropFirst().prefix { $0 != "]" }.split(separator: ",").map { Int(String($0).trimmingCharacters(in: .whitespaces))! }
            }
            let box = try detect(String(fields[0]))
            XCTAssertEqual([box.anchor, box.gridX, box.gridY], [value("anchor"), value("x"), value("y")].map { $0 ?? -1 }, String(fields[0]))
            if let ints, ints.count == 5 {
                XCTAssertEqual(Array(box.raw.prefix(4)) + [box.raw[7]], ints, "\(fields[0]) tx, ty, tw, th, conf")
            }
        }
    }

    /// The general path (Preprocessor with the model's `resize=nearest, range=raw` + the model's own
    /// head) on the SkrSkr accelerator model gives the original C model's box for DAC-SDC image 000
    /// (../shared/skrskr/cases/skrskr_predict_000-049.txt; also the FPGA box the SkrSkr README shows).
    func testSkrSkrModelThroughTheGeneralDetectorGivesTheCModelBox() throws {
        let shared = try SkrSkrTestData.sharedOrSkip()
        let predictions = try String(contentsOfFile: shared + "/skrskr/cases/skrskr_predict_000-049.txt", encoding: .utf8)
        let line = try XCTUnwrap(predictions.split(separator: "\n").first { $0.hasPrefix("000.jpg") })
        let expected = line.drop { $0 != "[" }.dropFirst().prefix { $0 != "]" }.split(separator: ",")
            .map { Double(String($0).trimmingCharacters(in: .whitespaces))! }
        let d = try Detector(model: SkrSkrTestData.model())
        let box = try d.detect(try PNGCodec.read(path: shared + "/dacsdc/000.png"))
        XCTAssertEqual(coordinates(box), expected)
        XCTAssertEqual(expected, [297, 389, 132, 237])
    }
}
