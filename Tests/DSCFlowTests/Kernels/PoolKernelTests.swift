import XCTest
import CDSCFlowSIMD
@testable import DSCFlow

/// The pool microkernel (`pool/pool-*.c`) against the reference average and max pools.
final class PoolKernelTests: KernelTestCase {
    /// The general pool kernel (max pools on whole bytes are `DataMovementKernelTests`').
    func testPoolsMatchReferenceOnRandomShapes() throws {
        tuning.maxPoolBytes = false
        defer { tuning = KernelTuning() }
        var g = SeededGenerator(seed: 0x9001)
        var cases = 0
        while cases < 1000 {
            let seed = g.state
            let type: ElementType = Bool.random(using: &g) ? .uint8 : .int8
            let n = Int.random(in: 1...2, using: &g), h = Int.random(in: 1...12, using: &g), w = Int.random(in: 1...12, using: &g)
            let c = Int.random(in: 1...70, using: &g)
            guard var win = randomWindow(&g, h: h, w: w, maxKernel: 5) else { continue }
            win.dilationHeight = 1; win.dilationWidth = 1
            guard let y = Window2D.resolve(input: h, kernel: win.kernelHeight, stride: win.strideHeight, dilation: 1, mode: win.padding),
                  let x = Window2D.resolve(input: w, kernel: win.kernelWidth, stride: win.strideWidth, dilation: 1, mode: win.padding) else { continue }
            win.padTop = y.before; win.padBottom = y.after; win.padLeft = x.before; win.padRight = x.after
            if win.padTop >= win.kernelHeight || win.padBottom >= win.kernelHeight || win.padLeft >= win.kernelWidth || win.padRight >= win.kernelWidth { continue }
            let (oh, ow) = win.outputSize(inputHeight: h, inputWidth: w)
            var lo = Int32.random(in: type.range, using: &g), hi = Int32.random(in: type.range, using: &g)
            if lo > hi { swap(&lo, &hi) }
            let p = PoolParameters(window: win, activationMin: lo, activationMax: hi)
            let average = Bool.random(using: &g)
            let model = try oneOp(average ? .averagePool2D(p) : .maxPool2D(p), input: Tensor(name: "x", type: type, shape: [n, h, w, c]),
                                  constants: [], output: Tensor(name: "y", type: type, shape: [n, oh, ow, c]))
            try assertSame(model, [g.bytes(n * h * w * c)], rounding: .double, kernel: DSCSIMD_KERNEL_POOL, "pool seed \(seed) avg=\(average) \(win)")
            cases += 1
        }
    }

}
