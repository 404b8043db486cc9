import DSCFlow
import DSCFlowAccelerator
import DSCFlowVision
import XCTest

final class PreprocessorTests: XCTestCase {
    func int8(_ bytes: [UInt8]) -> [Int] { bytes.map { Int(Int8(bitPattern: $0)) } }

    func testRangeZeroOneWithScaleOneOver255IsPixelMinus128() throws {
        // The vww / person-detection convention: scale 1/255, zero point −128.
        let m = try TinyModels.input(shape: [1, 2, 128, 1], scale: 1 / 255, zeroPoint: -128)
        let img = try Image(width: 128, height: 2, channels: 1, pixels: (0..<256).map { UInt8($0) })
        XCTAssertEqual(int8(try Preprocessor(model: m).preprocess(img)), (0..<256).map { $0 - 128 })
    }

    func testQuantizationRoundsHalfAwayFromZeroAndClamps() throws {
        // range −1,1 with scale 2/255 → value/scale = pixel − 127.5: every value is a tie.
        let m = try TinyModels.input(shape: [1, 1, 4, 1], scale: 2.0 / 255.0, zeroPoint: 0, preprocess: "range=-1,1")
        let pre = try Preprocessor(model: m)
        // (2·p/255 − 1)/(2/255) in double with the float32 scale is p − 127.5 up to ~1e-7: check the formula itself.
        let s = Double(Float(2.0 / 255.0))
        for p in [0, 1, 127, 128, 200, 255] {
            let v = (-1 + 2 * Double(p) / 255) / s
            XCTAssertEqual(pre.quantize(Double(p), channel: 0), Int32(max(-128, min(127, v.rounded(.toNearestOrAwayFromZero)))))
        }
        let exact = try TinyModels.input(shape: [1, 1, 4, 1], scale: 0.5, zeroPoint: 3, preprocess: "mean=0\nstd=1")
        let q = try Preprocessor(model: exact)
        XCTAssertEqual(q.quantize(0.25, channel: 0), 4)           // 0.25/0.5 = 0.5 → 1 (half away from zero), + 3
        XCTAssertEqual(q.quantize(-0.25, channel: 0), 2)          // −0.5 → −1, + 3
        XCTAssertEqual(q.quantize(255, channel: 0), 127)          // 510 + 3 clamps
        XCTAssertEqual(q.quantize(.infinity, channel: 0), 127)
        XCTAssertEqual(q.quantize(.nan, channel: 0), -128)
    }

    func testMeanStdPerChannelInPixelUnits() throws {
        let m = try TinyModels.input(shape: [1, 1, 1, 3], scale: 1.0 / 64, zeroPoint: 0, preprocess: "mean=127.5,100,0\nstd=127.5,50,255")
        let img = try Image(width: 1, height: 1, channels: 3, pixels: [255, 150, 51])
        // (255−127.5)/127.5 = 1 → 64 (clamped 64); (150−100)/50 = 1 → 64; 51/255 = 0.2 → 12.8 → 13
        XCTAssertEqual(int8(try Preprocessor(model: m).preprocess(img)), [64, 64, 13])
    }

    func testRawStoresThePixelByte() throws {
        let u = try TinyModels.input(type: .uint8, shape: [1, 1, 3, 1], scale: 0.7, zeroPoint: 9, preprocess: "range=raw")
        let img = try Image(width: 3, height: 1, channels: 1, pixels: [0, 77, 255])
        XCTAssertEqual(try Preprocessor(model: u).preprocess(img), [0, 77, 255])
        let s = try TinyModels.input(shape: [1, 1, 3, 1], scale: 0.7, zeroPoint: 9, preprocess: "range=raw")
        XCTAssertEqual(int8(try Preprocessor(model: s).preprocess(img)), [-128, -51, 127])
    }

    func testChannelConversionGrayToRGBAndRGBToGrayAndBGR() throws {
        let rgbModel = try TinyModels.input(shape: [1, 1, 1, 3], scale: 1 / 255, zeroPoint: -128)
        let gray = try Image(width: 1, height: 1, channels: 1, pixels: [200])
        XCTAssertEqual(int8(try Preprocessor(model: rgbModel).preprocess(gray)), [72, 72, 72])
        let rgb = try Image(width: 1, height: 1, channels: 4, pixels: [10, 20, 30, 0])
        XCTAssertEqual(int8(try Preprocessor(model: rgbModel, overrides: ["color": "bgr"]).preprocess(rgb)), [30 - 128, 20 - 128, 10 - 128])
        let grayModel = try TinyModels.input(shape: [1, 1, 1, 1], scale: 1 / 255, zeroPoint: -128)
        // 601 luma of (10, 20, 30): (2990 + 11740 + 3420 + 500)/1000 = 18
        XCTAssertEqual(int8(try Preprocessor(model: grayModel).preprocess(rgb)), [18 - 128])
    }

