import DSCFlow
import Foundation
import XCTest

/// `import skrskr` records where a model came from as the weight files' names and SHA-256, never a
/// local path, so the same weights give the same `.dscm` bytes on any machine.
final class SkrSkrProvenanceTests: XCTestCase {
    func testSHA256MatchesTheFIPSExamples() {
        func hex(_ s: String) -> String { Array(s.utf8).withUnsafeBytes { SHA256.hex($0) } }
        XCTAssertEqual(hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        // 55, 56 and 64 bytes: the padding's edge cases.
        XCTAssertEqual(hex(String(repeating: "a", count: 55)), "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318")
        XCTAssertEqual(hex(String(repeating: "a", count: 56)), "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a")
        XCTAssertEqual(hex(String(repeating: "a", count: 64)), "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb")
        // Many whole blocks read in place, then a partial one (digests from Python's hashlib).
        XCTAssertEqual(hex(String(repeating: "a", count: 1000)), "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
        XCTAssertEqual((0..<4099).map { UInt8(truncatingIfNeeded: $0 * 7) }.withUnsafeBytes { SHA256.hex($0) },
                       "98cb8c1375c3931d019e477289812c1f0cf15972aa5c81469381545b9224d9ab")
    }

    /// The eight-at-a-time count of weight bytes the 6-bit registers truncate, against the byte rule,
    /// on random bytes of every length up to 40 at every offset up to 7 (the tail and unaligned loads).
    func testTheOutOfRangeWeightCountEqualsTheByteRule() {
        var rng = SystemRandomNumberGenerator()
        for trial in 0..<2000 {
            let bytes = (0..<48).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let offset = trial % 8, count = trial / 8 % 41
            let slice = bytes[offset..<offset + count]
            let expected = slice.filter { Int8(bitPattern: $0) < -32 || Int8(bitPattern: $0) > 31 }.count
            let got = bytes.withUnsafeBytes { SkrSkrImporter.countOutsideSixBits(UnsafeRawBufferPointer(rebasing: $0[offset..<offset + count])) }
            XCTAssertEqual(got, expected, "bytes \(Array(slice))")
        }
        // Every byte value once: 192 of the 256 are outside [-32, 31].
        XCTAssertEqual((0...255).map { UInt8($0) }.withUnsafeBytes { SkrSkrImporter.countOutsideSixBits($0) }, 192)
    }

    func testTheSameWeightsFromTwoDirectoriesGiveTheSameDSCMBytes() throws {
        let shared = try SkrSkrTestData.sharedOrSkip()
        let bin = try SkrSkrTestData.bytes(shared + "/skrskr/SkyNet.bin")
        let here = try bin.withUnsafeBytes { try SkrSkrImporter.importModel(combined: $0, name: shared + "/skrskr/SkyNet.bin") }
        let there = try bin.withUnsafeBytes { try SkrSkrImporter.importModel(combined: $0, name: "/somewhere/else/SkyNet.bin") }
        let source = try XCTUnwrap(here.metadata["dscflow.source"])
        let digest = bin.withUnsafeBytes { SHA256.hex($0) }
        XCTAssertTrue(source.contains("from SkyNet.bin (sha256 \(digest))"), source)
        XCTAssertFalse(source.contains("/"), "a path leaked into dscflow.source: \(source)")
        XCTAssertEqual(try DSCMWriter.serialize(here), try DSCMWriter.serialize(there))
        // The .wt + .bm pair records both files.
        let wt = Array(bin.prefix(SkrSkrImporter.weightFileBytes)), bm = Array(bin.dropFirst(SkrSkrImporter.weightFileBytes))
        let pair = try wt.withUnsafeBytes { w in try bm.withUnsafeBytes { b in
            try SkrSkrImporter.importModel(weights: w, biasMultipliers: b, weightsName: "/tmp/x/SkyNet.wt", biasMultipliersName: "../SkyNet.bm")
        } }
        let pairSource = try XCTUnwrap(pair.metadata["dscflow.source"])
        XCTAssertTrue(pairSource.contains("SkyNet.wt (sha256 \(wt.withUnsafeBytes { SHA256.hex($0) })) + SkyNet.bm (sha256 "), pairSource)
        XCTAssertFalse(pairSource.contains("/"), pairSource)
    }
}
