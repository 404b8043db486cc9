import DSCFlow
import DSCFlowAccelerator
import DSCFlowVision
import XCTest

/// The system-level parts of the accelerator model: transfers priced at a finite off-chip bandwidth,
/// the host's copy into DDR, and the preload workflow (Paper B Fig. 4).
final class SystemModelTests: XCTestCase {
    func testABandwidthOfOneBusWordPerCycleChangesNothing() throws {
        let m = try BuiltinTopology.skynet.build()
        for base in [AcceleratorConfig.ismart3, .skrskr, .seuerB] {
            var exact = base
            exact.memory.bandwidthGBps = Double(base.memory.busBytes) * base.clockMHz / 1000
            XCTAssertEqual(try AcceleratorReport.make(model: m, config: exact).totalCycles,
                           try AcceleratorReport.make(model: m, config: base).totalCycles, base.name)
        }
    }

    func testHalfTheBandwidthDoublesEveryBusTransfer() throws {
        let m = try BuiltinTopology.skynet.build()
        var half = AcceleratorConfig.skrskr
        half.memory.bandwidthGBps = Double(half.memory.busBytes) * half.clockMHz / 1000 / 2
        guard let rules = TiledCycleRules(half), let full = TiledCycleRules(.skrskr) else { return XCTFail("skrskr is a tiled engine") }
        XCTAssertEqual(rules.loadCycles(singleTile: false), 2 * full.loadCycles(singleTile: false))
        XCTAssertEqual(rules.exportCycles(singleTile: true), 2 * full.exportCycles(singleTile: true))
        // The RGBA image loader's 4-byte beats still fit one per cycle.
        XCTAssertEqual(rules.imageLoadCycles(channels: 3, packedPixels: 1), full.imageLoadCycles(channels: 3, packedPixels: 1))
        XCTAssertGreaterThan(try AcceleratorReport.make(model: m, config: half).totalCycles,
                             try AcceleratorReport.make(model: m, config: .skrskr).totalCycles)
    }

    func testUltra96BoardBandwidthIsThePortOrTheDRAMWhicheverIsLower() {
        // 128-bit port × 214 MHz = 3.424 GB/s < 4.267 GB/s (iSmart3); 16 B × 333 MHz = 5.328 > 4.267 (SkrSkr).
        XCTAssertEqual(AcceleratorConfig.ismart3.boardBandwidthGBps, 16 * 214 / 1000, accuracy: 1e-9)
        XCTAssertEqual(AcceleratorConfig.skrskr.boardBandwidthGBps, 4.26668, accuracy: 1e-9)
        XCTAssertEqual(AcceleratorConfig.skrskr.withBoardBandwidth().memory.bandwidthGBps, 4.26668, accuracy: 1e-9)
        XCTAssertEqual(AcceleratorConfig.gowinPipeline.withBoardBandwidth(), .gowinPipeline)
    }

    func testBoardBandwidthCyclesAgreeBetweenEmulatorAndCostModel() throws {
        let m = try BuiltinTopology.mobilenetV1_025_96.build(seed: 4)
        for c in [AcceleratorConfig.ismart3, .skrskr, .seuerA, .seuerB] {
            try EmulatorBitExactTests.check(m, c.withBoardBandwidth(), what: "mobilenet-v1-0.25-96 (board bandwidth)")
        }
    }

    func testHostCopyIsReadAndWrittenAtTheDRAMPeak() {
        let c = AcceleratorConfig.skrskr
        XCTAssertEqual(c.hostCopySecondsPerImage, 2 * 204_800 / 4.26668e9, accuracy: 1e-12)
        var none = c
        none.memory.dramBandwidthGBps = 0
        XCTAssertEqual(none.hostCopySecondsPerImage, 0)
    }

    func testPreloadHidesTheCopyOnlyAfterTheInputLayer() throws {
        let m = try BuiltinTopology.skynet.build()
        var c = AcceleratorConfig.skrskr
        c.host.workflow = .preload
        c.host.copyMs = 20 // per image: 80 ms per batch, longer than the whole run
        c.host.preprocessMs = 0 // so that the copy, not the host's other work, is what the run waits for
        let r = try AcceleratorReport.make(model: m, config: c)
        let f = c.clockMHz * 1e6
        let inputLayer = Double(r.layers[0].cycles) / f
        XCTAssertEqual(r.layers[0].name, "conv1")
        let batch = max(Double(r.totalCycles) / f, inputLayer + 4 * c.hostCopySecondsPerImage)
        XCTAssertEqual(r.fpsWithWorkflow, 4 / batch, accuracy: 1e-9)
        c.host.workflow = .parallel
        let parallel = try AcceleratorReport.make(model: m, config: c)
        XCTAssertEqual(parallel.fpsWithWorkflow, 4 / (Double(r.totalCycles) / f + 4 * c.hostCopySecondsPerImage), accuracy: 1e-9)
    }
}
