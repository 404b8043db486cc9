import DSCFlow
import DSCFlowAccelerator
import DSCFlowVision
import Foundation
import XCTest

/// What the board's batching does to the bytes (FACTS §7.1): an image's head depends on its slot, on
/// its batch companions and (with state carried) on the previous batch; the layered mode shows the
/// difference; and the DAC-SDC score over the 50 shared images.
final class ISmart3BatchTests: XCTestCase {
    private var best: KernelPath { ISmart3TestData.paths.last ?? .portable }

    private func heads(_ r: ISmart3BatchResult, slot q: Int) -> [Int16] { Array(r.heads[(q * 8000)..<((q + 1) * 8000)]) }

    private func differing(_ a: [Int16], _ b: [Int16]) -> Int { zip(a, b).filter { $0 != $1 }.count }

    /// FACTS §7.1's measurements: 1017 head values of image 000 change with its neighbours; in a batch of
    /// four 000s the slots differ from slot 0; carried state changes 0, 25, 18, 46 values in slots 0–3.
    func testHeadsDependOnSlotNeighboursAndHistory() throws {
        let dir = try ISmart3TestData.dirOrSkip()
        let canonical = try SkrSkrTestData.bytes(dir + "/cases/batch000.stitched.bin")
        let four = try ISmart3TestData.stitch([String](repeating: try ISmart3TestData.imagePath(0), count: 4))
        let fresh = try ISmart3TestData.accelerator(best)
        let r0 = try canonical.withUnsafeBytes { try fresh.run(stitched: $0) }
        let r4 = try four.withUnsafeBytes { try fresh.run(stitched: $0) }
        XCTAssertEqual(differing(heads(r0, slot: 0), heads(r4, slot: 0)), 1017, "image 000: canonical batch vs four copies")
        // Grid cells where some head channel differs from slot 0's.
        func cells(_ a: [Int16], _ b: [Int16]) -> Int {
            var n = 0
            for cell in 0..<800 where (0..<10).contains(where: { ch in a[ch * 800 + cell] != b[ch * 800 + cell] }) { n += 1 }
            return n
        }
        let bySlot = (1..<4).map { cells(heads(r4, slot: 0), heads(r4, slot: $0)) }
        print("iSmart3: image 000 in slots 1-3 of four copies differs from slot 0 in \(bySlot) head cells, \((1..<4).map { differing(heads(r4, slot: 0), heads(r4, slot: $0)) }) values")
        XCTAssertEqual(bySlot, [152, 192, 224], "the slot matters")

        let board = try ISmart3Accelerator(model: try ISmart3TestData.model(), kernels: best, carryState: true)
        _ = try canonical.withUnsafeBytes { try board.run(stitched: $0) }
        let carried = try four.withUnsafeBytes { try board.run(stitched: $0) }
        XCTAssertEqual((0..<4).map { differing(heads(carried, slot: $0), heads(r4, slot: $0)) }, [0, 25, 18, 46],
                       "four 000s after batch 000-003 with the state carried")
        XCTAssertEqual(carried.outputs, r4.outputs, "boxes unchanged")
    }

    /// The layered mode (each image alone, clean padding) agrees with the board away from the border
    /// cells the ring effect reaches, and differs on them.
    func testLayeredModeDiffersOnlyWhereTheRingReaches() throws {
        let dir = try ISmart3TestData.dirOrSkip()
        let canonical = try SkrSkrTestData.bytes(dir + "/cases/batch000.stitched.bin")
        let board = try canonical.withUnsafeBytes { try ISmart3TestData.accelerator(best).run(stitched: $0) }
        let layered = try ISmart3Accelerator(model: try ISmart3TestData.model(), mode: .layered, kernels: best)
        let clean = try canonical.withUnsafeBytes { try layered.run(stitched: $0) }
        for q in 0..<4 {
            let a = heads(board, slot: q), b = heads(clean, slot: q)
            var inner = 0, border = 0
            for ch in 0..<10 {
                for y in 0..<20 {
                    for x in 0..<40 where a[(ch * 20 + y) * 40 + x] != b[(ch * 20 + y) * 40 + x] {
                        if y >= 2 && y < 18 && x >= 2 && x < 38 { inner += 1 } else { border += 1 }
                    }
                }
            }
            XCTAssertEqual(inner, 0, "slot \(q): interior head values must not depend on the ring")
            XCTAssertGreaterThan(border, 0, "slot \(q): the ring effect reaches the border cells")
            print("iSmart3 layered vs board, slot \(q): \(border) of 8000 head values differ (all within 2 cells of the border)")
        }
    }