    func testStretchWithNearestUsesPillowIndices() throws {
        let m = try TinyModels.input(type: .uint8, shape: [1, 160, 320, 3], scale: 1, zeroPoint: 0, preprocess: "resize=nearest\nrange=raw")
        let img = try resizePatternImage(width: 640, height: 360, channels: 3)
        let out = try Preprocessor(model: m).preprocess(img)
        for (y, x) in [(0, 0), (1, 1), (7, 300), (159, 319)] {
            let sy = Int((2.25 * Double(y) + 1.125).rounded(.down)), sx = 2 * x + 1
            for k in 0..<3 { XCTAssertEqual(out[(y * 320 + x) * 3 + k], img.pixels[(sy * 640 + sx) * 3 + k]) }
        }
    }

    func testLetterboxPadsAndCentres() throws {
        let m = try TinyModels.input(type: .uint8, shape: [1, 4, 8, 1], scale: 1, zeroPoint: 0, preprocess: "fit=letterbox\npad=9\nrange=raw\nresize=nearest")
        let pre = try Preprocessor(model: m)
        // A 4×4 image into 8×4: content 4×4 at x 2…5.
        let img = try Image(width: 4, height: 4, channels: 1, pixels: (0..<16).map { UInt8(100 + $0) })
        let out = try pre.preprocess(img)
        for y in 0..<4 {
            XCTAssertEqual(Array(out[y * 8..<y * 8 + 8]), [9, 9] + (0..<4).map { UInt8(100 + y * 4 + $0) } + [9, 9])
        }
        let g = try pre.geometry(imageWidth: 4, imageHeight: 4)
        XCTAssertEqual([g.destinationX, g.destinationY, g.destinationWidth, g.destinationHeight], [2, 0, 4, 4])
        XCTAssertEqual(g.imageX(fromInputX: 2), 0); XCTAssertEqual(g.imageX(fromInputX: 6), 4)
    }

    func testCropTakesTheCentre() throws {
        let m = try TinyModels.input(type: .uint8, shape: [1, 2, 2, 1], scale: 1, zeroPoint: 0, preprocess: "fit=crop\nrange=raw\nresize=nearest")
        // 6×2 image → centre 2×2 (columns 2, 3).
        let img = try Image(width: 6, height: 2, channels: 1, pixels: [0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15])
        XCTAssertEqual(try Preprocessor(model: m).preprocess(img), [2, 3, 12, 13])
    }

    func testGeometryRoundsSizesAndMapsBoxesBack() throws {
        let lb = try InputGeometry(fit: .letterbox, imageWidth: 640, imageHeight: 360, inputWidth: 320, inputHeight: 320)
        XCTAssertEqual([lb.destinationX, lb.destinationY, lb.destinationWidth, lb.destinationHeight], [0, 70, 320, 180])
        let crop = try InputGeometry(fit: .crop, imageWidth: 641, imageHeight: 360, inputWidth: 320, inputHeight: 160)
        // 360·2 = 720 > 641: the image is narrower than 2:1, keep the width, take round(641/2) = 321 rows.
        XCTAssertEqual([crop.sourceX, crop.sourceY, crop.sourceWidth, crop.sourceHeight], [0, 19, 641, 321])
        let box = DetectedBox(xmin: 0, xmax: 320, ymin: 70, ymax: 250, score: 0.5, anchor: 1, gridX: 2, gridY: 3, raw: [7])
        let back = lb.imageBox(fromInputBox: box)
        XCTAssertEqual([back.xmin, back.xmax, back.ymin, back.ymax], [0, 640, 0, 360])
        XCTAssertEqual(back.raw, [7])
        XCTAssertTrue(try InputGeometry(fit: .stretch, imageWidth: 5, imageHeight: 5, inputWidth: 3, inputHeight: 3).isStretch)
    }

    func testOverridesReplaceMetadataAndBadOptionsAreErrors() throws {
        let m = try TinyModels.input(shape: [1, 2, 2, 3], scale: 1 / 255, zeroPoint: -128, preprocess: "range=0,1\nresize=nearest\nfuture_key=1")
        XCTAssertEqual(try PreprocessOptions(model: m).resize, .nearest)
        XCTAssertEqual(try PreprocessOptions(model: m, overrides: ["resize": "bilinear"]).resize, .bilinear)
        XCTAssertEqual(try PreprocessOptions(model: m, overrides: ["mean": "127.5", "std": "127.5"]).normalization, .meanStd(mean: [127.5], std: [127.5]))
        for bad in [["resize": "cubic"], ["fit": "zoom"], ["range": "1,1"], ["std": "0"], ["pad": "300"], ["colour": "rgb"], ["color": "gray"], ["size": "10x10"]] {
            XCTAssertThrowsError(try Preprocessor(model: m, overrides: bad), "\(bad)") { XCTAssertTrue($0 is DSCError) }
        }
        XCTAssertThrowsError(try Preprocessor(model: TinyModels.input(type: .uint8, shape: [1, 2, 2, 3], scale: 0, zeroPoint: 0)))
        var buf = [UInt8](repeating: 0, count: 5)
        XCTAssertThrowsError(try buf.withUnsafeMutableBytes { try Preprocessor(model: m).preprocess(Image(width: 1, height: 1, channels: 3), into: $0) })
    }
}
