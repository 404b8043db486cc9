import DSCFlow
import DSCFlowAccelerator
import DSCFlowVision
import Foundation
import XCTest

final class ClassifierTests: XCTestCase {
    /// The photo of ../shared/images/NAME.bmp as a gray image: the BMP's 8-bit pixels (after its
    /// 1078-byte header) are int8 values, so XOR 0x80 gives the grey level; rows are stored bottom-up.
    func photo(_ name: String) throws -> Image {
        let bmp = try readBytes(try TestPaths.requireShared("images/\(name).bmp"))
        func le32(_ o: Int) -> Int { Int(Int32(bitPattern: UInt32(bmp[o]) | UInt32(bmp[o + 1]) << 8 | UInt32(bmp[o + 2]) << 16 | UInt32(bmp[o + 3]) << 24)) }
        let offset = le32(10), width = le32(18), height = le32(22)
        XCTAssertEqual(offset, 1078); XCTAssertEqual(width, 96); XCTAssertEqual(abs(height), 96)
        let rowBytes = (width + 3) / 4 * 4
        var px: [UInt8] = []
        for y in 0..<abs(height) {
            let stored = height > 0 ? abs(height) - 1 - y : y
            px += bmp[(offset + stored * rowBytes)..<(offset + stored * rowBytes + width)].map { $0 ^ 0x80 }
        }
        return try Image(width: width, height: abs(height), channels: 1, pixels: px)
    }

    /// The photo written as a PNG into a temporary directory (never committed).
    func photoPNG(_ name: String) throws -> URL {
        let url = try temporaryDirectory(self).appendingPathComponent("\(name).png")
        try PNGCodec.write(try photo(name), path: url.path)
        return url
    }

    func testVWWSaysPersonOnThePersonPhotoAndNotOnTheOther() throws {
        let model = try Model.load(path: try TestPaths.requireShared("models/vww_96_int8.tflite").path)
        let c = try Classifier(model: model, labels: ["notperson", "person"])
        let person = try c.classify(try PNGCodec.read(path: try photoPNG("person").path))
        XCTAssertEqual(person[0].label, "person")
        // The int8 output TFLite Micro and LiteRT give on this input (../shared/models/SOURCES.md): [-95, 95].
        XCTAssertEqual(person.sorted { $0.index < $1.index }.map(\.raw), [-95, 95])
        XCTAssertEqual(person[0].probability, 223.0 / 256.0)
        let nobody = try c.classify(try PNGCodec.read(path: try photoPNG("no_person").path))
        XCTAssertEqual(nobody[0].label, "notperson")
    }

    func testClassifyCommandPrintsTheLabels() throws {
        let model = try TestPaths.requireShared("models/vww_96_int8.tflite")
        let labels = try temporaryDirectory(self).appendingPathComponent("vww_labels.txt")
        try "notperson\nperson\n".write(to: labels, atomically: true, encoding: .utf8)
        let yes = try runDSCFlow(["classify", model.path, try photoPNG("person").path, "--labels", labels.path, "--top", "1"])
        XCTAssertEqual(yes.status, 0, yes.err)
        XCTAssertEqual(yes.out.split(separator: " ").first, "person")
        XCTAssertTrue(yes.out.contains("0.871094"), yes.out)
        let no = try runDSCFlow(["classify", model.path, try photoPNG("no_person").path, "--labels", labels.path, "--top", "1"])
        XCTAssertEqual(no.out.split(separator: " ").first, "notperson")
        let unlabeled = try runDSCFlow(["classify", model.path, try photoPNG("person").path])
        XCTAssertTrue(unlabeled.out.hasPrefix("class 1"), unlabeled.out)
    }

    func testPreprocessCommandWritesTheInputBytes() throws {
        let model = try TestPaths.requireShared("models/vww_96_int8.tflite")
        let png = try photoPNG("person")
        let out = png.deletingLastPathComponent().appendingPathComponent("in.bin")
        let r = try runDSCFlow(["preprocess", model.path, png.path, "-o", out.path])
        XCTAssertEqual(r.status, 0, r.err)
        // vww: RGB, scale 1/255, zero point −128 → the BMP's own int8 bytes, each repeated 3 times.
        let gray = try photo("person").pixels
        XCTAssertEqual(try readBytes(out), gray.flatMap { [$0 ^ 0x80, $0 ^ 0x80, $0 ^ 0x80] })
    }

    func testLabelsComeFromMetadataOrDefaults() throws {
        let m = try TinyModels.input(shape: [1, 1, 1, 3], scale: 1, zeroPoint: 0)
        XCTAssertNil(try LabelList.labels(of: m))
        XCTAssertEqual(LabelList.completed(["a"], count: 3), ["a", "class 1", "class 2"])
        XCTAssertEqual(try LabelList.labels(of: TinyModels.detector()), ["object"])
        XCTAssertEqual(LabelList.parse(lines: "cat\n\n dog \n"), ["cat", "dog"])
    }
}
