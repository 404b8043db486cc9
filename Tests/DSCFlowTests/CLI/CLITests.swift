import DSCFlow
import DSCFlowVision
import Foundation
import XCTest

/// What a new user hits on the command line (issue 16): no silent defaults that change the answer,
/// options that parse as written, JPEG in, eval-dacsdc on any detector, help that reads as prose.
final class CLITests: XCTestCase {
    let root = TestPaths.packageRoot
    var detector: String { root.appendingPathComponent("models/dscflow_detector.tflite").path }
    var samples: String { root.appendingPathComponent("samples").path }

    func testARangeWithASpaceBeforeItsNegativeValueParses() throws {
        let dir = try temporaryDirectory(self)
        func bytes(_ extra: [String]) throws -> Data {
            let out = dir.appendingPathComponent("in\(extra.joined()).bin").path
            let r = try runDSCFlow(["preprocess", detector, samples + "/00000.png", "-o", out] + extra)
            XCTAssertEqual(r.status, 0, r.err)
            return try Data(contentsOf: URL(fileURLWithPath: out))
        }
        let spaced = try bytes(["--range", "-1,1"])
        XCTAssertEqual(spaced, try bytes(["--range=-1,1"]))
        XCTAssertNotEqual(spaced, try bytes([]))  // the metadata's range=0,1
        XCTAssertEqual(try bytes(["--mean", "-2", "--std", "255"]).count, spaced.count)
    }

    /// person.bmp's bytes are pixel − 128 (../shared/models/SOURCES.md); adding 128 gives the photo.
    func personPNG() throws -> String {
        let bmp = [UInt8](try Data(contentsOf: try TestPaths.requireShared("images/person.bmp")))
        XCTAssertEqual(bmp.count, 1078 + 96 * 96)
        var pixels = [UInt8](repeating: 0, count: 96 * 96)
        for y in 0..<96 { for x in 0..<96 { pixels[y * 96 + x] = bmp[1078 + (95 - y) * 96 + x] &+ 128 } }  // rows bottom-up
        let path = try temporaryDirectory(self).appendingPathComponent("person.png").path
        try PNGCodec.write(try Image(width: 96, height: 96, channels: 1, pixels: pixels), path: path)
        return path
    }

    func testClassifyPersonDetectOnThePersonPhotoSaysPerson() throws {
        let model = try TestPaths.requireShared("models/person_detect.tflite").path
        let photo = try personPNG()
        let labels = try temporaryDirectory(self).appendingPathComponent("labels.txt")
        try Data("no_person\nperson\n".utf8).write(to: labels)
        let r = try runDSCFlow(["classify", model, photo, "--labels", labels.path])
        XCTAssertEqual(r.status, 0, r.err)
        let first = try XCTUnwrap(r.out.split(separator: "\n").first).split(separator: " ", omittingEmptySubsequences: true)
        XCTAssertEqual(first.first, "person", r.out)
        XCTAssertGreaterThan(Double(first.last ?? "") ?? 0, 0.9, r.out)
        // Nothing silent: the range the input's quantization implies is printed.
        XCTAssertTrue(r.err.contains("assumed range=-1,1"), r.err)
        // Without labels the person class is index 1.
        let bare = try runDSCFlow(["classify", model, photo, "--top", "1"])
        XCTAssertTrue(bare.out.hasPrefix("class 1 "), bare.out)
    }

