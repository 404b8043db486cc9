@testable import DSCFlow
import Foundation
import XCTest

/// The nearest Resize indices the importer computes against ONNX Runtime's (Fixtures/onnx/resize_nearest.tsv,
/// made by tools/onnx_resize_goldens.py): every coordinate transformation mode and nearest mode on up- and
/// downscales given as sizes or as scales. The resize fixtures check whole models; this checks the
/// float32 index arithmetic on 2,750 of its 3,620 axes (the 870 round_prefer_ceil ones, which DSCFlow
/// refuses, aside).
final class ONNXResizeTests: XCTestCase {
    func testNearestIndicesEqualONNXRuntimes() throws {
        let url = TestPaths.fixtures.appendingPathComponent("onnx/resize_nearest.tsv")
        let text = try String(contentsOf: url, encoding: .utf8)
        var rows = 0, wrong = 0, refused = 0
        for line in text.split(separator: "\n").dropFirst() {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 6, let length = Int(f[0]), let resized = Int(f[1]) else { return XCTFail("bad row \(line)") }
            let want = f[5].split(separator: ",").compactMap { Int32($0) }
            // Sizes: scale = resized / length in float32; scales: the scale as given.
            let scale = f[2].isEmpty ? Float(resized) / Float(length) : Float(Double(f[2])!)
            if !f[2].isEmpty { XCTAssertEqual(Int(scale * Float(length)), resized, "output size of \(line)") }
            // (These axes are the width of a 1-row image: an equal length is an equal shape, a copy.)
            let got = length == resized ? Array(0..<Int32(length))
                : ONNXGraphBuilder.nearestIndices(length: length, resized: resized, scale: scale, transform: f[3], nearest: f[4])
            if f[4] == "round_prefer_ceil" && length != resized {
                XCTAssertNil(got, "round_prefer_ceil is refused")
                refused += 1
                continue
            }
            if got != want {
                wrong += 1
                if wrong <= 5 { XCTFail("\(line): DSCFlow \(got.map { "\($0)" } ?? "nil")") }
            }
            rows += 1
        }
        XCTAssertGreaterThan(rows, 2700)
        XCTAssertEqual(wrong, 0, "\(wrong) of \(rows) index maps differ from ONNX Runtime's")
        print("resize: \(rows) nearest index maps equal to ONNX Runtime's; \(refused) round_prefer_ceil maps refused")
    }
}
