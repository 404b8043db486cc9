@testable import DSCFlow
@testable import DSCFlowAccelerator
@testable import DSCFlowVision
import XCTest

/// Edge cases of the reference kernels on small hand-built graphs, checked against values worked
/// out from ../shared/oracle/ARITHMETIC.md and ../shared/skrskr/FACTS.md.
final class ReferenceKernelEdgeCaseTests: XCTestCase {
    func constant(_ name: String, _ shape: [Int], int8 values: [Int8]) -> Tensor {
        Tensor(name: name, type: .int8, shape: shape, data: ConstantData(bytes: values.map { UInt8(bitPattern: $0) }))
    }

    func run(_ model: Model, _ input: [UInt8]) throws -> [UInt8] {
        try runAll(model, input: input).output
    }

    /// Identity requantizer: multiplier 0.5·2 = 1.0 (2^30, shift 1), zero point 0, full int8 range.
    var identity: Requantizer {
        .fixedPoint(FixedPointRequantizer(multipliers: [1 << 30], shifts: [1], outputZeroPoint: 0, activationMin: -128, activationMax: 127))
    }

    func testDepthwiseMultiplierEightOnOneChannelWithSamePaddingStrideTwo() throws {
        // Input 1×3×3×1 = 1…9, zero point 0; 8 output channels, filter k at every tap = k − 4.
        let x = Tensor(name: "x", type: .int8, shape: [1, 3, 3, 1], quantization: Quantization(scale: 1, zeroPoint: 0))
        var w: [Int8] = []
        for _ in 0..<9 { for k in 0..<8 { w.append(Int8(k - 4)) } }
        let f = constant("w", [1, 3, 3, 8], int8: w)
        let y = Tensor(name: "y", type: .int8, shape: [1, 2, 2, 8])
        // SAME, stride 2 on 3: out 2, total pad = (2−1)·2 + 3 − 3 = 2 → top/left 1, bottom/right 1.
        let win = Window2D(kernelHeight: 3, kernelWidth: 3, strideHeight: 2, strideWidth: 2, padding: .same,
                           padTop: 1, padLeft: 1, padBottom: 1, padRight: 1)
        let p = ConvolutionParameters(window: win, depthMultiplier: 8, inputOffset: 0, paddingValue: 0, bias: [], requantizer: identity)
        let m = try Model(tensors: [x, f, y], operations: [Operator(kind: .depthwiseConv2D(p), inputs: [0, 1], outputs: [2])],
                          inputs: [0], outputs: [2], format: "test")
        let out = try run(m, (1...9).map { UInt8($0) }).map { Int(Int8(bitPattern: $0)) }
        // Window sums of the input around (0,0), (0,2), (2,0), (2,2) with 1-pixel zero padding:
        let sums = [1 + 2 + 4 + 5, 2 + 3 + 5 + 6, 4 + 5 + 7 + 8, 5 + 6 + 8 + 9]
        for (pix, s) in sums.enumerated() {
            for k in 0..<8 {
                XCTAssertEqual(out[pix * 8 + k], max(-128, min(127, s * (k - 4))), "pixel \(pix) channel \(k)")
            }
        }
    }

    func testNonSquareDilatedConvWithValidPaddingAndZeroPoint() throws {
        // Input 1×5×3×1 with zero point 3; kernel 2×1 with dilation 2 vertically, stride (2, 1), VALID.
        let x = Tensor(name: "x", type: .int8, shape: [1, 5, 3, 1], quantization: Quantization(scale: 1, zeroPoint: 3))
        let f = constant("w", [1, 2, 1, 1], int8: [2, -1])
        // eff height = 3; out h = (5 + 2 − 3)/2 = 2; out w = 3.
        let y = Tensor(name: "y", type: .int8, shape: [1, 2, 3, 1])
        let win = Window2D(kernelHeight: 2, kernelWidth: 1, strideHeight: 2, strideWidth: 1, dilationHeight: 2, padding: .valid)
        let p = ConvolutionParameters(window: win, inputOffset: -3, paddingValue: 3, bias: [10], requantizer: identity)
        let m = try Model(tensors: [x, f, y], operations: [Operator(kind: .conv2D(p), inputs: [0, 1], outputs: [2])],
                          inputs: [0], outputs: [2], format: "test")
        let input: [Int] = (0..<15).map { $0 - 7 }
        let out = try run(m, input.map { UInt8(bitPattern: Int8($0)) }).map { Int(Int8(bitPattern: $0)) }
        for oy in 0..<2 {
            for ox in 0..<3 {
                let a = input[(oy * 2) * 3 + ox] - 3, b = input[(oy * 2 + 2) * 3 + ox] - 3
                XCTAssertEqual(out[oy * 3 + ox], 2 * a - b + 10)
            }
        }
    }

