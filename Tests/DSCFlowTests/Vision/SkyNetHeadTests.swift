import DSCFlow
import DSCFlowAccelerator
import DSCFlowVision
import Foundation
import XCTest

final class SkyNetHeadTests: XCTestCase {
    let tensor = Tensor(name: "head", type: .int8, shape: [1, 20, 40, 10], quantization: Quantization(scale: 0.05, zeroPoint: -128))

    func head(_ anchors: String = "4,2,8,6") throws -> SkyNetHead {
        try SkyNetHead(record: MetadataRecord(["head": "skynet", "anchors": anchors, "grid": "40x20"]))
    }

    /// An output where every value is the zero point (real 0), with some cells set.
    func output(_ set: [(y: Int, x: Int, c: Int, q: Int8)]) -> [UInt8] {
        var o = [UInt8](repeating: UInt8(bitPattern: -128), count: 20 * 40 * 10)
        for s in set { o[(s.y * 40 + s.x) * 10 + s.c] = UInt8(bitPattern: s.q) }
        return o
    }

    func decode(_ h: SkyNetHead, _ o: [UInt8], _ w: Int = 320, _ hgt: Int = 160) throws -> DetectedBox {
        try o.withUnsafeBytes { try h.decode(output: $0, tensor: tensor, imageWidth: w, imageHeight: hgt) }
    }

    func testZeroOffsetsGiveTheCellCentreAndTheAnchorSize() throws {
        // conf0 at (y 5, x 10); tx = ty = tw = th = 0 → centre (10.5/40, 5.5/20), size anchor 0 = 4×2 cells.
        let box = try decode(head(), output([(5, 10, 4, 0)]))
        XCTAssertEqual([box.xmin, box.xmax, box.ymin, box.ymax], [68, 100, 36, 52])
        XCTAssertEqual(box.anchor, 0); XCTAssertEqual(box.gridX, 10); XCTAssertEqual(box.gridY, 5)
        XCTAssertEqual(box.score, 1 / (1 + exp(-128 * Double(Float(0.05)))), accuracy: 1e-15)  // (0 + 128)·0.05
        XCTAssertEqual(box.raw, [-128, -128, -128, -128, 0, 10, 5, 0])
    }

    func testTiesKeepTheFirstCellInRasterOrderAndTheFirstAnchor() throws {
        // Same conf at (3, 30), (4, 2) and, for anchor 1, (0, 39): raster order picks (3, 30) for anchor 0,
        // and anchor 1's equal conf loses the tie.
        let box = try decode(head(), output([(3, 30, 4, 50), (4, 2, 4, 50), (0, 39, 9, 50)]))
        XCTAssertEqual(box.anchor, 0); XCTAssertEqual(box.gridX, 30); XCTAssertEqual(box.gridY, 3)
        let box1 = try decode(head(), output([(3, 30, 4, 50), (0, 39, 9, 51)]))
        XCTAssertEqual(box1.anchor, 1); XCTAssertEqual(box1.gridX, 39); XCTAssertEqual(box1.gridY, 0)
    }

    func testOffsetsUseSigmoidAndExpAndTheFloat32PixelRule() throws {
        // Zero point 0, scale 0.05: anchor 1 at (y 10, x 20) with tx = 1.0, ty = −0.5, tw = 0.3, th = −0.2.
        let t = Tensor(name: "head", type: .int8, shape: [1, 20, 40, 10], quantization: Quantization(scale: 0.05, zeroPoint: 0))
        var o = [UInt8](repeating: 0, count: 20 * 40 * 10)
        for (c, q) in [(9, 100), (5, 20), (6, -10), (7, 6), (8, -4)] as [(Int, Int8)] { o[(10 * 40 + 20) * 10 + c] = UInt8(bitPattern: q) }
        let box = try o.withUnsafeBytes { try head().decode(output: $0, tensor: t, imageWidth: 640, imageHeight: 360) }
        // The decode written out with Foundation's exp, in the order of SkyNet's run.py.
        let s = Double(Float(0.05))
        func sig(_ v: Double) -> Double { 1 / (1 + exp(-v)) }
        let bcx = (sig(20 * s) + 20) / 40, bcy = (sig(-10 * s) + 10) / 20
        let bw = exp(6 * s) * 8 / 40, bh = exp(-4 * s) * 6 / 20
        let b0 = Float(bcx - bw / 2), b1 = Float(bcy - bh / 2), b2 = Float(Double(b0) + bw), b3 = Float(Double(b1) + bh)
        func px(_ b: Float, _ size: Float) -> Double { Double(min(max((b * size).rounded(.toNearestOrEven), 1), size)) }
        XCTAssertEqual(box.anchor, 1)
        XCTAssertEqual([box.xmin, box.xmax, box.ymin, box.ymax], [px(b0, 640), px(b2, 640), px(b1, 360), px(b3, 360)])
        XCTAssertEqual([box.xmin, box.xmax, box.ymin, box.ymax], [245, 418, 143, 231])  // the same decode in numpy (float32 products, Python round)
        XCTAssertEqual(box.score, sig(100 * s), accuracy: 1e-15)
        XCTAssertEqual(box.raw, [20, -10, 6, -4, 1, 20, 10, 100])
    }

    func testBoxesAreClippedToOneThroughTheImageSize() throws {
        // A huge tw/th at the corner cell: the box spills out on every side.
        let box = try decode(head(), output([(0, 0, 4, 10), (0, 0, 2, 127), (0, 0, 3, 127)]))
        XCTAssertEqual([box.xmin, box.xmax, box.ymin, box.ymax], [1, 320, 1, 160])
    }

