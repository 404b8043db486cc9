import Foundation
import XCTest
import CDSCFlowSIMD
@testable import DSCFlow

/// Nothing a shipped importer produces falls back to the reference kernels: on every SIMD path this CPU
/// has (AVX2, AVX-VNNI, AVX-512 VNNI) and under `auto`, every operator of SkyNet (SkrSkr's and SEUer B's
/// files), of UltraNet (the design's param.h, and a project-made one), of the four shared models and of
/// every project fixture gets a microkernel.
final class KernelCoverageTests: XCTestCase {
    /// The SIMD paths this CPU runs, and `auto`.
    var paths: [KernelPath] {
        KernelPath.supported.filter { $0 == .avx2 || $0 == .avxvnni || $0 == .avx512vnni } + [.auto]
    }

    func assertEveryOperatorFast(_ model: Model, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        for path in paths {
            let prepared = try PreparedModel(model: model, options: SessionOptions(kernels: path))
            for (i, k) in prepared.kernels.enumerated() where !k.isFast {
                XCTFail("\(name) op \(i) (\(model.operations[i].name)) on \(path.rawValue): \(k)", file: file, line: line)
            }
        }
    }

    func testProjectFixturesRunOnMicrokernels() throws {
        try XCTSkipIf(KernelPath.supported.count <= 2, "this CPU has no SIMD path (AVX2 or better)")
        let dir = TestPaths.fixtures.appendingPathComponent("tflite")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter {
            FileManager.default.fileExists(atPath: dir.appendingPathComponent("\($0)/model.tflite").path)
        }
        XCTAssertGreaterThan(names.count, 40)
        for name in names.sorted() {
            try assertEveryOperatorFast(try Model.load(path: dir.appendingPathComponent("\(name)/model.tflite").path), name)
        }
    }

    func testSharedModelsRunOnMicrokernels() throws {
        try XCTSkipIf(KernelPath.supported.count <= 2, "this CPU has no SIMD path (AVX2 or better)")
        let models = try TestPaths.requireShared("models")
        for name in KernelTestCase.sharedModels {
            try assertEveryOperatorFast(try Model.load(path: models.appendingPathComponent("\(name).tflite").path), name)
        }
    }

    func testSkyNetRunsOnMicrokernels() throws {
        try XCTSkipIf(KernelPath.supported.count <= 2, "this CPU has no SIMD path (AVX2 or better)")
        try assertEveryOperatorFast(try SkrSkrTestData.model(), "SkyNet (SkrSkr SkyNet.bin)")
        let dir = try TestPaths.requireShared("skrskr")
        let wt = try SkrSkrTestData.bytes(dir.appendingPathComponent("seuer_SkyNet1.wt").path)
        let bm = try SkrSkrTestData.bytes(dir.appendingPathComponent("seuer_SkyNet1.bm").path)
        let seuer = try wt.withUnsafeBytes { w in try bm.withUnsafeBytes { b in
            try SkrSkrImporter.importModel(weights: w, biasMultipliers: b, weightsName: "seuer_SkyNet1.wt", biasMultipliersName: "seuer_SkyNet1.bm")
        } }
        try assertEveryOperatorFast(seuer, "SkyNet (SEUer B files)")
    }

    /// UltraNet: the resize, the 4-bit convs (the nibble tiles on AVX2, the int8 tiles on the VNNI
    /// paths) and the pools; on the portable path as well.
    func testUltraNetRunsOnMicrokernels() throws {
        let portable = try PreparedModel(model: try UltraNetSyntheticDesign(seed: 1).model(), options: SessionOptions(kernels: .portable))
        XCTAssertTrue(portable.kernels.allSatisfy(\.isFast), "\(portable.kernels)")
        try XCTSkipIf(KernelPath.supported.count <= 2, "this CPU has no SIMD path (AVX2 or better)")
        try assertEveryOperatorFast(try UltraNetSyntheticDesign(seed: 1).model(), "UltraNet (project-made param.h)")
        try assertEveryOperatorFast(try UltraNetTestData.model(), "UltraNet (the design's param.h)")
    }
}
