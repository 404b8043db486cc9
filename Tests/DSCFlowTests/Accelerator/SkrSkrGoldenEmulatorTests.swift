import DSCFlow
import DSCFlowAccelerator
import DSCFlowVision
import Foundation
import XCTest

/// The emulator, on SkyNet imported from SkrSkr's real weights (`SkrSkrImporter`), reproduces the
/// per-layer golden blobs of SkrSkr's own C model (../shared/skrskr, FACTS.md §4) byte for byte,
/// and costs exactly what the built-in `skynet` topology costs.
final class SkrSkrGoldenEmulatorTests: XCTestCase {
    static func importedSkyNet(_ dir: URL) throws -> Model {
        let wt = try readBytes(dir.appendingPathComponent("SkyNet.wt"))
        let bm = try readBytes(dir.appendingPathComponent("SkyNet.bm"))
        return try wt.withUnsafeBytes { w in try bm.withUnsafeBytes { b in try SkrSkrImporter.importModel(weights: w, biasMultipliers: b) } }
    }

    func testEmulatorReproducesSkrSkrGoldenBlobs() throws {
        let dir = try TestPaths.requireShared("skrskr")
        let model = try Self.importedSkyNet(dir)
        let conv0 = try readBytes(dir.appendingPathComponent("conv0.bb"))  // (32, 160, 320) CHW
        let e = try AcceleratorEmulator(model: model, config: .skrskr)
        let input = e.inputBytes()
        let lanes = model.tensors[model.inputs[0]].shape[3]
        for c in 0..<lanes { for y in 0..<160 { for x in 0..<320 { input[(y * 320 + x) * lanes + c] = conv0[(c * 160 + y) * 320 + x] } } }
        let cycles = e.run().reduce(0) { $0 + $1.total }
        // With the real (padded) weights the run costs what the cost model predicts for the topology.
        XCTAssertEqual(cycles, try AcceleratorReport.make(model: model, config: .skrskr).totalCycles)
        XCTAssertEqual(cycles, try AcceleratorReport.make(model: try BuiltinTopology.skynet.build(), config: .skrskr).totalCycles)
        print("SkrSkr SkyNet with real weights on skrskr: \(cycles) cycles per batch of 4 (published 10.58 M)")
        var checked = 0
        for (k, op) in model.operations.enumerated() {
            let t = model.tensors[op.outputs[0]]
            let url = dir.appendingPathComponent(op.name + ".bb")
            guard FileManager.default.fileExists(atPath: url.path) else { continue }
            let blob = try readBytes(url)  // CHW, padded channels; the model's real channels come first
            let (h, w, c) = (t.shape[1], t.shape[2], t.shape[3])
            let mine = UnsafeRawBufferPointer(e.tensorBytes(op.outputs[0])!)
            var bad = 0
            for ch in 0..<c { for y in 0..<h { for x in 0..<w {
                let i = (y * w + x) * c + ch, j = (ch * h + y) * w + x
                if t.type == .int32 {
                    let v = mine.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)
                    let g = Int32(Int16(bitPattern: UInt16(blob[2 * j]) | UInt16(blob[2 * j + 1]) << 8))
                    if v != g { bad += 1 }
                } else if mine[i] != blob[j] { bad += 1 }
            } } }
            XCTAssertEqual(bad, 0, "op \(k) \(op.name): \(bad) values differ from \(op.name).bb")
            checked += 1
        }
        XCTAssertEqual(checked, 18)
        print("SkrSkr golden blobs reproduced by the emulator: \(checked) layers")
    }
}

extension SkrSkrGoldenEmulatorTests {
    /// A DAC-SDC image through the emulator gives the C model's raw conv13 accumulators (cases/002).
    func testEmulatorReproducesACaseEndToEnd() throws {
        let dir = try TestPaths.requireShared("skrskr")
        let model = try Self.importedSkyNet(dir)
        let rgba = try readBytes(dir.appendingPathComponent("cases/002.input.bin"))  // (160, 320, 4) HWC
        let expected = try readBytes(dir.appendingPathComponent("cases/002.conv13.bin"))  // int32 (32, 20, 40) CHW
        let e = try AcceleratorEmulator(model: model, config: .seuerB)
        let input = e.inputBytes()
        let lanes = model.tensors[model.inputs[0]].shape[3]
        // The image loader fills lanes 0–2 (R, G, B); alpha and the other lanes are not used.
        for p in 0..<(160 * 320) { for c in 0..<3 { input[p * lanes + c] = rgba[p * 4 + c] } }
        e.run()
        let out = e.outputBytes()
        var bad = 0
        let outC = model.tensors[model.outputs[0]].shape[3]
        for c in 0..<outC { for y in 0..<20 { for x in 0..<40 {
            let mine = out.loadUnaligned(fromByteOffset: 4 * ((y * 40 + x) * outC + c), as: Int32.self)
            let want = expected.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 4 * ((c * 20 + y) * 40 + x), as: Int32.self) }
            if Int32(littleEndian: want) != mine { bad += 1 }
        } } }
        XCTAssertEqual(bad, 0, "conv13 values differing from cases/002.conv13.bin")
    }
}
