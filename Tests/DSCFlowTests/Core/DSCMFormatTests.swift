import DSCFlow
import DSCFlowAccelerator
import DSCFlowVision
import Foundation
import XCTest

/// `.dscm`: every TFLite model DSCFlow has (../shared/models and the project fixtures) converted to
/// .dscm gives the same bytes at every operator; loading in place borrows the weights; corrupt and
/// truncated files give clear errors; random mutations never crash the reader.
final class DSCMFormatTests: XCTestCase {
    /// The TFLite models to convert: the shared ones and the project's own fixtures.
    private func tfliteModels() -> [String] {
        var paths: [String] = []
        if let shared = SkrSkrTestData.shared {
            let dir = shared + "/models"
            for f in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] where f.hasSuffix(".tflite") {
                paths.append(dir + "/" + f)
            }
        } else {
            print("SKIP (partly): ../shared/models not found; only project fixtures are converted")
        }
        let fixtures = SkrSkrTestData.packageRoot + "/Tests/DSCFlowTests/Fixtures/tflite"
        for d in (try? FileManager.default.contentsOfDirectory(atPath: fixtures)) ?? [] {
            let p = fixtures + "/" + d + "/model.tflite"
            if FileManager.default.fileExists(atPath: p) { paths.append(p) }
        }
        return paths.sorted()
    }

    /// Every operator's output for `input`, concatenated.
    private func allOutputs(_ model: Model, _ input: [UInt8]) throws -> [[UInt8]] {
        let session = try Session(model: model, options: SessionOptions(preserveAllTensors: true))
        input.withUnsafeBytes { session.inputBytes().copyMemory(from: $0) }
        var outs: [[UInt8]] = []
        session.run { _, out in outs.append([UInt8](out)) }
        return outs
    }

    func testTFLiteModelsConvertedToDSCMGiveIdenticalBytes() throws {
        let models = tfliteModels()
        if models.isEmpty {
            print("SKIP: no .tflite models found (../shared/models absent, no fixtures)")
            throw XCTSkip("no .tflite models")
        }
        var rng = SplitMix64(seed: 0x5eed)
        for path in models {
            let original = try Model.load(path: path)
            let bytes = try DSCMWriter.serialize(original)
            // Load in place from a 64-byte aligned, read-only view: weights must not be copied.
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 64)
            defer { buffer.deallocate() }
            bytes.withUnsafeBytes { buffer.copyMemory(from: $0) }
            let loaded = try Model.load(bytes: UnsafeRawBufferPointer(buffer), copy: false)
            XCTAssertEqual(loaded.format, "dscm")
            XCTAssertEqual(loaded.metadata["dscflow.origin"], "tflite")
            for t in loaded.tensors {
                guard let d = t.data else { continue }
                XCTAssertTrue(d.storage.isBorrowed, "\(t.name) was copied")
                XCTAssertTrue(d.pointer >= UnsafeRawPointer(buffer.baseAddress!) && d.pointer + d.count <= UnsafeRawPointer(buffer.baseAddress!) + buffer.count)
                XCTAssertEqual(Int(bitPattern: d.pointer) % 64, 0, "\(t.name) is not 64-byte aligned")
            }
            // Same bytes again when re-serialised: every IR field survives.
            XCTAssertEqual(try DSCMWriter.serialize(loaded), bytes, "\(path): re-serialisation differs")
            let inputCount = original.tensors[original.inputs[0]].byteCount
            var compared = 0
            for _ in 0..<3 {
                let input = (0..<inputCount).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                let a = try allOutputs(original, input), b = try allOutputs(loaded, input)
                XCTAssertEqual(a.count, b.count)
                for (i, (x, y)) in zip(a, b).enumerated() where x != y {
                    XCTFail("\(path): operator \(i) differs between .tflite and .dscm")
                }
                compared += a.reduce(0) { $0 + $1.count }
            }
            print("\(path.hasSuffix("/model.tflite") ? ((path as NSString).deletingLastPathComponent as NSString).lastPathComponent : (path as NSString).lastPathComponent): .dscm \(bytes.count) bytes, \(compared) output bytes identical over 3 inputs")
        }
    }

    /// A small model built in code (no shared data needed), with uint8, int32, mul-shift and raw layers.
    private func smallModel() throws -> Model {
        let w = Window2D(kernelHeight: 3, kernelWidth: 3, strideHeight: 1, strideWidth: 1, padding: .explicit,
                         padTop: 1, padLeft: 1, padBottom: 1, padRight: 1)
        let pw = Window2D(kernelHeight: 1, kernelWidth: 1, strideHeight: 1, strideWidth: 1, padding: .valid)
        let rq = Requantizer.mulShift(MulShiftRequantizer(multipliers: [900, -3, 20000], shift: 17))
        let tensors = [
            Tensor(name: "in", type: .uint8, shape: [1, 6, 8, 3]),
            Tensor(name: "dw.w", type: .int8, shape: [1, 3, 3, 3], data: ConstantData(bytes: (0..<27).map { UInt8(bitPattern: Int8($0 % 63 - 31)) })),
            Tensor(name: "dw", type: .uint8, shape: [1, 6, 8, 3]),
            Tensor(name: "pw.w", type: .int8, shape: [4, 1, 1, 3], data: ConstantData(bytes: (0..<12).map { UInt8(bitPattern: Int8(7 - $0 * 3)) })),
            Tensor(name: "out", type: .int32, shape: [1, 6, 8, 4]),
        ]
        let ops = [
            Operator(kind: .depthwiseConv2D(ConvolutionParameters(window: w, inputOffset: 0, paddingValue: 128, bias: [5, -7, 32767],
                                                                   accumulator: .saturating(bits: 19, channelBlock: 16), requantizer: rq)),
                      inputs: [0, 1], outputs: [2], name: "dw"),
            Operator(kind: .conv2D(ConvolutionParameters(window: pw, inputOffset: 0, paddingValue: 0, bias: [],
                                                          accumulator: .saturating(bits: 19, channelBlock: 2), requantizer: .none)),
                      inputs: [2, 3], outputs: [4], name: "pw"),
        ]
        return try Model(tensors: tensors, operations: ops, inputs: [0], outputs: [4],
                         metadata: ["dscflow.detection": "head=none", "k": "v"], format: "builtin")
    }

    func testSmallModelRoundTripsAndRunsIdentically() throws {
        let m = try smallModel()
        let bytes = try DSCMWriter.serialize(m)
        let loaded = try bytes.withUnsafeBytes { try Model.load(bytes: $0) }
        XCTAssertEqual(loaded.metadata["k"], "v")
        XCTAssertEqual(loaded.metadata["dscflow.origin"], "builtin")
        XCTAssertEqual(try DSCMWriter.serialize(loaded), bytes)
        let input = (0..<(6 * 8 * 3)).map { UInt8(($0 * 37) % 256) }
        XCTAssertEqual(try allOutputs(m, input), try allOutputs(loaded, input))
    }

    func testCorruptedFilesGiveClearErrors() throws {
        let bytes = try DSCMWriter.serialize(try smallModel())
        // Every single-bit flip is caught (by a checksum or a structural check).
        var caught = 0
        for i in 0..<bytes.count {
            var b = bytes
            b[i] ^= UInt8(1 << (i % 8))
            do {
                _ = try b.withUnsafeBytes { try Model.load(bytes: $0) }
                XCTFail("bit flip at byte \(i) was not detected")
            } catch let e as DSCError {
                if case .malformedModel = e { caught += 1 } else { XCTFail("byte \(i): unexpected \(e)") }
            }
        }
        XCTAssertEqual(caught, bytes.count)
        // Every truncation is caught.
        for n in stride(from: 0, to: bytes.count, by: 7) {
            let b = Array(bytes.prefix(n))
            XCTAssertThrowsError(try b.withUnsafeBytes { try Model.load(bytes: $0) }) { e in
                XCTAssertTrue("\(e)".count > 10)
            }
        }
        var b = bytes
        b[10] ^= 1
        XCTAssertThrowsError(try b.withUnsafeBytes { try Model.load(bytes: $0) }) { e in
            XCTAssertTrue("\(e)".contains("checksum"), "\(e)")
        }
        XCTAssertThrowsError(try Array(bytes.prefix(100)).withUnsafeBytes { try Model.load(bytes: $0) }) { e in
            XCTAssertTrue("\(e)".contains("truncated") || "\(e)".contains("checksum"), "\(e)")
        }
    }

    /// Random mutations with the checksums disabled reach the structural checks: the reader (and a
    /// session on any model that still validates) must never trap.
    func testFuzzedFilesNeverCrash() throws {
        var seeds: [[UInt8]] = [try DSCMWriter.serialize(try smallModel())]
        if let shared = SkrSkrTestData.shared {
            seeds.append(try DSCMWriter.serialize(try Model.load(path: shared + "/models/kws_ref_model.tflite")))
        }
        var rng = SplitMix64(seed: 42)
        var loadedCount = 0, rejected = 0
        for round in 0..<3000 {
            var b = seeds[round % seeds.count]
            // Mutate the structural part (header, table, META/TENS/GRPH/OPER) far more often than weights.
            let structuralEnd = min(b.count, 2048)
            for _ in 0..<(1 + Int(rng.next() % 4)) {
                let i = Int(rng.next() % UInt64(rng.next() % 4 == 0 ? b.count : structuralEnd))
                switch rng.next() % 3 {
                case 0: b[i] ^= UInt8(1 << (rng.next() % 8))
                case 1: b[i] = UInt8(truncatingIfNeeded: rng.next())
                default: b[i] = [0, 0xFF, 0x7F, 0x80][Int(rng.next() % 4)]
                }
            }
            if rng.next() % 10 == 0 { b = Array(b.prefix(Int(rng.next() % UInt64(b.count)))) }
            let storage = try b.withUnsafeBytes { try ByteStorage(copying: $0) }
            do {
                let m = try DSCMFormat.importModel(storage, verifyChecksums: false)
                loadedCount += 1
                // Run the cheap seed's survivors always, the larger one's now and then (debug-build time).
                if try ArenaPlanner.plan(m, preserveAll: false).size < 1 << 24 && (round % seeds.count == 0 || round % 20 == 1) {
                    let s = try Session(model: m)
                    s.run()
                }
            } catch {
                rejected += 1  // every load and run failure is typed DSCError (typed throws)
            }
        }
        print("fuzz: 3000 mutations, \(rejected) rejected with a DSCError, \(loadedCount) still valid models (those run did not crash)")
        XCTAssertEqual(loadedCount + rejected, 3000)
    }

    /// A .dscm file mapped read-only (PROT_READ) loads in place and runs: nothing writes to, or copies,
    /// the weights (a write would fault).
    func testLoadsInPlaceFromReadOnlyMappedFile() throws {
        let bytes = try DSCMWriter.serialize(try smallModel())
        let path = NSTemporaryDirectory() + "/dscflow-ro-\(getpid()).dscm"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let fd = open(path, O_RDONLY)
        XCTAssertGreaterThanOrEqual(fd, 0)
        defer { close(fd) }
        guard let map = mmap(nil, bytes.count, PROT_READ, MAP_PRIVATE, fd, 0), map != MAP_FAILED else {
            return XCTFail("mmap failed")
        }
        defer { munmap(map, bytes.count) }
        let model = try Model.load(bytes: UnsafeRawBufferPointer(start: map, count: bytes.count), copy: false)
        for t in model.tensors where t.data != nil {
            XCTAssertTrue(t.data!.pointer >= UnsafeRawPointer(map) && t.data!.pointer < UnsafeRawPointer(map) + bytes.count)
        }
        let input = (0..<(6 * 8 * 3)).map { UInt8(($0 * 37) % 256) }
        XCTAssertEqual(try allOutputs(model, input), try allOutputs(try smallModel(), input))
    }

    func testCRC32KnownValue() {
        XCTAssertEqual(CRC32.of("123456789"), 0xCBF4_3926)
    }
}

/// SkyNet (SkrSkr arithmetic) survives .dscm: same bytes when written again, weights borrowed in place.
final class SkrSkrDSCMTests: XCTestCase {
    func testSkyNetRoundTripsThroughDSCM() throws {
        let model = try SkrSkrTestData.model()
        let bytes = try DSCMWriter.serialize(model)
        try bytes.withUnsafeBytes { raw in
            let loaded = try Model.load(bytes: raw, copy: false)
            XCTAssertEqual(loaded.metadata["dscflow.origin"], "skrskr")
            XCTAssertEqual(loaded.metadata["dscflow.detection"], model.metadata["dscflow.detection"])
            XCTAssertTrue(loaded.tensors.compactMap(\.data).allSatisfy { $0.storage.isBorrowed })
            XCTAssertEqual(try DSCMWriter.serialize(loaded), bytes)
            _ = try DetectionHeads.make(for: loaded)
        }
    }
}
