import Foundation
import XCTest
@testable import DSCFlow
@testable import DSCFlowAccelerator
@testable import DSCFlowVision

/// Sessions with several threads: same bytes as one thread on every operator, no allocation in
/// `run`, clear errors for bad thread counts.
final class ThreadedSessionTests: XCTestCase {
    func models() throws -> [(String, Model)] {
        var models: [(String, Model)] = [("builtin", try RunAllocationTests.smallModel())]
        if let shared = KernelTestCase.sharedDirectory {
            for name in KernelTestCase.sharedModels {
                models.append((name, try Model.load(path: shared.appendingPathComponent("models/\(name).tflite").path)))
            }
        } else {
            print("ThreadedSessionTests: ../shared not found; the shared models are skipped")
        }
        return models
    }

    func testEveryOperatorMatchesOneThread() throws {
        var g = SeededGenerator(seed: 0x7777)
        for (name, model) in try models() {
            let input = g.bytes(model.tensors[model.inputs[0]].byteCount)
            for path in fastPaths {
                let one = try runAll(model, input, path: path)
                for t in [2, 3, 4] {
                    let s = try Session(model: model, options: SessionOptions(kernels: path, threads: t))
                    input.withUnsafeBytes { s.inputBytes(0).copyMemory(from: $0) }
                    var outs: [[UInt8]] = []
                    s.run { _, bytes in outs.append([UInt8](bytes)) }
                    for (i, (a, b)) in zip(one, outs).enumerated() where a != b {
                        XCTFail("\(name) \(path.rawValue) \(t) threads: operator \(i) differs from one thread")
                    }
                    // Repeated runs reuse the spinning or sleeping workers (the arena may reuse the
                    // input's bytes, so it is written again each time).
                    for _ in 0..<5 {
                        input.withUnsafeBytes { s.inputBytes(0).copyMemory(from: $0) }
                        s.run()
                    }
                    XCTAssertEqual([UInt8](s.outputBytes(0)), one.last, "\(name) \(path.rawValue) \(t) threads, repeated")
                }
            }
        }
    }

    func testThreadedRunDoesNotAllocate() throws {
        for (name, model) in try models() {
            let s = try Session(model: model, options: SessionOptions(threads: 2))
            s.run()
            let n = countAllocations { for _ in 0..<20 { s.run() } }
            XCTAssertEqual(n, 0, "\(name), 2 threads: \(n) heap allocations in 20 runs")
        }
    }

    func testBadThreadCountsAreErrors() throws {
        let model = try RunAllocationTests.smallModel()
        for t in [0, -1, SessionOptions.maxThreads + 1] {
            XCTAssertThrowsError(try Session(model: model, options: SessionOptions(threads: t))) { error in
                XCTAssertTrue("\(error)".contains("threads"), "\(error)")
            }
        }
        XCTAssertNoThrow(try Session(model: model, options: SessionOptions(threads: SessionOptions.maxThreads)))
    }

    /// Sessions come and go with their workers (no leak of threads blocks the next ones).
    func testSessionsStartAndStopWorkers() throws {
        let model = try RunAllocationTests.smallModel()
        for _ in 0..<50 {
            let s = try Session(model: model, options: SessionOptions(threads: 3))
            s.run()
        }
    }
}