    /// eval-dacsdc's batching over the 50 shared images: 4 at a time in GT order, the last batch (048,
    /// 049) completed with gray slots; the boxes are the C model's (ismart3_predict_000-049.txt) and the
    /// mean IoU 0.7803. Through the release CLI as well when a fresh one exists.
    func testDACSDCMeanIoUOverTheSharedImages() throws {
        let dir = try ISmart3TestData.dirOrSkip()
        let gt = try DACSDCScore.parse(String(decoding: try SkrSkrTestData.bytes(dir + "/../dacsdc/ground_truth.txt"), as: UTF8.self), name: "gt")
        let predictions = try ISmart3TestData.predictions()
        let decoder = try ISmart3BoxDecoder(model: try ISmart3TestData.model())
        var sum = 0.0
        for batch in 0..<13 {
            let names = gt[(4 * batch)..<min(4 * batch + 4, gt.count)].map { dir + "/../dacsdc/" + String($0.name.dropLast(4)) + ".png" }
            let stitched = try ISmart3TestData.stitch(names)
            let r = try stitched.withUnsafeBytes { try ISmart3TestData.accelerator(best).run(stitched: $0) }
            for (q, entry) in gt[(4 * batch)..<min(4 * batch + 4, gt.count)].enumerated() {
                let o = r.outputs[q]
                let b = decoder.box(anchor: o.anchor, x: o.x, y: o.y, codes: o.codes, width: 640, height: 360)
                let p = DACSDCScore.Entry(name: entry.name, xmin: b.x1, xmax: b.x2, ymin: b.y1, ymax: b.y2)
                XCTAssertEqual([b.x1, b.x2, b.y1, b.y2], predictions[4 * batch + q].box, entry.name)
                sum += DACSDCScore.iou(p, entry)
            }
        }
        let mean = sum / Double(gt.count)
        print("iSmart3 mean IoU over \(gt.count) images: \(mean)")
        XCTAssertEqual((mean * 10000).rounded() / 10000, 0.7803)
        try evalThroughTheCLI(dir)
    }

    private func evalThroughTheCLI(_ dir: String) throws {
        guard let exe = ReleaseCLI.path else {
            print("eval-dacsdc: no fresh release CLI; the in-process evaluation above stands for it")
            return
        }
        let fm = FileManager.default
        let tmp = NSTemporaryDirectory() + "/dscflow-ismart3-\(getpid())"
        try fm.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        defer { try? fm.removeItem(atPath: tmp) }
        func cli(_ args: [String]) throws -> String { try ReleaseCLI.run(exe, args) }
        _ = try cli(["import", "ismart3", "--weights", dir + "/SkyNet.bin", "-o", tmp + "/ismart3.dscm"])
        let summary = try cli(["eval-dacsdc", tmp + "/ismart3.dscm", dir + "/../dacsdc", "--gt", dir + "/../dacsdc/ground_truth.txt",
                               "--json", "--quiet", "--predictions", tmp + "/pred.txt"])
        print("eval-dacsdc (\(exe)): \(summary)")
        XCTAssertTrue(summary.contains("\"mean_iou\": 0.7802"), summary)
        let predicted = try DACSDCScore.parse(String(decoding: try SkrSkrTestData.bytes(tmp + "/pred.txt"), as: UTF8.self), name: "pred")
        XCTAssertEqual(predicted.map { [$0.xmin, $0.xmax, $0.ymin, $0.ymax] }, try ISmart3TestData.predictions().map(\.box))
    }
}
