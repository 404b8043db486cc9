import DSCFlow
import DSCFlowVision
import Foundation
import XCTest

/// JPEG input decodes exactly as Pillow decodes it (the oracle: Pillow's own decodes, stored as PNG
/// beside each fixture by Fixtures/jpeg/make_fixtures.py, and the shared DAC-SDC PNGs, which are
/// Pillow's decodes of the original JPGs), and bad JPEGs are errors, never crashes.
final class JPEGCodecTests: XCTestCase {
    static let fixtures = TestPaths.fixtures.appendingPathComponent("jpeg")

    func fixtureNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: Self.fixtures.path)
            .filter { $0.hasSuffix(".jpg") && FileManager.default.fileExists(atPath: Self.fixtures.appendingPathComponent(String($0.dropLast(4)) + ".png").path) }
            .map { String($0.dropLast(4)) }.sorted()
    }

    func fixtureBytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: Self.fixtures.appendingPathComponent(name + ".jpg")))
    }

    func decode(_ bytes: [UInt8], _ name: String = "test.jpg") throws -> Image {
        try bytes.withUnsafeBytes { try JPEGCodec.decode($0, name: name) }
    }

    func testEveryProjectFixtureDecodesToPillowsPixels() throws {
        let names = try fixtureNames()
        // baseline 4:4:4 / 4:2:2 / 4:2:0 (odd sizes, partial MCUs), progressive, optimised Huffman tables,
        // gray, restart markers every 3 blocks and every row, EXIF orientation 6.
        XCTAssertGreaterThanOrEqual(names.count, 12, "\(names)")
        for name in names {
            let jpeg = try JPEGCodec.read(path: Self.fixtures.appendingPathComponent(name + ".jpg").path)
            let pillow = try PNGCodec.read(path: Self.fixtures.appendingPathComponent(name + ".png").path)
            XCTAssertEqual([jpeg.width, jpeg.height, jpeg.channels], [pillow.width, pillow.height, pillow.channels], name)
            XCTAssertTrue(jpeg.pixels == pillow.pixels, "\(name): pixels differ from Pillow's decode")
        }
    }

    func testEXIFOrientationIsIgnoredAsPillowsImageOpenIgnoresIt() throws {
        // Orientation 6 would rotate the 61×47 picture to 47×61; Pillow's Image.open keeps the stored layout.
        let img = try JPEGCodec.read(path: Self.fixtures.appendingPathComponent("exif_orientation_6.jpg").path)
        XCTAssertEqual([img.width, img.height], [61, 47])
        let plain = try JPEGCodec.read(path: Self.fixtures.appendingPathComponent("baseline_420.jpg").path)
        XCTAssertEqual([plain.width, plain.height], [61, 47])
    }

    func testGrayJPEGsStayGrayAndColourOnesAreRGB() throws {
        XCTAssertEqual(try JPEGCodec.read(path: Self.fixtures.appendingPathComponent("gray.jpg").path).channels, 1)
        XCTAssertEqual(try JPEGCodec.read(path: Self.fixtures.appendingPathComponent("progressive_444.jpg").path).channels, 3)
    }

    func testCMYKJPEGsAreRejectedWithAnError() throws {
        XCTAssertThrowsError(try JPEGCodec.read(path: Self.fixtures.appendingPathComponent("unsupported_cmyk.jpg").path)) {
            XCTAssertTrue("\($0)".contains("CMYK"), "\($0)")
        }
    }

    func testEveryTruncationIsAnError() throws {
        for name in try fixtureNames() {
            let bytes = try fixtureBytes(name)
            // Every length up to the last 40 bytes, then every length before the end.
            let lengths = Array(stride(from: 0, to: bytes.count - 40, by: 37)) + Array(max(0, bytes.count - 40)..<bytes.count)
            for n in lengths {
                XCTAssertThrowsError(try decode(Array(bytes.prefix(n))), "\(name) truncated to \(n) of \(bytes.count) bytes") {
                    guard case DSCError.io = $0 else { return XCTFail("\(name) [\(n)]: \($0) is not an I/O error") }
                }
            }
        }
    }

    func testCorruptJPEGsGiveErrorsOrImagesNeverCrashes() throws {
        var rng = SeededGenerator(seed: 2026)
        var errors = 0, images = 0
        for name in try fixtureNames() {
            let bytes = try fixtureBytes(name)
            for _ in 0..<60 {
                var b = bytes
                for _ in 0..<(1 + Int(rng.next() % 4)) {
                    let i = Int(rng.next() % UInt64(b.count))
                    b[i] ^= UInt8(truncatingIfNeeded: 1 + rng.next() % 255)
                }
                do {
                    let img = try decode(b)
                    XCTAssertEqual(img.pixels.count, img.width * img.height * img.channels)
                    images += 1
                } catch let e as DSCError {
                    guard case .io = e else { return XCTFail("\(name): \(e) is not an I/O error") }
                    errors += 1
                }
            }
        }
        // Damage to headers and Huffman data is detected; damage to coefficients alone may decode.
        XCTAssertGreaterThan(errors, images / 4, "\(errors) errors, \(images) decodes")
        // Hand-made damage: a zero width, a missing SOF, garbage after SOI.
        var zeroWidth = try fixtureBytes("baseline_444")
        let sof = try XCTUnwrap((0..<zeroWidth.count - 1).first { zeroWidth[$0] == 0xFF && zeroWidth[$0 + 1] == 0xC0 })
        zeroWidth[sof + 7] = 0; zeroWidth[sof + 8] = 0
        XCTAssertThrowsError(try decode(zeroWidth))
        XCTAssertThrowsError(try decode([0xFF, 0xD8, 0xFF, 0xD9]))
        XCTAssertThrowsError(try decode([0xFF, 0xD8, 0xFF] + [UInt8](repeating: 0x41, count: 1000)))
        XCTAssertThrowsError(try decode([])) { XCTAssertTrue("\($0)".contains("not a JPEG"), "\($0)") }
    }

    func testImageFileTellsFormatsApartByContentNotName() throws {
        let dir = try temporaryDirectory(self)
        let misnamed = dir.appendingPathComponent("really_a_jpeg.png")
        try Data(try fixtureBytes("baseline_422")).write(to: misnamed)
        XCTAssertEqual(try ImageFile.read(path: misnamed.path), try JPEGCodec.read(path: Self.fixtures.appendingPathComponent("baseline_422.jpg").path))
        let png = Self.fixtures.appendingPathComponent("baseline_422.png").path
        XCTAssertEqual(try ImageFile.read(path: png), try PNGCodec.read(path: png))
        let text = dir.appendingPathComponent("notes.jpg")
        try Data("hello".utf8).write(to: text)
        XCTAssertThrowsError(try ImageFile.read(path: text.path)) { XCTAssertTrue("\($0)".contains("not a PNG or JPEG"), "\($0)") }
    }

    /// ../shared/dacsdc/jpg: the 50 original DAC-SDC JPGs; the PNGs beside them are Pillow's decodes.
    func testTheFiftyDACSDCJPGsDecodeToExactlyThePNGsPixels() throws {
        let dacsdc = try TestPaths.requireShared("dacsdc/jpg").deletingLastPathComponent()
        var equal = 0
        for k in 0..<50 {
            let name = String(format: "%03d", k)
            let jpg = try JPEGCodec.read(path: dacsdc.appendingPathComponent("jpg/\(name).jpg").path)
            let png = try PNGCodec.read(path: dacsdc.appendingPathComponent("\(name).png").path)
            XCTAssertEqual([jpg.width, jpg.height, jpg.channels], [png.width, png.height, png.channels], name)
            if jpg.pixels == png.pixels { equal += 1 } else { XCTFail("\(name).jpg: pixels differ from \(name).png") }
        }
        XCTAssertEqual(equal, 50)
        print("dacsdc: \(equal) of 50 JPGs decode to exactly the pixels of the PNGs beside them")
    }
}
