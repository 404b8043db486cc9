import DSCFlow
import DSCFlowAccelerator
import DSCFlowVision
import Foundation
import XCTest

/// The emulator's bytes equal the reference executor's on every operator, and the cycles it counts
/// equal the cost model's prediction, for every model we can run.
final class EmulatorBitExactTests: XCTestCase {
    /// Deterministic input bytes.
    static func input(_ count: Int, seed: UInt64) -> [UInt8] {
        var s = seed &+ 0x1234_5678
        return (0..<count).map { _ in
            s = s &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: s >> 56)
        }
    }

    /// Runs reference and emulator on the same input; compares every operator's output tensor and
    /// every layer's ledger against the cost model (`inputs`: the input bytes, random when nil). Returns the
    /// emulator's ledgers.
    @discardableResult
    static func check(_ model: Model, _ config: AcceleratorConfig, seed: UInt64 = 7, inputs: [[UInt8]]? = nil, what: String,
                      file: StaticString = #filePath, line: UInt = #line) throws -> [CycleLedger] {
        let session = try Session(model: model, options: SessionOptions(preserveAllTensors: true))
        let emulator = try AcceleratorEmulator(model: model, config: config)
        for i in model.inputs.indices {
            let bytes = inputs?[i] ?? input(session.inputBytes(i).count, seed: seed &+ UInt64(i))
            bytes.withUnsafeBytes { session.inputBytes(i).copyMemory(from: $0); emulator.inputBytes(i).copyMemory(from: $0) }
        }
        session.run()
        let ledgers = emulator.run()
        var differing = 0
        for (k, op) in model.operations.enumerated() {
            let t = op.outputs[0]
            let a = [UInt8](UnsafeRawBufferPointer(session.tensorBytes(t)!))
            let b = [UInt8](UnsafeRawBufferPointer(emulator.tensorBytes(t)!))
            if a != b {
                differing += 1
                let n = zip(a, b).filter { $0 != $1 }.count
                XCTFail("\(what) on \(config.name): op \(k) \(op.name) differs in \(n) of \(a.count) bytes", file: file, line: line)
            }
        }
        let predicted = try CostModel.evaluate(model, config)
        for (k, (e, c)) in zip(ledgers, predicted).enumerated() where e != c {
            XCTFail("\(what) on \(config.name): op \(k) \(model.operations[k].name) emulator \(e) vs cost model \(c)", file: file, line: line)
        }
        if differing == 0 { print("\(what) on \(config.name): \(model.operations.count) ops byte-identical; \(ledgers.reduce(0) { $0 + $1.total }) cycles") }
        return ledgers
    }

    func testSkyNetOnSkrSkrIsByteExactAndCountsThePredictedCycles() throws {
        try Self.check(try BuiltinTopology.skynet.build(seed: 3), .skrskr, what: "skynet")
    }

    func testPaperAOnGowinPipeline() throws {
        try Self.check(try BuiltinTopology.paperA.build(seed: 5), .gowinPipeline, what: "paper-a")
    }

    func testMobileNetOnEveryTiledPreset() throws {
        let m = try BuiltinTopology.mobilenetV1_025_96.build(seed: 9)
        for c in [AcceleratorConfig.ismart3, .skrskr, .seuerA, .seuerB, .gowinPipeline, .ultranet] {
            try Self.check(m, c, what: "mobilenet-v1-0.25-96")
        }
    }

    /// Small random DSC networks in both arithmetics, on every preset.
    func testRandomModelsOnEveryPreset() throws {
        for seed in UInt64(1)...3 {
            for arithmetic in [ModelBuilder.Arithmetic.skrskr, .tflite] {
                var b = ModelBuilder(arithmetic: arithmetic, seed: seed)
                let h = 6 + Int(seed) * 4, w = 10 + Int(seed) * 5
                var x = b.input("in", shape: [1, h, w, 3 + Int(seed % 3)])
                x = b.depthwise(x, name: "dw0", paddingValue: arithmetic == .skrskr ? 128 : nil)
                x = b.conv(x, outChannels: 20 + Int(seed) * 9, name: "pw0")
                if seed % 2 == 0 { x = b.maxPool(x, name: "pool0") }
                x = b.depthwise(x, stride: seed % 3 == 0 ? 2 : 1, name: "dw1")
                let side = b.conv(x, outChannels: 40, name: "pw1")
                var y = b.depthwise(side, name: "dw2")
                y = b.conv(y, outChannels: 70, name: "pw2")
                if b.shape(side)[1] % 2 == 0 && b.shape(side)[2] % 2 == 0 {
                    let r = b.spaceToDepth(side, name: "reorg")
                    let p = b.maxPool(y, name: "pool1")
                    y = b.concat([r, p], name: "cat")
                    y = b.depthwise(y, name: "dw3")
                }
                y = b.conv(y, outChannels: 3 * 16 + 5, kernel: seed % 2 == 0 ? 1 : 3, name: "head", raw: seed % 2 == 0)
                let model = try b.build(outputs: [y])
                for name in AcceleratorConfig.presetNames {
                    try Self.check(model, try .preset(named: name), seed: seed, what: "random \(seed) \(arithmetic)")
                }
            }
        }
    }

    func testSharedModels() throws {
        let dir = try TestPaths.requireShared("models")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".tflite") }.sorted()
        XCTAssertFalse(files.isEmpty)
        for f in files {
            let model = try Model.load(path: dir.appendingPathComponent(f).path)
            for c in [AcceleratorConfig.skrskr, .gowinPipeline] { try Self.check(model, c, what: f) }
        }
    }

    func testProjectFixtures() throws {
        let dir = TestPaths.fixtures.appendingPathComponent("tflite")
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else {
            throw XCTSkip("no project fixtures under Tests/DSCFlowTests/Fixtures/tflite yet")
        }
        var ran = 0
        for n in names.sorted() {
            let path = dir.appendingPathComponent(n).appendingPathComponent("model.tflite").path
            guard FileManager.default.fileExists(atPath: path) else { continue }
            let model: Model
            do { model = try Model.load(path: path) } catch { continue }  // rejected models are the importer's tests
            for c in [AcceleratorConfig.skrskr, .ismart3, .ultranet] { try Self.check(model, c, what: n) }
            ran += 1
        }
        print("project fixtures run on the emulator: \(ran)")
    }
}

extension EmulatorBitExactTests {
    func testUltraNetOnItsStreamingEngine() throws {
        try Self.check(try BuiltinTopology.ultranet.build(seed: 4), .ultranet, what: "ultranet")
    }
}

extension EmulatorBitExactTests {
    /// A model batch larger than the accelerator's (6 images on a batch-of-4 design) is several runs.
    func testModelBatchLargerThanTheAcceleratorBatch() throws {
        for arithmetic in [ModelBuilder.Arithmetic.skrskr, .tflite] {
            var b = ModelBuilder(arithmetic: arithmetic, seed: 21)
            var x = b.input("in", shape: [6, 12, 18, 5])
            x = b.depthwise(x, name: "dw")
            x = b.conv(x, outChannels: 37, name: "pw")
            x = b.maxPool(x, name: "pool")
            let model = try b.build(outputs: [x])
            for c in [AcceleratorConfig.skrskr, .ismart3, .ultranet] { try Self.check(model, c, what: "batch-6 \(arithmetic)") }
        }
    }
}
