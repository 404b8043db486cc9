import DSCFlow
import DSCFlowVision
import XCTest

/// Without a range, mean or std in the metadata or the overrides, the normalization comes from the
/// input's quantization, says so (`assumption`), or is refused with the option to give — never a
/// silent [0, 1] that changes the answer (person_detect read [0, 1] said "no person").
final class PreprocessAssumptionTests: XCTestCase {
    func range(_ o: PreprocessOptions) -> [Double]? {
        if case .range(let lo, let hi) = o.normalization { return [lo, hi] }
        return nil
    }

    func testTheInputQuantizationImpliesTheConventionalRange() throws {
        let cases: [(ElementType, Float, Int32, [Double])] = [
            (.int8, 1.0 / 128, 0, [-1, 1]),          // holds [−1, 0.992]
            (.int8, 1.0 / 127.5, -1, [-1, 1]),       // person_detect: [−0.996, 1.004]
            (.int8, 1.0 / 255, -128, [0, 1]),        // vww: q = pixel − 128
            (.uint8, 1.0 / 255, 0, [0, 1]),
            (.uint8, 1.0 / 128, 128, [-1, 1]),
            (.int8, 1, -128, [0, 255]),              // ResNet-8: q = pixel − 128 on 0…255
            (.uint8, 1, 0, [0, 255]),
            (.int8, 1, 0, [-128, 127]),
            (.int16, 1.0 / 32768, 0, [-1, 1]),
        ]
        for (type, scale, zp, expected) in cases {
            let m = try TinyModels.input(type: type, shape: [1, 2, 2, 1], scale: scale, zeroPoint: zp)
            let o = try PreprocessOptions(model: m)
            XCTAssertEqual(range(o), expected, "\(type.name) scale \(scale) zp \(zp)")
            let note = try XCTUnwrap(o.assumption)
            XCTAssertTrue(note.contains("assumed range=\(PreprocessOptionsNumber.text(expected[0])),\(PreprocessOptionsNumber.text(expected[1]))"), note)
            XCTAssertEqual(try Preprocessor(model: m).assumption, note)
        }
    }

    func testPersonDetectsInputGetsMinusOneToOneNotZeroToOne() throws {
        let m = try TinyModels.input(shape: [1, 1, 2, 1], scale: 0.007843137718737125, zeroPoint: -1)
        let img = try Image(width: 2, height: 1, channels: 1, pixels: [0, 255])
        // range −1,1: q = round((2p/255 − 1)/s) − 1 → −128 and 126 (the float32 scale is a hair above
        // 1/127.5, so 1/s rounds to 127); [0, 1] would give −1 and 126.
        XCTAssertEqual(try Preprocessor(model: m).preprocess(img).map { Int8(bitPattern: $0) }, [-128, 126])
    }

    func testGivenNormalizationIsUsedAsIsWithoutANote() throws {
        let m = try TinyModels.input(shape: [1, 2, 2, 1], scale: 1.0 / 128, zeroPoint: 0, preprocess: "range=0,1")
        XCTAssertEqual(range(try PreprocessOptions(model: m)), [0, 1])
        XCTAssertNil(try PreprocessOptions(model: m).assumption)
        let bare = try TinyModels.input(shape: [1, 2, 2, 1], scale: 1.0 / 128, zeroPoint: 0)
        for overrides in [["range": "0,1"], ["mean": "0", "std": "255"], ["range": "raw"]] {
            XCTAssertNil(try PreprocessOptions(model: bare, overrides: overrides).assumption, "\(overrides)")
        }
        XCTAssertEqual(range(try PreprocessOptions(model: bare, overrides: ["range": "-2,2"])), [-2, 2])
    }

    func testAQuantizationThatImpliesNoRangeIsRefusedNamingTheOption() throws {
        // kws_ref_model's MFCC input: scale 0.5847, zero point 83 holds [−123.4, 25.7].
        let m = try TinyModels.input(shape: [1, 49, 10, 1], scale: 0.5847029, zeroPoint: 83)
        XCTAssertThrowsError(try Preprocessor(model: m)) {
            let text = "\($0)"
            XCTAssertTrue(text.contains("range=lo,hi") && text.contains("mean=") && text.contains("range=raw"), text)
            XCTAssertTrue(text.contains("[-123.3723, 25.7269]"), text)
        }
        XCTAssertNoThrow(try Preprocessor(model: m, overrides: ["mean": "0", "std": "1"]))
        let float = try TinyModels.input(shape: [1, 2, 2, 1], scale: 0, zeroPoint: 0)
        XCTAssertThrowsError(try PreprocessOptions(model: float))
    }

    func testTheRecordDescribesWhatIsAppliedAndReadsBack() throws {
        let m = try TinyModels.input(shape: [1, 4, 6, 3], scale: 1.0 / 128, zeroPoint: 0, preprocess: "resize=nearest\nfit=letterbox\npad=1,2,3")
        let p = try Preprocessor(model: m)
        XCTAssertEqual(p.record.values, ["color": "rgb", "resize": "nearest", "fit": "letterbox", "pad": "1,2,3", "range": "-1,1", "size": "6x4"])
        XCTAssertEqual(try Preprocessor(model: m, options: try PreprocessOptions(record: p.record)).record, p.record)
        let ms = try Preprocessor(model: m, overrides: ["mean": "127.5,100,0.25", "std": "2"])
        XCTAssertEqual(ms.record["mean"], "127.5,100,0.25"); XCTAssertEqual(ms.record["std"], "2")
    }
}

/// The number format of PreprocessOptions' notes, for building expected strings.
enum PreprocessOptionsNumber {
    static func text(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(v) }
}
