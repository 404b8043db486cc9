import XCTest
@testable import DSCFlow
@testable import DSCFlowAccelerator
@testable import DSCFlowVision

/// The published figures the accelerator model must reproduce within ±10 % (DESIGN.md, issue #6).
final class PublishedFiguresTests: XCTestCase {
    func within(_ value: Double, _ published: Double, _ what: String, tolerance: Double = 0.10,
                file: StaticString = #filePath, line: UInt = #line) {
        let err = (value - published) / published
        print("\(what): model \(value), published \(published), error \(String(format: "%+.2f", err * 100)) %")
        XCTAssertLessThanOrEqual(abs(err), tolerance, "\(what): model \(value) vs published \(published)", file: file, line: line)
    }

    func testSkyNetCyclesOnISmart3AndSkrSkr() throws {
        let model = try BuiltinTopology.skynet.build()
        let i3 = try AcceleratorReport.make(model: model, config: .ismart3)
        let sk = try AcceleratorReport.make(model: model, config: .skrskr)
        for l in sk.layers { print("skrskr", l.name, l.cycles) }
        for l in i3.layers { print("ismart3", l.name, l.cycles) }
        within(Double(i3.totalCycles), 18.88e6, "SkyNet on ismart3, cycles per batch of 4")
        within(Double(sk.totalCycles), 10.58e6, "SkyNet on skrskr, cycles per batch of 4")
    }

    func testUltraNetEveryLayer460800CyclesAnd362FPS() throws {
        let r = try AcceleratorReport.make(model: try BuiltinTopology.ultranet.build(), config: .ultranet)
        let convs = r.layers.filter { $0.role == .convolution }
        XCTAssertEqual(convs.count, 8)
        for l in convs { within(Double(l.cycles), 460_800, "UltraNet \(l.name) cycles per frame") }
        within(r.fps, 362, "UltraNet FPS at 166.67 MHz")
    }

    func testPaperBRoofs() {
        // The iSmart3 DWC roof (6.88 GOPS) is not asserted: Paper B's figure implies 16 DW MACs per
        // cycle, but the HLS source's DW loop (32 lanes, II=1) gives 32, and the II=1 schedule is what
        // reproduces the 18.88 M cycles (II=2 would give ≈22.5 M). See README "Published figures".
        print("iSmart3 DWC roof GOPS: model \(AcceleratorConfig.ismart3.dwRoofGOPS), published 6.88 (not reproduced)")
        within(AcceleratorConfig.ismart3.pwRoofGOPS, 110, "iSmart3 PWC roof GOPS")
        within(AcceleratorConfig.seuerB.dwRoofGOPS, 172.8, "SEUer B DWC roof GOPS")
        within(AcceleratorConfig.seuerB.pwRoofGOPS, 307.2, "SEUer B PWC roof GOPS")
    }

    func testPaperBISmart3RoofsCountOneOpPerInstantiatedMultiplier() {
        // Paper B's two iSmart3 roofs both equal the multipliers the HLS source instantiates × the clock,
        // one operation each, II ignored: DW 32 lanes × 1 tap (dwconv3x3.cc), PW 16 × 32 (conv1x1.cc).
        // SEUer B's roofs count two operations per MAC (testPaperBRoofs), so no single convention gives
        // all four; the model's roofs use SEUer B's (2 ops per MAC at the achieved II), under which the
        // iSmart3 DWC roof is 13.70 GOPS, not 6.88 (README "Published figures").
        let c = AcceleratorConfig.ismart3
        guard let t = c.tiledEngine else { return XCTFail("ismart3 is a tiled engine") }
        within(Double(t.depthwise.channels * t.depthwise.tapsPerPass) * c.clockMHz / 1000, 6.88, "iSmart3 DW multipliers × clock (G/s)")
        within(Double(t.pointwise.inputs * t.pointwise.outputs) * c.clockMHz / 1000, 110, "iSmart3 PW multipliers × clock (G/s)")
    }

