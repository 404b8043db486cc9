import Foundation
import XCTest
@testable import DSCFlow
@testable import DSCFlowAccelerator
@testable import DSCFlowVision

final class FramePipelineTests: XCTestCase {
    /// Frame i's input: bytes from a generator seeded with i (so the test can recompute it).
    static func frame(_ i: Int, _ out: UnsafeMutableRawBufferPointer) {
        var g = SeededGenerator(seed: UInt64(i) &* 7919 &+ 1)
        for j in 0..<out.count { out[j] = UInt8(truncatingIfNeeded: g.next()) }
    }

    func testPipelinedOutputsEqualOneByOneRuns() throws {
        let model = try RunAllocationTests.smallModel()
        let pipeline = try FramePipeline(model: model)
        let reference = try Session(model: model, options: SessionOptions(kernels: .reference))
        var seen = 0
        let report = try pipeline.run(frames: 40, prepare: { i, buf in FramePipelineTests.frame(i, buf) }) { i, out in
            FramePipelineTests.frame(i, reference.inputBytes(0))
            reference.run()
            XCTAssertEqual([UInt8](out), [UInt8](reference.outputBytes(0)), "frame \(i)")
            XCTAssertEqual(i, seen)
            seen += 1
        }
        XCTAssertEqual(seen, 40)
        XCTAssertEqual(report.frames, 40)
        XCTAssertGreaterThan(report.nanoseconds, 0)
    }

    func testPreparationRunsOnAnotherThreadAndZeroFramesIsEmpty() throws {
        let pipeline = try FramePipeline(model: try RunAllocationTests.smallModel())
        let caller = Thread.current
        let lock = NSLock()
        var onCaller = 0
        _ = try pipeline.run(frames: 5, prepare: { i, buf in
            lock.lock(); if Thread.current == caller { onCaller += 1 }; lock.unlock()
            FramePipelineTests.frame(i, buf)
        }) { _, _ in }
        XCTAssertEqual(onCaller, 0)
        let empty = try pipeline.run(frames: 0, prepare: { _, _ in XCTFail("no frame to prepare") }) { _, _ in XCTFail("no frame") }
        XCTAssertEqual(empty.frames, 0)
        XCTAssertThrowsError(try pipeline.run(frames: -1, prepare: { _, _ in }) { _, _ in })
    }
}
