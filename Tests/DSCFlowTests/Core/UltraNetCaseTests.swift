import DSCFlow
import DSCFlowVision
import Foundation
import XCTest

/// The 50 end-to-end cases of the UltraNet C model (../shared/ultranet/cases: the frame cv2.imread
/// gives, the int32 head, the host's box) and `ultranet_predict_000-049.txt`.
final class UltraNetCaseTests: XCTestCase {
    /// Every head from its frame, byte for byte, on every fast path (in-process), and on the reference
    /// path through the release CLI when it is built (else images 000–001 in-process; the blob test
    /// covers those on every path).
    func testFiftyHeadsOnEveryKernelPath() throws {
        let dir = try UltraNetTestData.directory() + "/cases"
        let model = try UltraNetTestData.model()
        let fast = KernelPath.supported.filter { $0 != .reference }
        let sessions = try fast.map { try Session(model: model, options: SessionOptions(kernels: $0)) }
        for n in UltraNetTestData.caseNames {
            let frame = try SkrSkrTestData.bytes("\(dir)/\(n).input.bin"), head = try SkrSkrTestData.bytes("\(dir)/\(n).head.bin")
            XCTAssertEqual(head.count, 28_800)
            for (path, s) in zip(fast, sessions) {
                frame.withUnsafeBytes { s.inputBytes().copyMemory(from: $0) }
                s.run()
                XCTAssertEqual([UInt8](s.outputBytes()), head, "case \(n) on \(path.rawValue)")
            }
        }
        if let exe = ReleaseCLI.path {
            let tmp = NSTemporaryDirectory() + "/dscflow-ultranet-\(getpid())"
            try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: tmp) }
            try DSCMWriter.write(model, to: tmp + "/ultranet.dscm")
            for n in UltraNetTestData.caseNames {
                _ = try ReleaseCLI.run(exe, ["run", tmp + "/ultranet.dscm", "--input", "\(dir)/\(n).input.bin", "--output", tmp + "/head.bin"],
                                       environment: [KernelPath.environmentVariable: "reference"])
                XCTAssertEqual(try SkrSkrTestData.bytes(tmp + "/head.bin"), try SkrSkrTestData.bytes("\(dir)/\(n).head.bin"),
                               "case \(n) on the reference path (\(exe))")
            }
            print("UltraNet: 50 heads identical on \(fast.map(\.rawValue).joined(separator: ", ")) and on reference (\(exe))")
        } else {
            let s = try Session(model: model, options: SessionOptions(kernels: .reference))
            for n in UltraNetTestData.caseNames.prefix(2) {
                try SkrSkrTestData.bytes("\(dir)/\(n).input.bin").withUnsafeBytes { s.inputBytes().copyMemory(from: $0) }
                s.run()
                XCTAssertEqual([UInt8](s.outputBytes()), try SkrSkrTestData.bytes("\(dir)/\(n).head.bin"), "case \(n) on reference")
            }
            print("UltraNet: 50 heads identical on \(fast.map(\.rawValue).joined(separator: ", ")); reference on 000–001 only (no up-to-date release CLI: `make test` builds it for all 50)")
        }
    }

    /// The host's decode of each C-model head gives the case's box, the predict file's box and cell,
    /// and the published mean IoU 0.740746 against the ground truth.
    func testHostDecodeOfTheFiftyHeads() throws {
        let shared = try TestPaths.requireShared("dacsdc").path
        let dir = try UltraNetTestData.directory() + "/cases"
        let model = try UltraNetTestData.model()
        let head = try DetectionHeads.make(for: model)
        let predictions = try UltraNetTestData.predictions()
        XCTAssertEqual(predictions.count, 50)
        let gt = try DACSDCScore.parse(String(decoding: try SkrSkrTestData.bytes(shared + "/ground_truth.txt"), as: UTF8.self), name: "gt")
        var iou = 0.0
        for (n, p) in zip(UltraNetTestData.caseNames, predictions) {
            let bytes = try SkrSkrTestData.bytes("\(dir)/\(n).head.bin")
            let box = try bytes.withUnsafeBytes {
                try head.decode(output: $0, tensor: model.tensors[model.outputs[0]], imageWidth: 640, imageHeight: 360)
            }
            let ints = [box.xmin, box.xmax, box.ymin, box.ymax].map { Int($0) }
            XCTAssertEqual(ints, try SkrSkrTestData.integers("\(dir)/\(n).bbox.txt"), "case \(n) box")
            XCTAssertEqual(DACSDCScore.Entry(name: "\(n).jpg", xmin: ints[0], xmax: ints[1], ymin: ints[2], ymax: ints[3]), p.entry)
            XCTAssertEqual(box.raw.first, p.cell, "case \(n) cell")
            iou += DACSDCScore.iou(p.entry, gt.first { $0.name == p.entry.name }!)
        }
        XCTAssertEqual((iou / 50 * 1e6).rounded() / 1e6, 0.740746)
    }
}
