import DSCFlow
import DSCFlowAccelerator
import DSCFlowVision
import XCTest

/// The SkrSkr pointwise accumulator saturates to 19 bits after every block of 16 input channels, in
/// ascending order, so the result depends on the order of the blocks. The emulator walks channel
/// groups and blocks in the accelerator's order and must still produce the reference bytes.
final class EmulatorSaturationTests: XCTestCase {
    func testOrderDependentSaturationMatchesTheReference() throws {
        let inC = 96, outC = 40, h = 5, w = 7
        // Input: all 255. Weights: +31 for the first 48 input channels, −32 for the rest, so the
        // running sum rises past +262143 (saturates) before the negative blocks pull it down.
        var weights = [UInt8](repeating: 0, count: outC * inC)
        for oc in 0..<outC {
            for ic in 0..<inC { weights[oc * inC + ic] = UInt8(bitPattern: ic < 48 + (oc % 3) * 16 ? 31 : -32) }
        }
        let tensors = [
            Tensor(name: "x", type: .uint8, shape: [1, h, w, inC]),
            Tensor(name: "w", type: .int8, shape: [outC, 1, 1, inC], data: ConstantData(bytes: weights)),
            Tensor(name: "y", type: .int32, shape: [1, h, w, outC]),
        ]
        let p = ConvolutionParameters(window: Window2D(kernelHeight: 1, kernelWidth: 1, strideHeight: 1, strideWidth: 1, padding: .valid),
                                      inputOffset: 0, paddingValue: 0, bias: [],
                                      accumulator: .saturating(bits: 19, channelBlock: 16), requantizer: .none)
        let model = try Model(tensors: tensors, operations: [Operator(kind: .conv2D(p), inputs: [0, 1], outputs: [2])],
                              inputs: [0], outputs: [2], format: "test")
        let session = try Session(model: model)
        for k in 0..<session.inputBytes().count { session.inputBytes()[k] = 255 }
        session.run()
        let reference = [UInt8](session.outputBytes())
        // The saturation really fired: a plain sum would be 48·255·31 − 48·255·32 = −12240 for oc 0.
        let first = reference.withUnsafeBytes { $0.load(as: Int32.self) }
        XCTAssertNotEqual(first, -12240)
        XCTAssertEqual(first, 262143 - 3 * 16 * 255 * 32)
        for config in [AcceleratorConfig.skrskr, .ismart3, .seuerB, .ultranet, .gowinPipeline] {
            let e = try AcceleratorEmulator(model: model, config: config)
            for k in 0..<e.inputBytes().count { e.inputBytes()[k] = 255 }
            e.run()
            XCTAssertEqual([UInt8](e.outputBytes()), reference, config.name)
        }
    }

    func testExtremeButValidConfigurationsDoNotTrap() throws {
        let m = try BuiltinTopology.skynet.build()
        var c = AcceleratorConfig.skrskr
        guard var t = c.tiledEngine else { return XCTFail("skrskr is a tiled engine") }
        t.depthwise.initiationInterval = 4096; t.pointwise.initiationInterval = 4096
        t.tiles.bufferRows = 4096; t.tiles.bufferCols = 4096; t.tiles.dwLoopRows = 4096; t.tiles.dwLoopCols = 4096
        t.tiles.pwLoopRows = 4096; t.tiles.pwLoopCols = 4096; t.tiles.rows = 1; t.tiles.cols = 1; t.depthwise.channels = 1
        t.pointwise.blockSetupCycles = 1 << 20; t.passes.dwPre = 1e11
        c.tiledEngine = t
        c.lanes = 4096; c.clockMHz = 1e-9
        let r = try AcceleratorReport.make(model: m, config: c)
        XCTAssertEqual(r.layers.count, m.operations.count)
        _ = r.json().serialized()
        _ = RooflinePlot.svg(r)
        c.clockMHz = 9e5; c.memory.bandwidthGBps = 1e11; c.opsPerMAC = 1e11
        let r2 = try AcceleratorReport.make(model: m, config: c)
        _ = RooflinePlot.svg(r2)
        _ = r2.text()
    }
}
