import DSCFlow
import Foundation
import XCTest

/// The emulator (and the reference executor) on SkyNet with SkrSkr's real weights reproduce the
/// per-layer golden blobs of SkrSkr's own C model (../shared/skrskr, FACTS.md §3–§5), byte for byte.
/// The model is assembled here from the weight files in the padded layout the files use (FACTS §1);
/// the project's SkrSkr importer will replace this test-only assembly.
final class SkrSkrGoldenEmulatorTests: XCTestCase {
    /// (name, depthwise, input lanes, output channels, first weight word, bias offset, M offset)
    static let layers: [(String, Bool, Int, Int, Int, Int, Int)] = [
        ("conv1", true, 32, 32, 0, 0, 2), ("conv2", false, 32, 64, 9, 4, 8),
        ("conv3", true, 64, 64, 73, 12, 16), ("conv4", false, 64, 96, 91, 20, 26),
        ("conv5", true, 96, 96, 283, 32, 38), ("conv6", false, 96, 192, 310, 44, 56),
        ("conv7", true, 192, 192, 886, 68, 80), ("conv8", false, 192, 384, 940, 92, 116),
        ("conv9", true, 384, 384, 3244, 140, 164), ("conv10", false, 384, 512, 3352, 188, 220),
        ("conv11", true, 1280, 1280, 9496, 252, 332), ("conv12", false, 1280, 96, 9856, 412, 418),
        ("conv13", false, 96, 32, 13696, -1, -1),
    ]

    static func skyNet(weights wt: [UInt8], biasM bm: [UInt8]) throws -> Model {
        var tensors: [Tensor] = []
        var ops: [Operator] = []
        func activation(_ name: String, _ shape: [Int], _ type: ElementType = .uint8) -> Int {
            tensors.append(Tensor(name: name, type: type, shape: shape))
            return tensors.count - 1
        }
        func int16(_ i: Int) -> Int32 { Int32(Int16(bitPattern: UInt16(bm[2 * i]) | UInt16(bm[2 * i + 1]) << 8)) }
        let input = activation("conv0", [1, 160, 320, 32])
        func conv(_ x: Int, _ spec: (String, Bool, Int, Int, Int, Int, Int)) -> Int {
            let (name, dw, ic, oc, first, offB, offM) = spec
            let s = tensors[x].shape
            var f = [UInt8](repeating: 0, count: dw ? 9 * oc : oc * ic)
            if dw {
                for c in 0..<oc { for ky in 0..<3 { for kx in 0..<3 {
                    f[(ky * 3 + kx) * oc + c] = wt[(first + 9 * (c / 32) + 3 * ky + kx) * 32 + c % 32]
                } } }
            } else {
                for co in 0..<oc { for ci in 0..<ic { f[co * ic + ci] = wt[(first + (co / 32) * ic + ci) * 32 + co % 32] } }
            }
            tensors.append(Tensor(name: name + "/w", type: .int8, shape: dw ? [1, 3, 3, oc] : [oc, 1, 1, ic],
                                  data: ConstantData(bytes: f)))
            let w = tensors.count - 1
            let raw = offB < 0
            let win = dw ? Window2D(kernelHeight: 3, kernelWidth: 3, strideHeight: 1, strideWidth: 1, padding: .same,
                                    padTop: 1, padLeft: 1, padBottom: 1, padRight: 1)
                         : Window2D(kernelHeight: 1, kernelWidth: 1, strideHeight: 1, strideWidth: 1, padding: .valid)
            let p = ConvolutionParameters(
                window: win, inputOffset: 0, paddingValue: name == "conv1" ? 128 : 0,
                bias: raw ? [] : (0..<oc).map { int16(16 * offB + $0) },
                accumulator: .saturating(bits: 19, channelBlock: 16),
                requantizer: raw ? .none : .mulShift(MulShiftRequantizer(multipliers: (0..<oc).map { int16(16 * offM + $0) }, shift: 17)))
            let y = activation(name, [1, s[1], s[2], oc], raw ? .int32 : .uint8)
            ops.append(Operator(kind: dw ? .depthwiseConv2D(p) : .conv2D(p), inputs: [x, w], outputs: [y], name: name))
            return y
        }
        func pool(_ x: Int, _ name: String) -> Int {
            let s = tensors[x].shape
            let y = activation(name, [1, s[1] / 2, s[2] / 2, s[3]])
            ops.append(Operator(kind: .maxPool2D(PoolParameters(window: Window2D(kernelHeight: 2, kernelWidth: 2, strideHeight: 2, strideWidth: 2, padding: .valid),
                                                                 activationMin: 0, activationMax: 255)), inputs: [x], outputs: [y], name: name))
            return y
        }
        let L = layers
        var x = pool(conv(conv(input, L[0]), L[1]), "pool1")
        x = pool(conv(conv(x, L[2]), L[3]), "pool2")
        let c6 = conv(conv(x, L[4]), L[5])
        let reorg = activation("reorg", [1, 20, 40, 768])
        ops.append(Operator(kind: .spaceToDepth(SpaceToDepthParameters(blockSize: 2)), inputs: [c6], outputs: [reorg], name: "reorg"))
        x = conv(conv(conv(conv(pool(c6, "pool3"), L[6]), L[7]), L[8]), L[9])
        let cat = activation("cat", [1, 20, 40, 1280])
        ops.append(Operator(kind: .concatenation(axis: 3), inputs: [reorg, x], outputs: [cat], name: "cat"))
        let head = conv(conv(conv(cat, L[10]), L[11]), L[12])
        return try Model(tensors: tensors, operations: ops, inputs: [input], outputs: [head], format: "test")
    }

