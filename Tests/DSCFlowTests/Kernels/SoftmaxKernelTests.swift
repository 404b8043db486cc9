import XCTest
import CDSCFlowSIMD
@testable import DSCFlow

/// The Softmax microkernel (`softmax/softmax-scalar.c`, tables from the reference's own functions).
final class SoftmaxKernelTests: KernelTestCase {
    /// The tabulated Softmax equals the reference on random rows: parameters as the importer derives
    /// them from (beta, input scale), and raw random ones (any multiplier, left shift, diff_min);
    /// inputs random, constant rows, and rows with one large value (a sum that is a single exp).
    func testSoftmaxMatchesReference() throws {
        var g = SeededGenerator(seed: 0x50F7)
        for index in 0..<400 {
            let p: SoftmaxParameters
            if index % 2 == 0 {
                let beta = Float.random(in: 0.05...4, using: &g)
                let scale = Float.random(in: 0.001...0.5, using: &g)
                p = SoftmaxParameters(beta: beta, inputScale: scale)
            } else {
                p = SoftmaxParameters(beta: 1, inputMultiplier: Int32.random(in: 0...Int32.max, using: &g),
                                      inputLeftShift: Int32.random(in: 0...31, using: &g),
                                      diffMin: Int.random(in: 0..<3, using: &g) == 0 ? Int32.random(in: Int32.min...0, using: &g)
                                                                                         : Int32.random(in: -300...0, using: &g))
            }
            let depth = [1, 2, 10, 16, 17, 100, 1001].randomElement(using: &g)!
            let rows = Int.random(in: 1...4, using: &g)
            var input = g.bytes(rows * depth)
            switch index % 4 {
            case 1: input = [UInt8](repeating: input[0], count: input.count)
            case 2: for i in input.indices { input[i] = i % depth == 0 ? 0x7F : 0x80 }
            default: break
            }
            let model = try oneOp(.softmax(p), input: Tensor(name: "x", type: .int8, shape: [rows, depth]), constants: [],
                                  output: Tensor(name: "y", type: .int8, shape: [rows, depth]))
            try assertSame(model, [input], rounding: .double, kernel: DSCSIMD_KERNEL_SOFTMAX, "softmax case \(index) \(rows)x\(depth) \(p)")
        }
    }

}
