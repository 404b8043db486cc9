import DSCFlow
import DSCFlowAccelerator
import DSCFlowVision
import Foundation
import XCTest

final class PNGCodecTests: XCTestCase {
    func decode(_ bytes: [UInt8]) throws -> Image {
        try bytes.withUnsafeBytes { try PNGCodec.decode($0, name: "test.png") }
    }

    func assertDSCError(_ bytes: [UInt8], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try decode(bytes), what, file: file, line: line) { error in
            XCTAssertTrue(error is DSCError, "\(what): \(error) is not a DSCError", file: file, line: line)
        }
    }

    func testRoundTripKeepsGrayRGBAndRGBAPixels() throws {
        for c in [1, 3, 4] {
            let img = try resizePatternImage(width: 13, height: 7, channels: c)
            XCTAssertEqual(try decode(try PNGCodec.encode(img)), img, "\(c) channels")
        }
    }

    func testHandWrittenEightBitRGBDecodesToItsBytes() throws {
        let rows: [[UInt8]] = [[1, 2, 3, 4, 5, 6], [250, 251, 252, 7, 8, 9]]
        let img = try decode(RawPNG.file(width: 2, height: 2, bitDepth: 8, colorType: 2, rows: rows))
        XCTAssertEqual(img.channels, 3)
        XCTAssertEqual(img.pixels, rows.flatMap { $0 })
    }

    func testSixteenBitGrayIsReducedToEightBits() throws {
        // 16-bit samples 0x0000, 0xFFFF, 0x8080 → 0, 255, 128 (libpng scales by 255/65535).
        let img = try decode(RawPNG.file(width: 3, height: 1, bitDepth: 16, colorType: 0, rows: [[0, 0, 0xFF, 0xFF, 0x80, 0x80]]))
        XCTAssertEqual(img.channels, 1)
        XCTAssertEqual(img.pixels, [0, 255, 128])
    }

    func testPaletteImageIsExpandedToRGB() throws {
        let palette: [UInt8] = [10, 20, 30, 200, 100, 50]
        let img = try decode(RawPNG.file(width: 3, height: 1, bitDepth: 8, colorType: 3, rows: [[1, 0, 1]], palette: palette))
        XCTAssertEqual(img.channels, 3)
        XCTAssertEqual(img.pixels, [200, 100, 50, 10, 20, 30, 200, 100, 50])
    }

    func testTruncatedFilesAreErrors() throws {
        let good = RawPNG.file(width: 4, height: 4, bitDepth: 8, colorType: 2, rows: Array(repeating: [UInt8](repeating: 77, count: 12), count: 4))
        XCTAssertNoThrow(try decode(good))
        for cut in [0, 5, 8, 20, 33, 40, good.count - 20, good.count - 13] {
            assertDSCError(Array(good.prefix(cut)), "truncated to \(cut) bytes")
        }
    }

    /// A chunk that declares more bytes than the file has is refused before libpng sees it (libpng
    /// 1.6.39 allocates a text chunk's declared length first: 2 GB for this 200-byte file); chunks that
    /// fit, ancillary ones included, still decode.
    func testAChunkLongerThanTheFileIsRefusedBeforeLibpngAllocatesIt() throws {
        let rows = Array(repeating: [UInt8](repeating: 9, count: 12), count: 4)
        let good = RawPNG.file(width: 4, height: 4, bitDepth: 8, colorType: 2, rows: rows)
        let ihdrEnd = 8 + 12 + 13
        let text = RawPNG.chunk("tEXt", Array("Comment\u{0}made by a test".utf8))
        XCTAssertEqual(try decode(Array(good[..<ihdrEnd]) + text + Array(good[ihdrEnd...])).pixels, rows.flatMap { $0 })
        for (type, length) in [("zTXt", UInt32(0x7A54_9E7E)), ("iTXt", 0x7FFF_FFFF), ("tEXt", 0xFFFF_FFFF), ("IDAT", 200)] {
            let lying = RawPNG.be32(length) + Array(type.utf8) + [UInt8](repeating: 0x41, count: 150)
            let bytes = Array(good[..<ihdrEnd]) + lying
            XCTAssertThrowsError(try decode(bytes), type) { error in
                XCTAssertTrue("\(error)".contains("chunk '\(type)' at byte 33 declares \(length) bytes"), "\(error)")
            }
        }
        // A chunk whose data fits but whose CRC is cut off; a missing IEND is left to libpng.
        assertDSCError(Array(good.prefix(good.count - 14)), "IDAT without its CRC")
        XCTAssertNotNil(good.withUnsafeBytes { PNGCodec.chunkError(UnsafeRawBufferPointer(rebasing: $0[..<(good.count - 14)]), name: "x") })
        XCTAssertNil(good.withUnsafeBytes { PNGCodec.chunkError(UnsafeRawBufferPointer(rebasing: $0[..<(good.count - 12)]), name: "x") })
        XCTAssertNil(good.withUnsafeBytes { PNGCodec.chunkError($0, name: "x") })
    }

    func testWrongCRCIsAnError() throws {
        var bad = RawPNG.file(width: 4, height: 4, bitDepth: 8, colorType: 0, rows: Array(repeating: [1, 2, 3, 4], count: 4))
        // The IHDR CRC sits at bytes 29…32 (8 signature + 4 length + 4 type + 13 data).
        bad[30] ^= 0x55
        assertDSCError(bad, "IHDR with a wrong CRC")
        var badData = RawPNG.file(width: 4, height: 4, bitDepth: 8, colorType: 0, rows: Array(repeating: [1, 2, 3, 4], count: 4))
        badData[badData.count - 12 - 4 - 1] ^= 0x01  // last byte of IDAT's CRC
        assertDSCError(badData, "IDAT with a wrong CRC")
    }

    func testHugeDimensionsAreErrorsNotAllocations() throws {
        for (w, h) in [(UInt32(0x7FFF_FFFF), UInt32(0x7FFF_FFFF)), (1_000_000, 1), (60000, 60000), (65536, 65536), (0, 5)] {
            // The IDAT holds a single row: the header lies about the size.
            assertDSCError(RawPNG.file(width: w, height: h, bitDepth: 8, colorType: 2, rows: [[0, 0, 0]]), "IHDR \(w)×\(h)")
        }
    }

    func testGarbageAndWrongSignatureAreErrors() throws {
        assertDSCError([], "empty")
        assertDSCError(Array("GIF89a not a png at all".utf8), "not a PNG")
        var rnd = SystemRandomNumberGenerator()
        for _ in 0..<20 {
            let junk = RawPNG.signature + (0..<200).map { _ in UInt8.random(in: 0...255, using: &rnd) }
            assertDSCError(junk, "random bytes after the signature")
        }
    }

    func testReadingMissingOrCorruptFilesThroughTheCLIGivesAnErrorStatus() throws {
        let dir = try temporaryDirectory(self)
        let bad = dir.appendingPathComponent("bad.png")
        var bytes = RawPNG.file(width: 4, height: 4, bitDepth: 8, colorType: 0, rows: Array(repeating: [1, 2, 3, 4], count: 4))
        bytes[30] ^= 1
        try Data(bytes).write(to: bad)
        let model = try TestPaths.requireShared("models/vww_96_int8.tflite")
        let r = try runDSCFlow(["classify", model.path, bad.path])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.err.contains("bad.png"), "message names the file: \(r.err)")
    }
}
