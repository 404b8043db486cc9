import DSCFlow
import DSCFlowAccelerator
import DSCFlowVision
import Foundation
import XCTest

/// SkyNet in the SkrSkr accelerator's arithmetic against the golden per-layer blobs of the
/// accelerator's own C model (../shared/skrskr/*.bb: one image, CHW, padded to 32-lane groups).
final class SkrSkrGoldenTests: XCTestCase {
    /// Every operator's output equals its blob byte for byte (conv13: value for value) on every
    /// kernel path this CPU runs; the blob's padding channels, which the IR drops, are all zero.
    func testEveryLayerMatchesItsGoldenBlob() throws {
        let dir = try SkrSkrTestData.sharedOrSkip() + "/skrskr"
        let model = try SkrSkrTestData.model()
        XCTAssertEqual(model.operations.count, 18)
        let conv0 = try SkrSkrTestData.bytes(dir + "/conv0.bb")
        XCTAssertEqual(conv0.count, 32 * 160 * 320)
        for path in KernelPath.supported {
            try checkLayers(model, conv0: conv0, dir: dir, path: path)
        }
    }

    private func checkLayers(_ model: Model, conv0: [UInt8], dir: String, path: KernelPath) throws {
        let session = try Session(model: model, options: SessionOptions(preserveAllTensors: true, kernels: path))
        let input = SkrSkrTestData.chwToHWC(conv0, channels: 32, height: 160, width: 320, keep: 3)
        input.withUnsafeBytes { session.inputBytes().copyMemory(from: $0) }
        var results: [String] = []
        session.run { i, out in
            let op = model.operations[i]
            let t = model.tensors[op.outputs[0]]
            let (h, w, c) = (t.shape[1], t.shape[2], t.shape[3])
            guard let blob = try? SkrSkrTestData.bytes(dir + "/\(op.name).bb") else {
                XCTFail("no blob \(op.name).bb"); return
            }
            let elementSize = t.type == .int32 ? 2 : 1
            let padded = blob.count / (h * w * elementSize)
            XCTAssertEqual(padded * h * w * elementSize, blob.count, op.name)
            XCTAssertGreaterThanOrEqual(padded, c, op.name)
            var differing = 0
            for ch in 0..<padded {
                for y in 0..<h {
                    for x in 0..<w {
                        let b = (ch * h + y) * w + x
                        let expected: Int = elementSize == 2
                            ? Int(Int16(bitPattern: UInt16(blob[2 * b]) | UInt16(blob[2 * b + 1]) << 8))
                            : Int(blob[b])
                        let actual: Int
                        if ch >= c {
                            actual = 0  // a lane the IR proved to be padding
                        } else if t.type == .int32 {
                            actual = Int(out.loadUnaligned(fromByteOffset: 4 * ((y * w + x) * c + ch), as: Int32.self))
                        } else {
                            actual = Int(out[(y * w + x) * c + ch])
                        }
                        if actual != expected { differing += 1 }
                    }
                }
            }
            results.append("\(op.name): \(differing) of \(padded * h * w) differ (\(c) real of \(padded) lanes)")
            XCTAssertEqual(differing, 0, "\(path.rawValue): \(op.name) differs from \(op.name).bb in \(differing) values")
        }
        print("\(path.rawValue):\n" + results.joined(separator: "\n"))
    }
}
