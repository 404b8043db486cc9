import DSCFlow
import DSCFlowAccelerator
import DSCFlowVision
import Foundation
import XCTest

/// The accelerator program against the design's C model (../shared/ismart3, FACTS §11–§12), byte for
/// byte on every kernel path this CPU runs: the 26 per-layer blobs of images 000 and 001, the 8 whole
/// canvases of batch 000, and the 4 end-to-end cases (input, head, PL outputs, box).
final class ISmart3GoldenTests: XCTestCase {
    /// Bytes that differ (−1 for different sizes); only computed for a failure message.
    static func differing(_ a: [UInt8], _ b: [UInt8]) -> Int { a.count == b.count ? zip(a, b).filter { $0 != $1 }.count : -1 }

    func testBlobsCanvasesAndCasesOfBatch000OnEveryKernelPath() throws {
        let dir = try ISmart3TestData.dirOrSkip()
        let stitched = try SkrSkrTestData.bytes(dir + "/cases/batch000.stitched.bin")
        let decoder = try ISmart3BoxDecoder(model: try ISmart3TestData.model())
        for path in ISmart3TestData.paths {
            let dump = ISmart3Dump()
            let result = try stitched.withUnsafeBytes { try ISmart3TestData.accelerator(path).run(stitched: $0, dump: dump) }
            var blobs = 0, canvases = 0
            for (q, name) in ["000", "001"].enumerated() {
                for layer in ISmart3Dump.blobLayers {
                    let expected = try SkrSkrTestData.bytes("\(dir)/blobs/\(name).\(layer).bb")
                    let got = try XCTUnwrap(dump.blob(layer, slot: q))
                    XCTAssertTrue(got == expected, "\(path): \(name).\(layer): \(Self.differing(got, expected)) differing bytes")
                    if got == expected { blobs += 1 }
                }
            }
            for layer in ISmart3Dump.canvasLayers {
                let expected = try SkrSkrTestData.bytes("\(dir)/canvas000/\(layer.name).cv")
                let got = try XCTUnwrap(dump.canvas(layer.name))
                XCTAssertTrue(got == expected, "\(path): canvas \(layer.name): \(Self.differing(got, expected)) differing bytes")
                if got == expected { canvases += 1 }
            }
            for q in 0..<4 {
                let n = String(format: "%03d", q)
                XCTAssertEqual(dump.blob("input", slot: q), try SkrSkrTestData.bytes("\(dir)/cases/\(n).input.bin"), "\(path) case \(n) input")
                let head = Array(result.heads[(q * 8000)..<((q + 1) * 8000)])
                XCTAssertEqual(head, try ISmart3TestData.int16s("\(dir)/cases/\(n).head.bin"), "\(path) case \(n) head")
                let pl = try SkrSkrTestData.integers("\(dir)/cases/\(n).plout.txt")
                let o = result.outputs[q]
                XCTAssertEqual([o.anchor, o.x, o.y] + o.codes, pl, "\(path) case \(n) PL outputs")
                let box = decoder.box(anchor: o.anchor, x: o.x, y: o.y, codes: o.codes, width: 640, height: 360)
                XCTAssertEqual([box.x1, box.x2, box.y1, box.y2], try SkrSkrTestData.integers("\(dir)/cases/\(n).bbox.txt"), "\(path) case \(n) box")
                let batch = try SkrSkrTestData.integers("\(dir)/cases/\(n).batch.txt")
                XCTAssertEqual(batch, [0, 1, 2, 3, q], "case \(n) is slot \(q) of batch 000")
            }
            let names = try ISmart3TestData.accelerator(path).machine.kernelNames
            print("iSmart3 \(path.rawValue) (\(names.depthwise), \(names.pointwise)): \(blobs)/26 blobs, \(canvases)/8 canvases identical")
        }
    }

    /// All 13 shared batches stitched from the PNGs (batch 12 with 050 and 051 from cases/batch012), run
    /// on every kernel path: heads (head_000-049.i16), PL outputs and boxes (ismart3_predict_000-049.txt).
    func testPredictionsOfImages000To049OnEveryKernelPath() throws {
        let dir = try ISmart3TestData.dirOrSkip()
        let predictions = try ISmart3TestData.predictions()
        let heads = try ISmart3TestData.int16s(dir + "/cases/head_000-049.i16")
        XCTAssertEqual(predictions.count, 50)
        let decoder = try ISmart3BoxDecoder(model: try ISmart3TestData.model())
        var matched = [KernelPath: Int]()
        for batch in 0..<13 {
            let stitched = try ISmart3TestData.stitch(try (4 * batch..<4 * batch + 4).map { try ISmart3TestData.imagePath($0) })
            if batch == 0 { XCTAssertEqual(stitched, try SkrSkrTestData.bytes(dir + "/cases/batch000.stitched.bin"), "host stitch of batch 000") }
            if batch == 12 { XCTAssertEqual(stitched, try SkrSkrTestData.bytes(dir + "/cases/batch012/batch012.stitched.bin"), "host stitch of batch 012") }
            for path in ISmart3TestData.paths {
                let result = try stitched.withUnsafeBytes { try ISmart3TestData.accelerator(path).run(stitched: $0) }
                for q in 0..<4 where 4 * batch + q < 50 {
                    let k = 4 * batch + q, p = predictions[k], o = result.outputs[q]
                    let box = decoder.box(anchor: o.anchor, x: o.x, y: o.y, codes: o.codes, width: 640, height: 360)
                    let head = Array(result.heads[(q * 8000)..<((q + 1) * 8000)])
                    let same = [o.anchor, o.x, o.y] + o.codes == [p.anchor, p.x, p.y] + p.codes
                        && [box.x1, box.x2, box.y1, box.y2] == p.box && head == Array(heads[(k * 8000)..<((k + 1) * 8000)])
                    XCTAssertTrue(same, "\(path) \(p.name): PL \([o.anchor, o.x, o.y] + o.codes) box \(box) expected \(p)")
                    if same { matched[path, default: 0] += 1 }
                }
            }
        }
        for path in ISmart3TestData.paths {
            XCTAssertEqual(matched[path], 50, "\(path)")
            print("iSmart3 \(path.rawValue): \(matched[path] ?? 0)/50 heads, PL outputs and boxes identical")
        }
    }
}
