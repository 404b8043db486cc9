import DSCFlow
import DSCFlowVision
import Foundation
import XCTest

/// `detect` / `eval-dacsdc` with the imported UltraNet on the 50 DAC-SDC images: the frames the
/// model's preprocessing makes (BGR, as cv2.imread gives them) are the C model's inputs, and the
/// boxes are `ultranet_predict_000-049.txt`'s.
final class UltraNetEvalTests: XCTestCase {
    /// The JPEGs (and PNGs) through the model's recorded preprocessing give exactly the cases' frames
    /// (BGR); each frame gives the predict file's box on every fast path, and `Detector.detect` (the
    /// path `detect` takes) gives it from the JPEG; then `eval-dacsdc`, `detect` and `run` through the release
    /// CLI when built.
    func testDetectOnTheJPEGsGivesThePredictedBoxes() throws {
        let dacsdc = try TestPaths.requireShared("dacsdc").path
        let cases = try UltraNetTestData.directory() + "/cases"
        let model = try UltraNetTestData.model()
        let predictions = try UltraNetTestData.predictions()
        let pre = try Preprocessor(model: model)
        let head = try DetectionHeads.make(for: model)
        let detector = try Detector(model: model)
        let paths = KernelPath.supported.filter { $0 != .reference }
        let sessions = try paths.map { try Session(model: model, options: SessionOptions(kernels: $0)) }
        for (i, p) in predictions.enumerated() {
            let n = UltraNetTestData.caseNames[i]
            let image = try ImageFile.read(path: "\(dacsdc)/jpg/\(p.entry.name)")
            let frame = try pre.preprocess(image)
            XCTAssertEqual(frame, try SkrSkrTestData.bytes("\(cases)/\(n).input.bin"), "\(n).jpg")
            if i % 10 == 0 { XCTAssertEqual(try pre.preprocess(try ImageFile.read(path: "\(dacsdc)/\(n).png")), frame, "\(n).png") }
            func entry(_ b: DetectedBox) -> DACSDCScore.Entry {
                DACSDCScore.Entry(name: p.entry.name, xmin: Int(b.xmin), xmax: Int(b.xmax), ymin: Int(b.ymin), ymax: Int(b.ymax))
            }
            for (path, s) in zip(paths, sessions) {
                frame.withUnsafeBytes { s.inputBytes().copyMemory(from: $0) }
                s.run()
                let box = try head.decode(output: s.outputBytes(), tensor: model.tensors[model.outputs[0]], imageWidth: 640, imageHeight: 360)
                XCTAssertEqual(entry(box), p.entry, path.rawValue)
            }
            let box = try detector.detect(image)
            XCTAssertTrue(detector.isObject(box))
            XCTAssertEqual(entry(box), p.entry, "Detector.detect")
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
        // `dscflow detect` on three JPEGs: the predict file's boxes.
        let shown = try ReleaseCLI.run(exe, ["detect", tmp + "/ultranet.dscm"] + predictions.prefix(3).map { dacsdc + "/jpg/" + $0.entry.name })
        for p in predictions.prefix(3) {
            let e = p.entry
            XCTAssertTrue(shown.contains("\(e.name): xmin \(e.xmin) xmax \(e.xmax) ymin \(e.ymin) ymax \(e.ymax) "), shown)
        }
        // `dscflow run`: the frame in, the head out (case 007).
        _ = try ReleaseCLI.run(exe, ["run", tmp + "/ultranet.dscm", "--input", dir + "/cases/007.input.bin", "--output", tmp + "/head.bin"])
        XCTAssertEqual(try SkrSkrTestData.bytes(tmp + "/head.bin"), try SkrSkrTestData.bytes(dir + "/cases/007.head.bin"))
    }
}
