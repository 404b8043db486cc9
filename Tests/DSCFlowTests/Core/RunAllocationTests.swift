import CDSCFlowTestSupport
import Foundation
import XCTest
@testable import DSCFlow
@testable import DSCFlowAccelerator
@testable import DSCFlowVision

/// `Session.run` performs no heap allocation on the fast kernel paths (counted by interposing malloc).
/// The test build is unoptimised, where Swift boxes more than in release; the fast paths must not
/// allocate even there (the operators they leave to the reference kernels — Softmax here — included).
/// Heap allocations (malloc family, interposed) while `body` runs.
func countAllocations(_ body: () -> Void) -> Int {
    dsc_test_reset_allocation_count()
    dsc_test_count_allocations(1)
    body()
    dsc_test_count_allocations(0)
    return dsc_test_allocation_count()
}

final class RunAllocationTests: XCTestCase {

    func testTheCounterSeesAllocations() {
        XCTAssertEqual(dsc_test_allocation_counting_works(), 1, "malloc is not interposed: the allocation tests would prove nothing")
        let n = countAllocations {
            let a = [Int](repeating: 7, count: Int.random(in: 100...200))
            XCTAssertGreaterThan(a.count, 0)
        }
        XCTAssertGreaterThan(n, 0)
    }

    /// Allocations of other threads count too (a session's worker threads): a thread that allocates 50
    /// times while the counting thread only waits adds at least 50.
    func testTheCounterSeesOtherThreads() {
        let go = DispatchSemaphore(value: 0), done = DispatchSemaphore(value: 0)
        let thread = Thread {
            go.wait()
            for k in 0..<50 {
                let p = malloc(64 + k)
                free(p)
            }
            done.signal()
        }
        thread.start()
        let n = countAllocations {
            go.signal()
            done.wait()
        }
        XCTAssertGreaterThanOrEqual(n, 50, "another thread's allocations are not counted")
    }

    func testRunDoesNotAllocateOnAnyPath() throws {
        XCTAssertEqual(dsc_test_allocation_counting_works(), 1, "malloc is not interposed")
        var models: [(String, Model)] = []
        if let shared = KernelTestCase.sharedDirectory {
            for name in KernelTestCase.sharedModels {
                models.append((name, try Model.load(path: shared.appendingPathComponent("models/\(name).tflite").path)))
            }
        }
        // A project-made model always runs: conv, depthwise, FC, pool, add, reshape.
        models.append(("builtin", try RunAllocationTests.smallModel()))
        for (name, model) in models {
            for path in KernelPath.supported where path != .reference {
                for threads in [1, 2] {
                    let s = try Session(model: model, options: SessionOptions(kernels: path, threads: threads))
                    s.run()
                    let n = countAllocations { for _ in 0..<20 { s.run() } }
                    XCTAssertEqual(n, 0, "\(name) on \(path.rawValue), \(threads) thread(s): \(n) heap allocations in 20 runs")
                }
            }
        }
    }

    /// input [1,8,8,4] → conv 3×3 (8) → depthwise 3×3 → add(itself) → avg pool → reshape → FC (3).
    static func smallModel() throws -> Model {
        var g = SeededGenerator(seed: 5)
        let rq = { (c: Int) in Requantizer.fixedPoint(FixedPointRequantizer(multipliers: [1 << 30], shifts: [-6],
                                                                          outputZeroPoint: -3, activationMin: -128, activationMax: 127)) }
        let same = Window2D(kernelHeight: 3, kernelWidth: 3, strideHeight: 1, strideWidth: 1, padding: .same,
                            padTop: 1, padLeft: 1, padBottom: 1, padRight: 1)
        let tensors = [
            Tensor(name: "x", type: .int8, shape: [1, 8, 8, 4]),
            Tensor(name: "w1", type: .int8, shape: [8, 3, 3, 4], data: ConstantData(bytes: g.bytes(8 * 9 * 4))),
            Tensor(name: "a", type: .int8, shape: [1, 8, 8, 8]),
            Tensor(name: "w2", type: .int8, shape: [1, 3, 3, 8], data: ConstantData(bytes: g.bytes(9 * 8))),
            Tensor(name: "b", type: .int8, shape: [1, 8, 8, 8]),
            Tensor(name: "c", type: .int8, shape: [1, 8, 8, 8]),
            Tensor(name: "d", type: .int8, shape: [1, 1, 1, 8]),
            Tensor(name: "e", type: .int8, shape: [1, 8]),
            Tensor(name: "w3", type: .int8, shape: [3, 8], data: ConstantData(bytes: g.bytes(24))),
            Tensor(name: "y", type: .int8, shape: [1, 3]),
        ]
        let add = AddParameters(input1Offset: 3, input2Offset: 3, leftShift: 20, input1Multiplier: 1 << 30, input1Shift: -1,
                                input2Multiplier: 1 << 30, input2Shift: -1, outputMultiplier: 1 << 30, outputShift: -18,
                                outputOffset: -3, activationMin: -128, activationMax: 127)
        let ops = [
            Operator(kind: .conv2D(ConvolutionParameters(window: same, inputOffset: 1, paddingValue: -1, bias: (0..<8).map { Int32($0) }, requantizer: rq(8))),
                      inputs: [0, 1], outputs: [2]),
            Operator(kind: .depthwiseConv2D(ConvolutionParameters(window: same, inputOffset: 3, paddingValue: -3, bias: [], requantizer: rq(8))),
                      inputs: [2, 3], outputs: [4]),
            Operator(kind: .add(add), inputs: [4, 2], outputs: [5]),
            Operator(kind: .averagePool2D(PoolParameters(window: Window2D(kernelHeight: 8, kernelWidth: 8, strideHeight: 8, strideWidth: 8, padding: .valid),
                                                          activationMin: -128, activationMax: 127)), inputs: [5], outputs: [6]),
            Operator(kind: .reshape, inputs: [6], outputs: [7]),
            Operator(kind: .fullyConnected(FullyConnectedParameters(inputOffset: 3, bias: [1, 2, 3], requantizer: rq(3))),
                      inputs: [7, 8], outputs: [9]),
        ]
        return try Model(tensors: tensors, operations: ops, inputs: [0], outputs: [9], format: "builtin")
    }
}