    func testSaturatingAccumulatorSaturatesAfterEveryBlockInOrder() throws {
        // SkrSkr pointwise: 48 input channels in blocks of 16, 19-bit accumulator, mul-shift requantizer.
        // Channels 0–31 weight 31, 32–47 weight −32, inputs 255:
        // block sums 126480, 126480, −130560 → acc 126480, 252960, then 252960 − 130560 = 122400.
        // With 64 channels (extra block of +31) the second positive block would overflow… use 3 positive blocks:
        // 126480 → 252960 → sat(379440) = 262143 → 262143 − 130560 = 131583 (not 379440 − 130560 = 248880).
        let c = 64
        let x = Tensor(name: "x", type: .uint8, shape: [1, 1, 1, c])
        let w = (0..<c).map { $0 < 48 ? Int8(31) : Int8(-32) }
        let f = constant("w", [1, 1, 1, c], int8: w)
        let y = Tensor(name: "y", type: .int32, shape: [1, 1, 1, 1])
        let win = Window2D(kernelHeight: 1, kernelWidth: 1, strideHeight: 1, strideWidth: 1, padding: .valid)
        let p = ConvolutionParameters(window: win, inputOffset: 0, paddingValue: 0, bias: [],
                                      accumulator: .saturating(bits: 19, channelBlock: 16), requantizer: .none)
        let m = try Model(tensors: [x, f, y], operations: [Operator(kind: .conv2D(p), inputs: [0, 1], outputs: [2])],
                          inputs: [0], outputs: [2], format: "test")
        let out = try run(m, [UInt8](repeating: 255, count: c))
        let v = out.withUnsafeBytes { $0.load(as: Int32.self) }
        XCTAssertEqual(v, 131583)
    }

    func testMulShiftRequantizerReluThenFloorShiftThenClamp() throws {
        // acc = Σ w·x over 2 channels, + bias (int16, unsaturated), ReLU, ·M >> 17, clamp [0, 255].
        let x = Tensor(name: "x", type: .uint8, shape: [1, 1, 1, 2])
        let f = constant("w", [4, 1, 1, 2], int8: [1, 0, -1, 0, 1, 0, 1, 0])
        let y = Tensor(name: "y", type: .uint8, shape: [1, 1, 1, 4])
        let win = Window2D(kernelHeight: 1, kernelWidth: 1, strideHeight: 1, strideWidth: 1, padding: .valid)
        let rq = MulShiftRequantizer(multipliers: [1 << 17, 1 << 17, 3 << 16, -5], shift: 17)
        let p = ConvolutionParameters(window: win, inputOffset: 0, paddingValue: 0, bias: [32767, 0, -1, 1000],
                                      accumulator: .saturating(bits: 19, channelBlock: 16), requantizer: .mulShift(rq))
        let m = try Model(tensors: [x, f, y], operations: [Operator(kind: .conv2D(p), inputs: [0, 1], outputs: [2])],
                          inputs: [0], outputs: [2], format: "test")
        let out = try run(m, [200, 7])
        // ch0: 200 + 32767 → ·1 → clamp 255; ch1: −200 → ReLU 0; ch2: 199 · 1.5 = 298.5 → clamp 255;
        // ch3: negative M → 0.
        XCTAssertEqual(out, [255, 0, 255, 0])
        let out2 = try run(m, [101, 0])
        // ch2: (101 − 1) · 1.5 = 150; ch0: 101 + 32767 → 255.
        XCTAssertEqual(out2, [255, 0, 150, 0])
    }

    func testAveragePoolRoundsHalfAwayFromZeroAndClipsTheWindow() throws {
        let x = Tensor(name: "x", type: .int8, shape: [1, 1, 3, 1])
        let y = Tensor(name: "y", type: .int8, shape: [1, 1, 2, 1])
        // 2-wide window, stride 2, SAME: the second window holds one valid tap.
        let win = Window2D(kernelHeight: 1, kernelWidth: 2, strideHeight: 1, strideWidth: 2, padding: .same,
                           padTop: 0, padLeft: 0, padBottom: 0, padRight: 1)
        let p = PoolParameters(window: win, activationMin: -128, activationMax: 127)
        let m = try Model(tensors: [x, y], operations: [Operator(kind: .averagePool2D(p), inputs: [0], outputs: [1])],
                          inputs: [0], outputs: [1], format: "test")
        // (−1 + −2)/2 = −1.5 → −2; third value alone.
        XCTAssertEqual(try run(m, [UInt8(bitPattern: -1), UInt8(bitPattern: -2), 9]).map { Int8(bitPattern: $0) }, [-2, 9])
        XCTAssertEqual(try run(m, [1, 2, UInt8(bitPattern: -128)]).map { Int8(bitPattern: $0) }, [2, -128])
    }