    func testAModelWhoseQuantizationImpliesNoRangeIsRefusedNamingTheOption() throws {
        let dir = try temporaryDirectory(self)
        let model = dir.appendingPathComponent("mfcc.dscm").path
        try DSCMWriter.write(try TinyModels.input(shape: [1, 8, 8, 1], scale: 0.5847029, zeroPoint: 83), to: model)
        let r = try runDSCFlow(["preprocess", model, samples + "/00000.png", "-o", dir.appendingPathComponent("x.bin").path])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.err.contains("range=lo,hi"), r.err)
        XCTAssertEqual(try runDSCFlow(["preprocess", model, samples + "/00000.png", "-o", dir.appendingPathComponent("x.bin").path,
                                       "--range", "0,255"]).status, 0)
    }

    func testDetectPrintsNoObjectBelowTheMinimumScore() throws {
        let r = try runDSCFlow(["detect", detector, samples + "/00002.png", samples + "/00000.png"])
        XCTAssertEqual(r.status, 0, r.err)
        let lines = r.out.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines[0].hasSuffix("00002.png: no object (best score 0.0331 is below the minimum score 0.5)"), lines[0])
        XCTAssertTrue(lines[1].hasSuffix("00000.png: xmin 180 xmax 256 ymin 1 ymax 92 score 0.7771 (anchor 1, cell x 27 y 5)"), lines[1])
        let low = try runDSCFlow(["detect", detector, samples + "/00002.png", "--min-score", "0.01"])
        XCTAssertTrue(low.out.contains("xmin 277 xmax 307 ymin 118 ymax 144"), low.out)
        let json = try runDSCFlow(["detect", detector, samples + "/00002.png", "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any]
        XCTAssertEqual(object?["object"] as? Bool, false, json.out)
        XCTAssertEqual(object?["min_score"] as? Double, 0.5, json.out)
        XCTAssertNotEqual(try runDSCFlow(["detect", detector, samples + "/00002.png", "--min-score", "2"]).status, 0)
    }

    func testDetectWithoutAHeadNamesTheFlag() throws {
        let dir = try temporaryDirectory(self)
        let model = dir.appendingPathComponent("headless.dscm").path
        try DSCMWriter.write(try TinyModels.detector(metadata: ["dscflow.detection": "# none"]), to: model)
        let r = try runDSCFlow(["detect", model, samples + "/00000.png"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.err.contains("--head"), r.err)
    }

    func testEvalDACSDCTakesTheDefaultDetectorWithItsOwnPreprocessing() throws {
        let r = try runDSCFlow(["eval-dacsdc", detector, samples, "--gt", samples + "/ground_truth.txt"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.hasPrefix("mean IoU: 0.691476 over 6 images; IoU >= 0.5: 83.3 % (5/6)\n"), r.out)
        XCTAssertTrue(r.out.contains(" ms/image wall with 1 thread ("), r.out)
        XCTAssertTrue(r.out.contains("per image: read "), r.out)
        // stderr is a pipe here, not a terminal: no progress frames.
        XCTAssertFalse(r.err.contains("\r"), "progress bar frames in a log: \(r.err.debugDescription)")
        let json = try runDSCFlow(["eval-dacsdc", detector, samples, "--gt", samples + "/ground_truth.txt", "--json"])
        let summary = try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any]
        XCTAssertEqual(summary?["images"] as? Int, 6)
        XCTAssertEqual((summary?["iou_at_least_0_5"] as? Double).map { ($0 * 6).rounded() }, 5)
        XCTAssertNotNil(summary?["seconds_per_image"])
        for key in ["read_ms", "preprocess_ms", "inference_ms", "box_decode_ms"] {
            XCTAssertGreaterThan(summary?[key] as? Double ?? -1, 0, key)
        }
        // Two threads: the same boxes, in the same order.
        let two = try runDSCFlow(["eval-dacsdc", detector, samples, "--gt", samples + "/ground_truth.txt", "--threads", "2", "--per-image"])
        let one = try runDSCFlow(["eval-dacsdc", detector, samples, "--gt", samples + "/ground_truth.txt", "--per-image"])
        XCTAssertEqual(two.status, 0, two.err)
        let boxes = { (out: String) in out.split(separator: "\n").filter { !$0.hasPrefix("time:") } }
        XCTAssertEqual(boxes(two.out), boxes(one.out))
        XCTAssertTrue(two.out.contains("with 2 threads"), two.out)
    }

    /// The ground truth names NAME.jpg: eval-dacsdc reads the JPGs in dacsdc/jpg and, in dacsdc/
    /// (PNG only), the PNGs instead (saying so); both give the same boxes.
    func testEvalDACSDCOnTheJPGsGivesTheBoxesOfThePNGs() throws {
        let dacsdc = try TestPaths.requireShared("dacsdc/jpg").deletingLastPathComponent().path
        let dir = try temporaryDirectory(self)
        func predictions(_ images: String) throws -> (String, String) {
            let out = dir.appendingPathComponent(UUID().uuidString).path
            let r = try runDSCFlow(["eval-dacsdc", detector, images, "--gt", dacsdc + "/ground_truth.txt", "--predictions", out])
            XCTAssertEqual(r.status, 0, r.err)
            return (try String(contentsOfFile: out, encoding: .utf8), r.err)
        }
        let (jpg, jpgNotes) = try predictions(dacsdc + "/jpg")
        let (png, pngNotes) = try predictions(dacsdc)
        XCTAssertEqual(jpg.split(separator: "\n").count, 50)
        XCTAssertEqual(jpg, png)
        XCTAssertFalse(jpgNotes.contains("instead"), jpgNotes)
        XCTAssertTrue(pngNotes.contains("reading 000.png instead"), pngNotes)
    }

    func testDetectAndClassifyTakeJPEG() throws {
        let jpeg = root.appendingPathComponent("Tests/DSCFlowTests/Fixtures/jpeg/baseline_420_large.jpg").path
        let r = try runDSCFlow(["detect", detector, jpeg, "--min-score", "0"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains("xmin "), r.out)
        let dir = try temporaryDirectory(self)
        let png = dir.appendingPathComponent("same.png").path
        try PNGCodec.write(try JPEGCodec.read(path: jpeg), path: png)
        let p = try runDSCFlow(["detect", detector, png, "--min-score", "0"])
        XCTAssertEqual(r.out.split(separator: ":").dropFirst().joined(), p.out.split(separator: ":").dropFirst().joined())
        let bad = dir.appendingPathComponent("truncated.jpg")
        try Data(try Data(contentsOf: URL(fileURLWithPath: jpeg)).prefix(500)).write(to: bad)
        let t = try runDSCFlow(["classify", detector, bad.path])
        XCTAssertNotEqual(t.status, 0)
        XCTAssertTrue(t.err.contains("truncated") || t.err.contains("corrupt"), t.err)
        XCTAssertEqual(t.err.split(separator: "\n").count, 1, "one-line error: \(t.err)")
    }

    /// Help paragraphs are written as one line each (ArgumentParser wraps them to the terminal), so
    /// at a width nothing wraps every line of an overview ends a sentence; models are .tflite or .dscm.
    func testHelpReadsAsProseAndNamesBothModelFormats() throws {
        let commands = [[], ["info"], ["run"], ["import"], ["import", "skrskr"], ["convert"], ["eval-dacsdc"], ["classify"],
                        ["detect"], ["preprocess"], ["profile"], ["ablate"], ["explore"], ["bench"]]
        for c in commands {
            let r = try runDSCFlow(["help"] + c, environment: ["COLUMNS": "5000"])
            XCTAssertEqual(r.status, 0, r.err)
            let overview = r.out.components(separatedBy: "USAGE:")[0].split(separator: "\n").filter { !$0.isEmpty }
            XCTAssertFalse(overview.isEmpty, "\(c)")
            for line in overview where !line.hasSuffix(".") {
                XCTFail("dscflow help \(c.joined(separator: " ")): a line breaks mid-sentence: '\(line)'")
            }
            XCTAssertFalse(r.out.contains("(.tflite)."), "dscflow help \(c.joined(separator: " ")) says .tflite only")
        }
    }

    /// Error messages begin in lower case (they follow "Error: " or a path), unless the first word is a
    /// name (PNG, JPEG, TFLite, SkrSkr, SkyNet, ...).
    func testErrorMessagesInTheUserFacingModulesStartInLowerCase() throws {
        let names: Set<String> = ["SkrSkr", "SkyNet", "Pillow", "Swift", "Gowin", "Paper", "Xilinx"]
        let pattern = try NSRegularExpression(pattern: #"(ValidationError\(|DSCError\.\w+\(|reason: )"([A-Z][a-z]+)"#)
        var offenders: [String] = []
        for module in ["DSCFlowVision", "DSCFlowCLI", "DSCFlowCAPI"] {
            let dir = root.appendingPathComponent("Sources/\(module)")
            for file in FileManager.default.enumerator(atPath: dir.path)?.compactMap({ $0 as? String }) ?? [] where file.hasSuffix(".swift") {
                let text = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
                for m in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                    let word = (text as NSString).substring(with: m.range(at: 2))
                    if !names.contains(word) { offenders.append("\(module)/\(file): \"\(word)...") }
                }
            }
        }
        XCTAssertEqual(offenders, [])
    }
}
