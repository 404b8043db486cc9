import DSCFlow
import DSCFlowVision
import Foundation
import XCTest

/// `detect` / `eval-dacsdc` with the imported UltraNet on the 50 DAC-SDC images: the frames the
/// model's preprocessing makes (BGR, as cv2.imread gives them) are the C model's inputs, and the
/// boxes are `ultranet_predict_000-049.txt`'s.
final class UltraNetEvalTests: XCTestCase {
    /// The JPEGs and PNGs through the model's recorded preprocessing give exactly the cases' frames.
    func testPreprocessingGivesTheBoardFrames() throws {
        let dacsdc = try TestPaths.requireShared("dacsdc").path
        let cases = try UltraNetTestData.directory() + "/cases"
        let model = try UltraNetTestData.model()
        let pre = try Preprocessor(model: model)
        for n in UltraNetTestData.caseNames {
            let frame = try SkrSkrTestData.bytes("\(cases)/\(n).input.bin")
            XCTAssertEqual(try pre.preprocess(try ImageFile.read(path: "\(dacsdc)/jpg/\(n).jpg")), frame, "\(n).jpg")
            XCTAssertEqual(try pre.preprocess(try ImageFile.read(path: "\(dacsdc)/\(n).png")), frame, "\(n).png")
        }
    }

    /// Images to boxes in-process (the fast path; the debug build's C kernels are optimised) on the
    /// JPEGs: every box equals the predict file's; then `eval-dacsdc` through the release CLI when built.
    func testDetectOnTheJPEGsGivesThePredictedBoxes() throws {
        let dacsdc = try TestPaths.requireShared("dacsdc").path
        let model = try UltraNetTestData.model()
        let predictions = try UltraNetTestData.predictions()
        let detector = try Detector(model: model)
        for p in predictions {
            let box = try detector.detect(try ImageFile.read(path: "\(dacsdc)/jpg/\(p.entry.name)"))
            XCTAssertTrue(detector.isObject(box))
            XCTAssertEqual(DACSDCScore.Entry(name: p.entry.name, xmin: Int(box.xmin), xmax: Int(box.xmax), ymin: Int(box.ymin),
                                             ymax: Int(box.ymax)), p.entry)
        }
        guard let exe = ReleaseCLI.path else {
            print("UltraNet eval-dacsdc through the CLI skipped: no up-to-date release CLI (`make test` builds it)")
            return
        }
        let dir = try UltraNetTestData.directory()
        let tmp = NSTemporaryDirectory() + "/dscflow-ultranet-eval-\(getpid())"
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        _ = try ReleaseCLI.run(exe, ["import", "ultranet", "--params", dir + "/param.h", "--config", dir + "/config.h",
                                     "--last-bias", dir + "/last_bias.npy", "-o", tmp + "/ultranet.dscm"])
        let summary = try ReleaseCLI.run(exe, ["eval-dacsdc", tmp + "/ultranet.dscm", dacsdc + "/jpg", "--gt", dacsdc + "/ground_truth.txt",
                                               "--predictions", tmp + "/pred.txt", "--json", "--quiet"])
        print("eval-dacsdc (\(exe)): \(summary)")
        let predicted = try DACSDCScore.parse(String(decoding: try SkrSkrTestData.bytes(tmp + "/pred.txt"), as: UTF8.self), name: "pred")
        XCTAssertEqual(predicted, predictions.map(\.entry))
        XCTAssertTrue(summary.contains("\"mean_iou\": 0.7407"), summary)
        // `dscflow run`: the frame in, the head out (case 007).
        _ = try ReleaseCLI.run(exe, ["run", tmp + "/ultranet.dscm", "--input", dir + "/cases/007.input.bin", "--output", tmp + "/head.bin"])
        XCTAssertEqual(try SkrSkrTestData.bytes(tmp + "/head.bin"), try SkrSkrTestData.bytes(dir + "/cases/007.head.bin"))
    }
}
