import DSCFlow
import DSCFlowVision
import Foundation
import XCTest

/// UltraNet imported from the design's param.h against its own C model (../shared/ultranet: the HLS
/// sources built unchanged, FACTS.md): every blob of images 000 and 001 — the on-chip resize, the eight
/// 4-bit convolutions, the four pools and the int32 head — byte for byte, on every kernel path.
final class UltraNetGoldenTests: XCTestCase {
    func testEveryBlobOfImages000And001OnEveryKernelPath() throws {
        let dir = try UltraNetTestData.directory()
        let model = try UltraNetTestData.model()
        XCTAssertEqual(model.operations.map(\.name), ["resize", "conv_0", "pool_0", "conv_1", "pool_1", "conv_2", "pool_2",
                                                      "conv_3", "pool_3", "conv_4", "conv_5", "conv_6", "conv_7", "conv_8"])
        var checked = 0
        for image in ["000", "001"] {
            let input = try SkrSkrTestData.bytes("\(dir)/blobs/\(image)/input.u8")
            for path in KernelPath.supported {
                let session = try Session(model: model, options: SessionOptions(preserveAllTensors: true, kernels: path))
                input.withUnsafeBytes { session.inputBytes().copyMemory(from: $0) }
                var differing: [String] = []
                session.run { i, out in
                    let name = model.operations[i].name
                    guard let blob = try? SkrSkrTestData.bytes("\(dir)/blobs/\(image)/\(UltraNetTestData.blobName(name))") else {
                        differing.append("\(name): no blob"); return
                    }
                    checked += 1
                    if blob != [UInt8](out) {
                        let n = zip(blob, out).filter { $0 != $1 }.count
                        differing.append("\(name): \(n) of \(blob.count) bytes differ (\(out.count) computed)")
                    }
                }
                XCTAssertEqual(differing, [], "image \(image), \(path.rawValue)")
            }
        }
        XCTAssertEqual(checked, 2 * 14 * KernelPath.supported.count)
        print("UltraNet blobs: 2 images × 14 blobs identical on \(KernelPath.supported.map(\.rawValue).joined(separator: ", "))")
    }
}
