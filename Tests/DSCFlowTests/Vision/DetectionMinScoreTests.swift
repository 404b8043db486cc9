import DSCFlow
import DSCFlowVision
import XCTest

/// A detection below the model's minimum score is "no object" (the CLI prints so), instead of a box
/// at any score; the minimum comes from the overrides, the metadata, else the head's default.
final class DetectionMinScoreTests: XCTestCase {
    func testTheMinimumComesFromOverridesThenMetadataThenTheHead() throws {
        let plain = try TinyModels.detector()
        XCTAssertEqual(try DetectionHeads.minScore(for: plain), 0.5)
        XCTAssertEqual(try DetectionHeads.minScore(for: plain, overrides: ["min-score": "0.2"]), 0.2)
        let withKey = try TinyModels.detector(metadata: ["dscflow.detection": "head=skynet\nanchors=4,2,8,6\nmin-score=0.75"])
        XCTAssertEqual(try DetectionHeads.minScore(for: withKey), 0.75)
        XCTAssertEqual(try Detector(model: withKey).minScore, 0.75)
        let skrskr = try TinyModels.detector(metadata: ["dscflow.detection": "head=skrskr"])
        XCTAssertEqual(try DetectionHeads.minScore(for: skrskr), 0)
        for bad in ["-0.1", "1.5", "high", "nan"] {
            XCTAssertThrowsError(try DetectionHeads.minScore(for: plain, overrides: ["min-score": bad]), bad)
        }
    }

    func testABoxBelowTheMinimumIsNoObject() throws {
        let img = try TinyModels.scene(width: 320, height: 160, rect: (80, 96, 40, 56), color: (255, 0, 0))
        let d = try Detector(model: TinyModels.detector())
        let box = try d.detect(img)
        XCTAssertTrue(d.isObject(box), "score \(box.score)")
        let strict = try Detector(model: TinyModels.detector(), detectionOverrides: ["min-score": "1"])
        XCTAssertFalse(strict.isObject(try strict.detect(img)))
        var unscored = box
        unscored.score = .nan
        XCTAssertTrue(strict.isObject(unscored), "a head without a score always reports its box")
    }

    func testTheHeadErrorNamesDetectionOptionsNotCommandLineFlags() throws {
        let m = try TinyModels.detector(metadata: ["dscflow.detection": "# nothing"])
        XCTAssertThrowsError(try DetectionHeads.make(for: m)) {
            XCTAssertTrue("\($0)".contains("head=skynet"), "\($0)")
            XCTAssertFalse("\($0)".contains("--"), "\($0)")
        }
        XCTAssertThrowsError(try DetectionHeads.make(for: m, overrides: ["head": "skynet"])) {
            XCTAssertFalse("\($0)".contains("--"), "\($0)")
        }
    }
}