    func testAnchorsAndLayoutComeFromTheRecord() throws {
        // channels reordered: conf first.
        let h = try SkyNetHead(record: MetadataRecord(["anchors": "4,2", "channels": "conf,tx,ty,tw,th"]))
        let t = Tensor(name: "o", type: .int8, shape: [1, 20, 40, 5], quantization: Quantization(scale: 0.05, zeroPoint: -128))
        var o = [UInt8](repeating: UInt8(bitPattern: -128), count: 20 * 40 * 5)
        o[(5 * 40 + 10) * 5 + 0] = 0
        let box = try o.withUnsafeBytes { try h.decode(output: $0, tensor: t, imageWidth: 320, imageHeight: 160) }
        XCTAssertEqual([box.xmin, box.xmax, box.ymin, box.ymax], [68, 100, 36, 52])
    }

    func testBadRecordsAndTensorsAreErrors() throws {
        XCTAssertThrowsError(try SkyNetHead(record: MetadataRecord(["head": "skynet"])))
        XCTAssertThrowsError(try SkyNetHead(record: MetadataRecord(["anchors": "1,2,3"])))
        XCTAssertThrowsError(try SkyNetHead(record: MetadataRecord(["anchors": "1,-2"])))
        XCTAssertThrowsError(try SkyNetHead(record: MetadataRecord(["anchors": "1,2", "channels": "tx,ty,tw,conf"])))
        let h = try head()
        let wrongGrid = Tensor(name: "o", type: .int8, shape: [1, 10, 40, 10], quantization: Quantization(scale: 0.05, zeroPoint: 0))
        XCTAssertThrowsError(try [UInt8](repeating: 0, count: 4000).withUnsafeBytes { try h.decode(output: $0, tensor: wrongGrid, imageWidth: 1, imageHeight: 1) })
        XCTAssertThrowsError(try [UInt8](repeating: 0, count: 10).withUnsafeBytes { try h.decode(output: $0, tensor: tensor, imageWidth: 320, imageHeight: 160) })
        let tooFew = Tensor(name: "o", type: .int8, shape: [1, 20, 40, 8], quantization: Quantization(scale: 0.05, zeroPoint: 0))
        XCTAssertThrowsError(try [UInt8](repeating: 0, count: 6400).withUnsafeBytes { try h.decode(output: $0, tensor: tooFew, imageWidth: 320, imageHeight: 160) })
    }

    func testDetectionHeadsMakesASkyNetHeadFromMetadataWithOverrides() throws {
        let m = try TinyModels.detector()
        XCTAssertTrue(try DetectionHeads.make(for: m) is SkyNetHead)
        XCTAssertThrowsError(try DetectionHeads.make(for: m, overrides: ["head": "yolo"]))
        let h = try DetectionHeads.make(for: m, overrides: ["anchors": "1,1,2,2"]) as! SkyNetHead
        XCTAssertEqual(h.anchors.map { $0.width }, [1, 2])
    }

    /// Cross-check against the detector tooling's numpy transcription of SkyNet's host decode
    /// (tools/eval_default_detector.py `decode_skynet`, written independently of this head) on random
    /// int8 outputs, whose many equal maxima also exercise the tie rules.
    func testRandomOutputsDecodeLikeTheNumpyReference() throws {
        let script = TestPaths.packageRoot.appendingPathComponent("tools/eval_default_detector.py")
        guard FileManager.default.fileExists(atPath: script.path) else {
            print("SKIP: tools/eval_default_detector.py is not in this checkout yet")
            throw XCTSkip("no numpy reference decode")
        }
        let count = 300
        var rng = SystemRandomNumberGenerator()
        let outputs = (0..<count).map { _ in (0..<8000).map { _ in UInt8.random(in: 0...255, using: &rng) } }
        let dir = try temporaryDirectory(self)
        let data = dir.appendingPathComponent("outputs.bin")
        try Data(outputs.flatMap { $0 }).write(to: data)
        let code = """
        import sys, numpy as np
        sys.path.insert(0, sys.argv[1])
        from eval_default_detector import decode_skynet
        q = np.fromfile(sys.argv[2], dtype=np.int8).reshape(-1, 20, 40, 10)
        scale = float(np.float32(0.05))
        for i, o in enumerate(q):
            w, h = (320, 160) if i % 2 == 0 else (640, 360)
            zp = -3 if i % 3 == 0 else 0
            box, a, x, y = decode_skynet(o, scale, zp, [(1.5, 2.25), (4.0, 5.75)], w, h)
            print(*box, a, x, y)
        """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", code, script.deletingLastPathComponent().path, data.path]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            print("SKIP: python3 with numpy could not run the reference decode")
            throw XCTSkip("python3 + numpy not available")
        }
        let h = try head("1.5,2.25,4.0,5.75")
        let lines = text.split(separator: "\n")
        XCTAssertEqual(lines.count, count)
        for (i, line) in lines.enumerated() {
            let zp: Int32 = i % 3 == 0 ? -3 : 0
            let t = Tensor(name: "head", type: .int8, shape: [1, 20, 40, 10], quantization: Quantization(scale: 0.05, zeroPoint: zp))
            let (w, hgt) = i % 2 == 0 ? (320, 160) : (640, 360)
            let b = try outputs[i].withUnsafeBytes { try h.decode(output: $0, tensor: t, imageWidth: w, imageHeight: hgt) }
            let got = [Int(b.xmin), Int(b.xmax), Int(b.ymin), Int(b.ymax), b.anchor, b.gridX, b.gridY]
            XCTAssertEqual(got, line.split(separator: " ").map { Int($0)! }, "output \(i)")
        }
    }
}