    func testEmulatorReproducesSkrSkrGoldenBlobs() throws {
        let dir = try TestPaths.requireShared("skrskr")
        let wt = try readBytes(dir.appendingPathComponent("SkyNet.wt"))
        let bm = try readBytes(dir.appendingPathComponent("SkyNet.bm"))
        let model = try Self.skyNet(weights: wt, biasM: bm)
        let conv0 = try readBytes(dir.appendingPathComponent("conv0.bb"))  // (32, 160, 320) CHW
        let e = try AcceleratorEmulator(model: model, config: .skrskr)
        let input = e.inputBytes()
        for c in 0..<32 { for y in 0..<160 { for x in 0..<320 { input[(y * 320 + x) * 32 + c] = conv0[(c * 160 + y) * 320 + x] } } }
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
            let blob = try readBytes(url)
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
        let model = try Self.skyNet(weights: try readBytes(dir.appendingPathComponent("SkyNet.wt")),
                                    biasM: try readBytes(dir.appendingPathComponent("SkyNet.bm")))
        let rgba = try readBytes(dir.appendingPathComponent("cases/002.input.bin"))  // (160, 320, 4) HWC
        let expected = try readBytes(dir.appendingPathComponent("cases/002.conv13.bin"))  // int32 (32, 20, 40) CHW
        let e = try AcceleratorEmulator(model: model, config: .seuerB)
        let input = e.inputBytes()
        // The image loader fills lanes 0–2 (R, G, B); alpha and the other lanes are not used.
        for p in 0..<(160 * 320) { for c in 0..<3 { input[p * 32 + c] = rgba[p * 4 + c] } }
        e.run()
        let out = e.outputBytes()
        var bad = 0
        for c in 0..<32 { for y in 0..<20 { for x in 0..<40 {
            let mine = out.loadUnaligned(fromByteOffset: 4 * ((y * 40 + x) * 32 + c), as: Int32.self)
            let want = expected.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 4 * ((c * 20 + y) * 40 + x), as: Int32.self) }
            if Int32(littleEndian: want) != mine { bad += 1 }
        } } }
        XCTAssertEqual(bad, 0, "conv13 values differing from cases/002.conv13.bin")
    }
}