    func testPaperBRooflineBoundsOfFigures1And5() throws {
        // Fig. 1 (iSmart3): the first DWC is bandwidth-bound (an 8-bit image port), the other DWCs sit at
        // their compute roof, and every bundle's PWC reaches the PWC roof. Fig. 5 (after the optimisations,
        // SEUer B's roofs): every DWC is memory-bound, and part of the PWCs turn memory-bound.
        let m = try BuiltinTopology.skynet.build()
        let before = try AcceleratorReport.make(model: m, config: .ismart3)
        let after = try AcceleratorReport.make(model: m, config: .seuerB)
        let bundlesPW = Set(["conv2", "conv4", "conv6", "conv8", "conv10", "conv12"])
        for l in before.layers where l.cycles > 0 {
            if l.role == .depthwise { XCTAssertEqual(l.memoryBound, l.name == "conv1", "iSmart3 \(l.name)") }
            if bundlesPW.contains(l.name) { XCTAssertFalse(l.memoryBound, "iSmart3 \(l.name)") }
        }
        for l in after.layers where l.role == .depthwise { XCTAssertTrue(l.memoryBound, "SEUer B \(l.name)") }
        let turned = after.layers.filter { l in
            bundlesPW.contains(l.name) && l.memoryBound && before.layers.contains { $0.name == l.name && !$0.memoryBound }
        }
        print("PWCs compute-bound on iSmart3 and memory-bound on SEUer B:", turned.map(\.name))
        XCTAssertFalse(turned.isEmpty)
        XCTAssertLessThan(turned.count, bundlesPW.count)
    }

    func testPaperBFigure6PreloadOnSkrSkr() throws {
        // Preload (Fig. 4(c)) hides the host's copy of the next stitched batch (run.py: one np.copyto of
        // 4×160×320×4 bytes, read and written at the LPDDR4's 4.267 GB/s peak) behind the run after layer 1.
        let study = try AblationStudy(model: try BuiltinTopology.skynet.build(), base: .skrskr)
        let preload = study.rows.first { $0.name == "preload" }!
        within(preload.runtimeReduction * 100, 1.11, "Paper B Fig. 6, preload, runtime cut %, SkrSkr")
    }

    func testPaperAPipelineOnGowin() throws {
        let model = try BuiltinTopology.paperA.build()
        let r = try AcceleratorReport.make(model: model, config: .gowinPipeline)
        print(r.text())
        print("paper-a MACs", model.totalMACs, "params", model.parameterCount)
        within(Double(model.totalMACs) * 2, 16.64e6, "Paper A ops per inference")
        within(Double(model.parameterCount), 0.079e6, "Paper A parameters", tolerance: 0.15)
        within(r.fps, 366, "Paper A FPS at 54 MHz on 48 DSPs")
        within(r.gopsPerWatt, 8.57, "Paper A GOPS/W at 0.71 W")
    }
}

/// SkyNet as the SkrSkr files store it (FACTS.md §1: maps padded to 32-lane groups, zero weights in
/// the padding) must cost what the real-channel topology costs: the planner reads real channels
/// from the weights, so real SkrSkr weights can replace the random ones.
final class PaddedSkyNetTests: XCTestCase {
    static func paddedSkyNet() throws -> Model {
        var b = ModelBuilder(arithmetic: .skrskr, seed: 11)
        var x = b.input("image", shape: [1, 160, 320, 32])
        x = b.depthwise(x, name: "conv1", paddingValue: 128, activeChannels: 3)
        x = b.conv(x, outChannels: 64, name: "conv2", activeInputs: 3, activeOutputs: 48)
        x = b.maxPool(x, name: "pool1")
        x = b.depthwise(x, name: "conv3", activeChannels: 48)
        x = b.conv(x, outChannels: 96, name: "conv4", activeInputs: 48)
        x = b.maxPool(x, name: "pool2")
        x = b.depthwise(x, name: "conv5")
        let c6 = b.conv(x, outChannels: 192, name: "conv6")
        let reorg = b.spaceToDepth(c6, name: "reorg")
        x = b.maxPool(c6, name: "pool3")
        x = b.depthwise(x, name: "conv7")
        x = b.conv(x, outChannels: 384, name: "conv8")
        x = b.depthwise(x, name: "conv9")
        x = b.conv(x, outChannels: 512, name: "conv10")
        x = b.concat([reorg, x], name: "cat")
        x = b.depthwise(x, name: "conv11")
        x = b.conv(x, outChannels: 96, name: "conv12")
        let head = b.conv(x, outChannels: 32, name: "conv13", raw: true, activeOutputs: 10)
        return try b.build(outputs: [head])
    }

    func testPaddedAndRealChannelSkyNetCostTheSame() throws {
        let padded = try Self.paddedSkyNet(), real = try BuiltinTopology.skynet.build()
        for name in AcceleratorConfig.presetNames where name != "ultranet" && name != "gowin-pipeline" {
            let c = try AcceleratorConfig.preset(named: name)
            for variant in [c, c.withPaperBOptimisations()] {
                XCTAssertEqual(try AcceleratorReport.make(model: padded, config: variant).totalCycles,
                               try AcceleratorReport.make(model: real, config: variant).totalCycles, name)
            }
        }
    }
}
