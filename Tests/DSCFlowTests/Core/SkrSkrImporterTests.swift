import DSCFlow
import DSCFlowAccelerator
import DSCFlowVision
import Foundation
import XCTest

/// The SkrSkr weight-file reader on malformed and unusual files: clear errors, never a crash; the
/// accelerator's 6-bit weight rule; padding lanes kept when dropping them could change a byte.
final class SkrSkrImporterTests: XCTestCase {
    private func sharedFiles() throws -> (wt: [UInt8], bm: [UInt8]) {
        let dir = try SkrSkrTestData.sharedOrSkip() + "/skrskr"
        return (try SkrSkrTestData.bytes(dir + "/SkyNet.wt"), try SkrSkrTestData.bytes(dir + "/SkyNet.bm"))
    }

    private func importPair(_ wt: [UInt8], _ bm: [UInt8]) throws -> Model {
        try wt.withUnsafeBytes { w in try bm.withUnsafeBytes { b in try SkrSkrImporter.importModel(weights: w, biasMultipliers: b) } }
    }

    func testWrongSizesAreClearErrors() throws {
        for n in [0, 1, 455_039, 455_041, 441_344] {
            let b = [UInt8](repeating: 0, count: n)
            XCTAssertThrowsError(try b.withUnsafeBytes { try SkrSkrImporter.importModel(combined: $0) }) { e in
                guard case DSCError.malformedModel(let why) = e else { return XCTFail("\(e)") }
                XCTAssertTrue(why.contains("\(n) bytes"), why)
            }
        }
        XCTAssertThrowsError(try importPair([UInt8](repeating: 0, count: 441_343), [UInt8](repeating: 0, count: 13_696)))
        XCTAssertThrowsError(try importPair([UInt8](repeating: 0, count: 441_344), [UInt8](repeating: 0, count: 13_695)))
    }

    /// Bytes outside [−32, 31] are truncated to their low 6 bits, sign-extended, as the accelerator's
    /// 6-bit weight registers do; the model's provenance says how many.
    func testWeightsFollowTheSixBitRule() throws {
        var (wt, bm) = try sharedFiles()
        let conv13First = 13_696 * 32  // conv13, output 0, input 0
        wt[conv13First] = 0x60  // 96 → low 6 bits 100000 → −32
        wt[conv13First + 32] = 0x7F  // input 1: 127 → 111111 → −1
        wt[conv13First + 64] = 0xC5  // input 2: −59 → 000101 → 5
        let m = try importPair(wt, bm)
        let filter = m.tensors.first { $0.name == "conv13.weights" }!.data!
        XCTAssertEqual(filter.element(0, as: .int8), -32)
        XCTAssertEqual(filter.element(1, as: .int8), -1)
        XCTAssertEqual(filter.element(2, as: .int8), 5)
        XCTAssertTrue(m.metadata["dscflow.source"]!.contains("3 weight bytes outside [-32, 31]"), m.metadata["dscflow.source"]!)
        _ = bm
    }

    /// conv2 reading a first-layer lane that, on the accelerator, holds stale tile data has no defined
    /// result: rejected, naming the lane.
    func testStaleFirstLayerLaneIsRejected() throws {
        var (wt, bm) = try sharedFiles()
        wt[(9 + 5) * 32 + 0] = 3  // conv2: output 0 reads input lane 5
        wt[5] = 4  // conv1 lane 5 has a weight
        bm[2 * (16 * 2 + 5)] = 100  // and a positive multiplier
        XCTAssertThrowsError(try importPair(wt, bm)) { e in
            guard case DSCError.unsupported(_, _, let why) = e else { return XCTFail("\(e)") }
            XCTAssertTrue(why.contains("lane 5"), why)
        }
        bm[2 * (16 * 2 + 5)] = 0  // with M = 0 the lane outputs 0 whatever it holds: accepted
        XCTAssertEqual(try importPair(wt, bm).tensors[0].shape, [1, 160, 320, 3])
    }

    /// When conv4 reads a conv2/conv3 padding lane that is not provably zero, all 64 lanes are kept.
    func testPaddingLanesAreKeptWhenTheyMatter() throws {
        var (wt, bm) = try sharedFiles()
        XCTAssertEqual(try importPair(wt, bm).tensors.first { $0.name == "conv2" }!.shape, [1, 160, 320, 48])
        wt[(91 + 50) * 32 + 0] = 1  // conv4 output 0 reads input 50
        bm[2 * (16 * 12 + 50)] = 0x10  // conv3 channel 50: bias 16 … (little-endian low byte)
        bm[2 * (16 * 16 + 50)] = 0x20  // … and multiplier 8192 (high byte of 0x2000 at +1)
        bm[2 * (16 * 16 + 50) + 1] = 0x20
        let m = try importPair(wt, bm)
        XCTAssertEqual(m.tensors.first { $0.name == "conv2" }!.shape, [1, 160, 320, 64])
        XCTAssertEqual(m.tensors.first { $0.name == "conv4.weights" }!.shape, [96, 1, 1, 64])
    }

    /// Random parameter files of the right size import or fail with a DSCError; never a crash.
    func testRandomParameterFilesNeverCrash() throws {
        var rng = SplitMix64(seed: 7)
        var ok = 0, rejected = 0
        for _ in 0..<12 {
            let wt = (0..<441_344).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let bm = (0..<13_696).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            do { _ = try importPair(wt, bm); ok += 1 } catch is DSCError { rejected += 1 }
        }
        XCTAssertEqual(ok + rejected, 12)
    }
}
