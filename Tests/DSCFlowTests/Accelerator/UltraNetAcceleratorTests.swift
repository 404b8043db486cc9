import DSCFlow
import DSCFlowAccelerator
import DSCFlowVision
import Foundation
import XCTest

/// UltraNet imported from the design's param.h on the `ultranet` accelerator model: the folding read
/// from its headers is the preset's (config.h's PE/SIMD), it is priced exactly as the built-in topology,
/// and the emulator computes the C model's bytes.
final class UltraNetAcceleratorTests: XCTestCase {
    /// Per layer (the resize, 9 convs, 4 pools) the same plan, cycles and traffic as the built-in
    /// `ultranet` topology; 460,800 cycles per 3×3 layer, 361.7 FPS at 166.67 MHz.
    func testImportedModelIsPricedAsTheBuiltinTopology() throws {
        let imported = try AcceleratorReport.make(model: try UltraNetTestData.model(), config: .ultranet)
        let builtin = try AcceleratorReport.make(model: try BuiltinTopology.ultranet.build(), config: .ultranet)
        XCTAssertEqual(imported.layers.map(\.name), builtin.layers.map(\.name))
        for (a, b) in zip(imported.layers, builtin.layers) {
            XCTAssertEqual(a.role, b.role, a.name)
            XCTAssertEqual(a.ledger, b.ledger, a.name)
            XCTAssertEqual(a.usefulMACs, b.usefulMACs, a.name)
            XCTAssertEqual(a.issuedMACs, b.issuedMACs, a.name)
        }
        XCTAssertEqual(imported.totalCycles, 460_800)
        XCTAssertEqual(imported.latencyCycles, builtin.latencyCycles)
        XCTAssertEqual(imported.fps, builtin.fps)
        XCTAssertEqual(imported.layers.filter { $0.role == .convolution }.map(\.cycles), [Int](repeating: 460_800, count: 8))
        XCTAssertEqual(imported.layers.first { $0.name == "resize" }?.cycles, 360 * 640, "one source pixel per cycle")
        XCTAssertEqual(imported.layers.first { $0.name == "conv_8" }?.cycles, 28_800)
        print(imported.text())
    }

    /// The model records the design's folding (param.h's arrays are PE × W_TILES words of SIMD lanes;
    /// config.h says the same); it equals the preset's lists, and a streaming configuration without lists
    /// folds the model by it.
    func testFoldingFromTheDesignHeadersIsThePresets() throws {
        let model = try UltraNetTestData.model()
        let folding = try XCTUnwrap(StreamFolding.modelFolding(model))
        XCTAssertEqual(folding, AcceleratorConfig.ultranet.streaming)
        var bare = AcceleratorConfig.ultranet
        bare.dataflow = .streaming(AcceleratorConfig.Streaming())
        let own = try AcceleratorReport.make(model: model, config: bare)
        let preset = try AcceleratorReport.make(model: model, config: .ultranet)
        XCTAssertEqual(own.layers.map(\.cycles), preset.layers.map(\.cycles))
        // Without folding metadata the same configuration folds every engine 1 × 1.
        let unfolded = try AcceleratorReport.make(model: try BuiltinTopology.ultranet.build(), config: bare)
        XCTAssertEqual(unfolded.layers.first { $0.name == "conv_0" }?.cycles, 160 * 320 * 9 * 3 * 16)
        // The project-made design's own (different) folding.
        let synthetic = try UltraNetSyntheticDesign(seed: 2).model()
        XCTAssertEqual(StreamFolding.modelFolding(synthetic)?.pe, UltraNetSyntheticDesign.layers.map(\.pe))
        let r = try AcceleratorReport.make(model: synthetic, config: bare)
        let l = UltraNetSyntheticDesign.layers[1]
        XCTAssertEqual(r.layers.first { $0.name == "conv_1" }?.cycles, l.h * l.w * l.tiles)
    }

    /// The emulator walks the folded engines over the project-made design byte-exactly (every op equals
    /// the reference executor; its ledgers equal the cost model's), on the streaming and a tiled preset.
    func testEmulatorOnAProjectMadeDesign() throws {
        let model = try UltraNetSyntheticDesign(seed: 5).model()
        for c in [AcceleratorConfig.ultranet, .skrskr] { try EmulatorBitExactTests.check(model, c, what: "ultranet (project-made)") }
    }

    /// The emulator on the design's weights gives the C model's head for case 000.
    func testEmulatorGivesTheCModelHead() throws {
        let dir = try UltraNetTestData.directory()
        let emulator = try AcceleratorEmulator(model: try UltraNetTestData.model(), config: .ultranet)
        try SkrSkrTestData.bytes(dir + "/cases/000.input.bin").withUnsafeBytes { emulator.inputBytes().copyMemory(from: $0) }
        let ledgers = emulator.run()
        XCTAssertEqual([UInt8](emulator.outputBytes()), try SkrSkrTestData.bytes(dir + "/cases/000.head.bin"))
        XCTAssertEqual(ledgers, try CostModel.evaluate(emulator.model, .ultranet))
    }
}
