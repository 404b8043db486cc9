import DSCFlow
import DSCFlowAccelerator
import DSCFlowVision
import Foundation
import XCTest

final class ImageResamplerTests: XCTestCase {
    /// "size a b c d" headers followed by "key values..." lines.
    func records(_ file: String) throws -> [(size: [Int], lines: [String: [Substring]])] {
        let text = try String(contentsOf: TestPaths.fixtures.appendingPathComponent(file), encoding: .utf8)
        var out: [(size: [Int], lines: [String: [Substring]])] = []
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            if parts[0] == "size" {
                out.append((parts.dropFirst().map { Int($0)! }, [:]))
            } else {
                out[out.count - 1].lines[String(parts[0])] = Array(parts.dropFirst())
            }
        }
        return out
    }

    func testNearestIndicesEqualPillowOnOddSizePairs() throws {
        let cases = try records("pillow_nearest.txt")
        XCTAssertGreaterThanOrEqual(cases.count, 10)
        for c in cases {
            let (iw, ih, ow, oh) = (c.size[0], c.size[1], c.size[2], c.size[3])
            XCTAssertEqual(ImageResampler.pillowNearestIndices(from: iw, to: ow), c.lines["x"]!.map { Int($0)! }, "columns \(iw)→\(ow)")
            XCTAssertEqual(ImageResampler.pillowNearestIndices(from: ih, to: oh), c.lines["y"]!.map { Int($0)! }, "rows \(ih)→\(oh)")
        }
    }

    func testNearest640x360To320x160PicksColumn2xPlus1AndRowFloor2_25yPlus1_125() throws {
        XCTAssertEqual(ImageResampler.pillowNearestIndices(from: 640, to: 320), (0..<320).map { 2 * $0 + 1 })
        XCTAssertEqual(ImageResampler.pillowNearestIndices(from: 360, to: 160), (0..<160).map { Int((2.25 * Double($0) + 1.125).rounded(.down)) })
    }

    func testNearestImageReadsTheIndexedSourcePixels() throws {
        let img = try resizePatternImage(width: 97, height: 61, channels: 3)
        let out = try ImageResampler.nearest(img, width: 40, height: 23)
        let xs = ImageResampler.pillowNearestIndices(from: 97, to: 40), ys = ImageResampler.pillowNearestIndices(from: 61, to: 23)
        for y in 0..<23 { for x in 0..<40 { for k in 0..<3 {
            XCTAssertEqual(out.pixels[(y * 40 + x) * 3 + k], img.pixels[(ys[y] * 97 + xs[x]) * 3 + k])
        } } }
    }

    func testBilinearEqualsTensorFlowHalfPixelResize() throws {
        let cases = try records("tf_bilinear.txt")
        XCTAssertGreaterThanOrEqual(cases.count, 6)
        var worst: Float = 0
        for c in cases {
            let (iw, ih, ch, ow, oh) = (c.size[0], c.size[1], c.size[2], c.size[3], c.size[4])
            let expected = c.lines["v"]!.map { Float(String($0))! }
            let got = try ImageResampler.bilinear(try resizePatternImage(width: iw, height: ih, channels: ch), width: ow, height: oh)
            XCTAssertEqual(got.count, expected.count)
            for (g, e) in zip(got, expected) { worst = max(worst, abs(g - e)) }
        }
        // The same float32 operations in the same order as TF's compute_lerp: bit-identical results.
        XCTAssertEqual(worst, 0, "largest difference from TF: \(worst)")
        print("bilinear vs TF: largest difference \(worst)")
    }

    func testBilinearOfSameSizeIsTheIdentity() throws {
        let img = try resizePatternImage(width: 9, height: 4, channels: 3)
        XCTAssertEqual(try ImageResampler.bilinear(img, width: 9, height: 4), img.pixels.map { Float($0) })
    }

    func testNearestEqualsLivePillowOnRandomSizes() throws {
        let script = """
        import sys
        from PIL import Image
        import numpy as np
        for line in sys.stdin:
            iw, ih, ow, oh = map(int, line.split())
            cols = np.tile(np.arange(iw, dtype=np.int32), (ih, 1))
            rows = np.tile(np.arange(ih, dtype=np.int32)[:, None], (1, iw))
            xs = np.array(Image.fromarray(cols, mode="I").resize((ow, oh), Image.NEAREST))[0]
            ys = np.array(Image.fromarray(rows, mode="I").resize((ow, oh), Image.NEAREST))[:, 0]
            print(" ".join(map(str, xs)) + "|" + " ".join(map(str, ys)))
        """
        var rng = SystemRandomNumberGenerator()
        let pairs = (0..<40).map { _ in (Int.random(in: 1...700, using: &rng), Int.random(in: 1...500, using: &rng),
                                         Int.random(in: 1...700, using: &rng), Int.random(in: 1...500, using: &rng)) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script]
        let inPipe = Pipe(), outPipe = Pipe()
        p.standardInput = inPipe
        p.standardOutput = outPipe
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch {
            print("SKIP: python3 is not available (\(error)); the committed Pillow fixture still ran")
            throw XCTSkip("python3 not available")
        }
        inPipe.fileHandleForWriting.write(pairs.map { "\($0.0) \($0.1) \($0.2) \($0.3)\n" }.joined().data(using: .utf8)!)
        inPipe.fileHandleForWriting.closeFile()
        let text = String(decoding: outPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            print("SKIP: python3 with Pillow and numpy is not available; the committed Pillow fixture still ran")
            throw XCTSkip("python3 + Pillow not available")
        }
        let lines = text.split(separator: "\n")
        XCTAssertEqual(lines.count, pairs.count)
        for (pair, line) in zip(pairs, lines) {
            let halves = line.split(separator: "|", omittingEmptySubsequences: false)
            XCTAssertEqual(ImageResampler.pillowNearestIndices(from: pair.0, to: pair.2), halves[0].split(separator: " ").map { Int($0)! }, "\(pair)")
            XCTAssertEqual(ImageResampler.pillowNearestIndices(from: pair.1, to: pair.3), halves[1].split(separator: " ").map { Int($0)! }, "\(pair)")
        }
    }
}
