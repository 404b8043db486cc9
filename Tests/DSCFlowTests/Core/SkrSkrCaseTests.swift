import DSCFlow
import DSCFlowAccelerator
import DSCFlowVision
import Foundation
import XCTest

/// The 4 end-to-end cases produced by the original SkrSkr C model (../shared/skrskr/cases): last-layer
/// accumulators, the PL's 7 bbox words and the host-decoded box; and SEUer B's channel-enhanced files.
final class SkrSkrCaseTests: XCTestCase {
    /// Runs the model on RGBA HWC case input with one kernel path and returns the int32 output
    /// (NHWC [1,20,40,10]).
    private func run(_ model: Model, rgba: [UInt8], path: KernelPath = .auto) throws -> [Int32] {
        XCTAssertEqual(rgba.count, 160 * 320 * 4)
        let rgb = SkrSkrTestData.rgb(fromRGBA: rgba)
        let session = try Session(model: model, options: SessionOptions(kernels: path))
        rgb.withUnsafeBytes { session.inputBytes().copyMemory(from: $0) }
        session.run()
        let out = session.outputBytes()
        return (0..<(out.count / 4)).map { out.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self) }
    }

    private func checkConv13(_ out: [Int32], _ expectedCHW: [UInt8], _ name: String) {
        var differing = 0
        for c in 0..<32 {
            for cell in 0..<800 {
                let i = 4 * (c * 800 + cell)
                let e = Int32(bitPattern: UInt32(expectedCHW[i]) | UInt32(expectedCHW[i + 1]) << 8
                              | UInt32(expectedCHW[i + 2]) << 16 | UInt32(expectedCHW[i + 3]) << 24)
                let a: Int32 = c < 10 ? out[cell * 10 + c] : 0
                if a != e { differing += 1 }
            }
        }
        XCTAssertEqual(differing, 0, "\(name): conv13 differs in \(differing) of 25600 values")
    }

    func testFourCasesMatchTheCModel() throws {
        let dir = try SkrSkrTestData.sharedOrSkip() + "/skrskr/cases"
        let model = try SkrSkrTestData.model()
        let head = try DetectionHeads.make(for: model)
        for n in ["000", "001", "002", "003"] {
            let rgba = try SkrSkrTestData.bytes("\(dir)/\(n).input.bin")
            let expected = try SkrSkrTestData.bytes("\(dir)/\(n).conv13.bin")
            // Every fast path (the reference kernels are checked layer by layer in SkrSkrGoldenTests; in a
            // debug build they take about 10 s an image).
            for path in fastPaths {
                checkConv13(try run(model, rgba: rgba, path: path), expected, "\(n) on \(path.rawValue)")
            }
            let out = try run(model, rgba: rgba)
            let box = try out.withUnsafeBytes {
                try head.decode(output: $0, tensor: model.tensors[model.outputs[0]], imageWidth: 640, imageHeight: 360)
            }
            XCTAssertEqual(box.raw, try SkrSkrTestData.integers("\(dir)/\(n).bboxraw.txt"), "\(n) PL words")
            XCTAssertEqual([box.xmin, box.xmax, box.ymin, box.ymax].map { Int($0) },
                           try SkrSkrTestData.integers("\(dir)/\(n).bbox.txt"), "\(n) box")
            print("case \(n): conv13 identical, PL words \(box.raw), box \([box.xmin, box.xmax, box.ymin, box.ymax].map { Int($0) })")
        }
    }

    /// The PNG of image 000 through the model's recorded preprocessing gives exactly the case input.
    func testPNGPreprocessingGivesTheBoardInput() throws {
        let shared = try SkrSkrTestData.sharedOrSkip()
        let model = try SkrSkrTestData.model()
        for n in ["000", "003"] {
            let image = try PNGCodec.read(path: "\(shared)/dacsdc/\(n).png")
            let tensor = try SkrSkrPreprocessing.inputTensor(from: image, for: model)
            let rgba = try SkrSkrTestData.bytes("\(shared)/skrskr/cases/\(n).input.bin")
            XCTAssertEqual(tensor, SkrSkrTestData.rgb(fromRGBA: rgba), "\(n): NEAREST 640×360→320×160 differs from the board's input")
        }
    }

    /// SEUer B's files (first layer channel-enhanced over 12 lanes) import to the identical IR: every
    /// constant byte and parameter is the same, so every output byte is; case 002 is run through the
    /// SEUer import and compared with the C model's last layer.
    func testSEUerChannelEnhancedWeightsGiveIdenticalBytes() throws {
        let shared = try SkrSkrTestData.sharedOrSkip()
        let wt = try SkrSkrTestData.bytes(shared + "/skrskr/seuer_SkyNet1.wt")
        let bm = try SkrSkrTestData.bytes(shared + "/skrskr/seuer_SkyNet1.bm")
        XCTAssertNotEqual(wt, try SkrSkrTestData.bytes(shared + "/skrskr/SkyNet.wt"), "the SEUer files should differ")
        let seuer = try wt.withUnsafeBytes { w in try bm.withUnsafeBytes { b in try SkrSkrImporter.importModel(weights: w, biasMultipliers: b) } }
        let skrskr = try SkrSkrTestData.model()
        XCTAssertTrue(seuer.metadata["dscflow.source"]?.contains("channel-enhanced") ?? false)
        XCTAssertFalse(skrskr.metadata["dscflow.source"]?.contains("channel-enhanced") ?? true)
        XCTAssertEqual(seuer.tensors.count, skrskr.tensors.count)
        for (a, b) in zip(seuer.tensors, skrskr.tensors) {
            XCTAssertEqual(a.signature, b.signature)
            XCTAssertEqual(a.data.map { [UInt8]($0.buffer) }, b.data.map { [UInt8]($0.buffer) }, a.name)
        }
        for (a, b) in zip(seuer.operations, skrskr.operations) {
            guard case .conv2D(let p) = a.kind, case .conv2D(let q) = b.kind else { continue }
            XCTAssertEqual(p.bias, q.bias, a.name)
        }
        let input = try SkrSkrTestData.bytes(shared + "/skrskr/cases/002.input.bin")
        let expected = try SkrSkrTestData.bytes(shared + "/skrskr/cases/002.conv13.bin")
        for path in fastPaths {
            checkConv13(try run(seuer, rgba: input, path: path), expected, "SEUer 002 on \(path.rawValue)")
        }
    }
}