    func testInt32AccumulatorWrapsLikeTFLite() throws {
        // 3 taps of 127·(−128−127)… too small to overflow; use bias near INT32_MAX instead:
        // acc = 127·127 = 16129, + bias (INT32_MAX − 100) wraps negative.
        let x = Tensor(name: "x", type: .int8, shape: [1, 1, 1, 1], quantization: Quantization(scale: 1, zeroPoint: 0))
        let f = constant("w", [1, 1, 1, 1], int8: [127])
        let y = Tensor(name: "y", type: .int32, shape: [1, 1, 1, 1])
        let win = Window2D(kernelHeight: 1, kernelWidth: 1, strideHeight: 1, strideWidth: 1, padding: .valid)
        let p = ConvolutionParameters(window: win, inputOffset: 0, paddingValue: 0, bias: [Int32.max - 100], requantizer: .none)
        let m = try Model(tensors: [x, f, y], operations: [Operator(kind: .conv2D(p), inputs: [0, 1], outputs: [2])],
                          inputs: [0], outputs: [2], format: "test")
        let out = try run(m, [127])
        XCTAssertEqual(out.withUnsafeBytes { $0.load(as: Int32.self) }, (Int32.max - 100) &+ 16129)
    }

    func testValidatorRejectsInconsistentGraphsWithContext() {
        let x = Tensor(name: "x", type: .int8, shape: [1, 4, 4, 2])
        let f = constant("w", [3, 3, 3, 2], int8: [Int8](repeating: 1, count: 54))
        let y = Tensor(name: "y", type: .int8, shape: [1, 4, 4, 4])   // wrong: filter has 3 outputs
        let win = Window2D(kernelHeight: 3, kernelWidth: 3, strideHeight: 1, strideWidth: 1, padding: .same,
                           padTop: 1, padLeft: 1, padBottom: 1, padRight: 1)
        let p = ConvolutionParameters(window: win, inputOffset: 0, paddingValue: 0, bias: [], requantizer: identity)
        XCTAssertThrowsError(try Model(tensors: [x, f, y], operations: [Operator(kind: .conv2D(p), inputs: [0, 1], outputs: [2])],
                                       inputs: [0], outputs: [2], format: "test")) { e in
            XCTAssertTrue("\(e)".contains("'y'") && "\(e)".contains("operator 0"), "\(e)")
        }
        // An operator reading a tensor nobody wrote.
        let z = Tensor(name: "z", type: .int8, shape: [1, 4, 4, 3])
        XCTAssertThrowsError(try Model(tensors: [x, f, z, y], operations: [Operator(kind: .conv2D(p), inputs: [3, 1], outputs: [2])],
                                       inputs: [0], outputs: [2], format: "test"))
        // Indices out of range.
        XCTAssertThrowsError(try Model(tensors: [x], operations: [Operator(kind: .reshape, inputs: [0], outputs: [7])],
                                       inputs: [0], outputs: [0], format: "test"))
    }

    func testArenaPlanReusesMemoryAndPreservingPlanDoesNot() throws {
        // A chain of four 1 KiB reshapes: with reuse, two buffers suffice.
        var tensors = [Tensor(name: "t0", type: .int8, shape: [1024])]
        var ops: [Operator] = []
        for i in 1...4 {
            tensors.append(Tensor(name: "t\(i)", type: .int8, shape: [1024]))
            ops.append(Operator(kind: .reshape, inputs: [i - 1], outputs: [i]))
        }
        let m = try Model(tensors: tensors, operations: ops, inputs: [0], outputs: [4], format: "test")
        XCTAssertEqual(try ArenaPlanner.plan(m, preserveAll: false).size, 2048)
        XCTAssertEqual(try ArenaPlanner.plan(m, preserveAll: true).size, 5 * 1024)
        // Caller-provided arena: too small is an error, exactly enough works.
        let need = try Session.requiredArenaSize(for: m)
        let mem = UnsafeMutableRawBufferPointer.allocate(byteCount: need, alignment: 1)
        defer { mem.deallocate() }
        XCTAssertThrowsError(try Session(model: m, arena: UnsafeMutableRawBufferPointer(rebasing: mem[0..<(need - 65)])))
        let s = try Session(model: m, arena: mem)
        for i in 0..<1024 { s.inputBytes()[i] = UInt8(i & 0xFF) }
        s.run()
        XCTAssertEqual(Array(s.outputBytes()), (0..<1024).map { UInt8($0 & 0xFF) })
    }
}
