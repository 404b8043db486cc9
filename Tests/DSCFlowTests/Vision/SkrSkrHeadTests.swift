import DSCFlow
import DSCFlowAccelerator
import DSCFlowVision
import Foundation
import XCTest

/// The SkrSkr head on synthetic outputs (Compute_BBOX's argmax and tie rules, int16 clamp) and the
/// run.py decode against vectors from an independent numpy oracle (tools/skrskr_decode_vectors.py).
/// Needs no shared data.
final class SkrSkrHeadTests: XCTestCase {
    private let head = try! SkrSkrHead(record: MetadataRecord([
        "head": "skrskr",
        "anchors": "1.4940052559648322,2.3598481287086823,4.0113013115312155,5.760873975661669",
        "multipliers": "52,48,28,30,124,47,52,23,23,125", "qm": "131072", "grid": "40x20", "image": "640x360",
    ]))
    private let tensor = Tensor(name: "conv13", type: .int32, shape: [1, 20, 40, 10])

    private func words(_ fill: (inout [Int32]) -> Void) throws -> [Int] {
        var out = [Int32](repeating: 0, count: 8000)
        fill(&out)
        return try out.withUnsafeBytes { try head.plWords(output: $0, tensor: tensor) }
    }

    private func set(_ a: inout [Int32], y: Int, x: Int, c: Int, _ v: Int32) { a[(y * 40 + x) * 10 + c] = v }

    func testArgmaxTakesTheFirstMaximumInRasterOrder() throws {
        let w = try words { a in
            for c in 0..<10 { for cell in 0..<800 { a[cell * 10 + c] = -100 } }
            self.set(&a, y: 7, x: 30, c: 4, 500)
            self.set(&a, y: 9, x: 2, c: 4, 500)  // equal, later in raster order: loses
            self.set(&a, y: 7, x: 30, c: 0, 11)
            self.set(&a, y: 7, x: 30, c: 3, -12)
        }
        XCTAssertEqual(w, [11, -100, -100, -12, 0, 30, 7])
    }

    func testAnchorOneWinsOnlyWhenStrictlyGreater() throws {
        // conf0 = 125·124 = 15500 = conf1 = 124·125: a tie goes to anchor 0.
        let tie = try words { a in
            self.set(&a, y: 1, x: 1, c: 4, 125)
            self.set(&a, y: 2, x: 2, c: 9, 124)
        }
        XCTAssertEqual(tie[4], 0)
        XCTAssertEqual(tie[5...6], [1, 1])
        let one = try words { a in
            self.set(&a, y: 1, x: 1, c: 4, 125)
            self.set(&a, y: 2, x: 3, c: 9, 125)
            self.set(&a, y: 2, x: 3, c: 5, 77)
        }
        XCTAssertEqual(one, [77, 0, 0, 0, 1, 3, 2])
    }

    func testWordsAreClampedToInt16() throws {
        let w = try words { a in
            self.set(&a, y: 0, x: 0, c: 4, 1)
            self.set(&a, y: 0, x: 0, c: 0, 262_143)
            self.set(&a, y: 0, x: 0, c: 1, -262_144)
        }
        XCTAssertEqual(Array(w[0...1]), [32767, -32768])
    }

    func testWrongOutputTensorIsAClearError() {
        let bad = Tensor(name: "x", type: .int8, shape: [1, 20, 40, 10])
        XCTAssertThrowsError(try [UInt8](repeating: 0, count: 8000).withUnsafeBytes { try head.plWords(output: $0, tensor: bad) })
        XCTAssertThrowsError(try [UInt8](repeating: 0, count: 12).withUnsafeBytes { try head.plWords(output: $0, tensor: tensor) })
        XCTAssertThrowsError(try SkrSkrHead(record: MetadataRecord(["head": "skrskr", "anchors": "1,2,3"])))
    }

    func testDecodeMatchesTheNumpyOracle() throws {
        let path = SkrSkrTestData.packageRoot + "/Tests/DSCFlowTests/Fixtures/skrskr/decode_vectors.txt"
        let text = String(decoding: try SkrSkrTestData.bytes(path), as: UTF8.self)
        var checked = 0
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.components(separatedBy: " -> ")
            let w = parts[0].split(separator: " ").compactMap { Int($0) }
            let expected = parts[1].split(separator: " ").compactMap { Int($0) }
            let b = try head.decodeWords(w, imageWidth: 640, imageHeight: 360)
            XCTAssertEqual([b.xmin, b.xmax, b.ymin, b.ymax], expected, "words \(w)")
            checked += 1
        }
        XCTAssertEqual(checked, 660)
    }
}
