import XCTest
import CDSCFlowSIMD
@testable import DSCFlow

/// The accelerators' arithmetic on the conv and depthwise microkernels: mul-shift and raw int32
/// requantizers, saturating accumulators (with widths small enough that the blocks do saturate), uint8
/// inputs and padding values other than the zero point, compared byte for byte with the reference
/// kernel on every path.
final class AcceleratorArithmeticKernelTests: KernelTestCase {
    /// A random requantizer of the accelerators' kinds (or TFLite's) for `channels` outputs of `output`.
    func requantizer(_ g: inout SeededGenerator, channels: Int, output: ElementType) -> Requantizer {
        switch output {
        case .int32:
            return .none
        default:
            if Int.random(in: 0..<4, using: &g) == 0 { return .fixedPoint(g.requantizer(channels: channels, output: output)) }
            let r = output.range
            var lo = Int32.random(in: r, using: &g), hi = Int32.random(in: r, using: &g)
            if lo > hi { swap(&lo, &hi) }
            if Bool.random(using: &g) { lo = max(0, r.lowerBound); hi = r.upperBound }
            let n = Bool.random(using: &g) ? channels : 1
            // int16 multipliers as on the accelerators (negative and zero ones included), sometimes wider.
            let wide = Int.random(in: 0..<5, using: &g) == 0
            let multipliers = (0..<n).map { _ in
                wide ? Int32.random(in: -(1 << 24)...(1 << 24), using: &g) : Int32.random(in: -32768...32767, using: &g)
            }
            return .mulShift(MulShiftRequantizer(multipliers: multipliers, shift: Int32.random(in: 0...30, using: &g),
                                                 reluBeforeMultiply: Int.random(in: 0..<4, using: &g) != 0,
                                                 outputMin: lo, outputMax: hi))
        }
    }

    /// A saturating accumulator narrow enough to saturate often (or a wide one), or int32.
    func accumulator(_ g: inout SeededGenerator) -> Accumulator {
        switch Int.random(in: 0..<4, using: &g) {
        case 0: return .int32
        case 1: return .saturating(bits: 19, channelBlock: 16)
        default: return .saturating(bits: Int.random(in: 8...18, using: &g), channelBlock: [4, 8, 16, 32].randomElement(using: &g)!)
        }
    }

    /// Inputs that reach the saturation bounds: uint8 inputs with offset 0, or int8 with offset 128 (the
    /// kernels' saturating form), any offset with an int32 accumulator.
    func inputOffset(_ g: inout SeededGenerator, _ type: ElementType, _ acc: Accumulator) -> Int32 {
        if case .saturating = acc { return type == .uint8 ? 0 : 128 }
        return Int32.random(in: -255...255, using: &g)
    }

    /// The same model with an int32 accumulator: where its output differs, a block saturated.
    func unsaturated(_ model: Model) throws -> Model {
        var ops = model.operations
        switch ops[0].kind {
        case .conv2D(var p): p.accumulator = .int32; ops[0].kind = .conv2D(p)
        case .depthwiseConv2D(var p): p.accumulator = .int32; ops[0].kind = .depthwiseConv2D(p)
        default: break
        }
        return try Model(tensors: model.tensors, operations: ops, inputs: model.inputs, outputs: model.outputs, format: "test")
    }

    func reference(_ model: Model, _ input: [UInt8]) throws -> [UInt8] {
        let s = try Session(model: model, options: SessionOptions(kernels: .reference))
        input.withUnsafeBytes { s.inputBytes(0).copyMemory(from: $0) }
        s.run()
        return [UInt8](s.outputBytes(0))
    }

    func testConvWithAcceleratorArithmeticMatchesReference() throws {
        var g = SeededGenerator(seed: 0xACC0)
        var saturated = 0, cases = 0
        while cases < 600 {
            let seed = g.state
            let inType: ElementType = Bool.random(using: &g) ? .uint8 : .int8
            let outType: ElementType = [.uint8, .int8, .int32].randomElement(using: &g)!
            let n = Int.random(in: 1...2, using: &g), h = Int.random(in: 1...9, using: &g), w = Int.random(in: 1...9, using: &g)
            let inC = [1, 3, 4, 8, 16, 17, 32, 48, 70].randomElement(using: &g)!
            let outC = Int.random(in: 1...40, using: &g)
            guard let win = randomWindow(&g, h: h, w: w, maxKernel: cases % 2 == 0 ? 1 : 3) else { continue }
            let (oh, ow) = win.outputSize(inputHeight: h, inputWidth: w)
            // Full int8 weights, or the accelerators' 6-bit ones.
            let six = Bool.random(using: &g)
            let weights = g.bytes(outC * win.kernelHeight * win.kernelWidth * inC).map { six ? UInt8(bitPattern: Int8(truncatingIfNeeded: $0) >> 2) : $0 }
            let acc = accumulator(&g)
            let p = ConvolutionParameters(window: win, inputOffset: inputOffset(&g, inType, acc),
                                          paddingValue: Int32.random(in: inType.range, using: &g),
                                          bias: Bool.random(using: &g) ? [] : (0..<outC).map { _ in Int32.random(in: -40000...40000, using: &g) },
                                          accumulator: acc, requantizer: requantizer(&g, channels: outC, output: outType))
            let model = try oneOp(.conv2D(p), input: Tensor(name: "x", type: inType, shape: [n, h, w, inC]),
                                  constants: [Tensor(name: "f", type: .int8, shape: [outC, win.kernelHeight, win.kernelWidth, inC], data: ConstantData(bytes: weights))],
                                  output: Tensor(name: "y", type: outType, shape: [n, oh, ow, outC]))
            let input = g.bytes(n * h * w * inC)
            if case .saturating = acc, try reference(model, input) != reference(unsaturated(model), input) { saturated += 1 }
            try assertSame(model, [input], rounding: .double, "accelerator conv seed \(seed) \(acc) \(p.requantizer.name) [\(n),\(h),\(w),\(inC)]→\(outC) \(win)")
            for path in fastPaths {
                let k = try PreparedModel(model: model, options: SessionOptions(kernels: path)).kernels[0]
                XCTAssertTrue(k.isFast, "seed \(seed) on \(path.rawValue): \(k)")
            }
            cases += 1
        }
        XCTAssertGreaterThan(saturated, 100, "only \(saturated) cases saturated a block")
    }

    func testDepthwiseWithAcceleratorArithmeticMatchesReference() throws {
        var g = SeededGenerator(seed: 0xACC1)
        var saturated = 0, cases = 0
        while cases < 600 {
            let seed = g.state
            let inType: ElementType = Bool.random(using: &g) ? .uint8 : .int8
            let outType: ElementType = Bool.random(using: &g) ? .uint8 : .int8
            let inC = [1, 3, 8, 16, 24, 32, 48, 96].randomElement(using: &g)!
            let m = inC == 1 ? [1, 4, 16].randomElement(using: &g)! : 1
            let h = Int.random(in: 1...10, using: &g), w = Int.random(in: 1...24, using: &g)
            guard let win = randomWindow(&g, h: h, w: w, maxKernel: 3) else { continue }
            let (oh, ow) = win.outputSize(inputHeight: h, inputWidth: w)
            let channels = inC * m
            let acc: Accumulator = Bool.random(using: &g) ? .saturating(bits: Int.random(in: 8...14, using: &g), channelBlock: 16)
                                                           : accumulator(&g)
            let p = ConvolutionParameters(window: win, depthMultiplier: m, inputOffset: inputOffset(&g, inType, acc),
                                          paddingValue: Int32.random(in: inType.range, using: &g),
                                          bias: (0..<channels).map { _ in Int32.random(in: -4000...4000, using: &g) },
                                          accumulator: acc, requantizer: requantizer(&g, channels: channels, output: outType))
            let model = try oneOp(.depthwiseConv2D(p), input: Tensor(name: "x", type: inType, shape: [1, h, w, inC]),
                                  constants: [Tensor(name: "f", type: .int8, shape: [1, win.kernelHeight, win.kernelWidth, channels],
                                                     data: ConstantData(bytes: g.bytes(win.kernelHeight * win.kernelWidth * channels)))],
                                  output: Tensor(name: "y", type: outType, shape: [1, oh, ow, channels]))
            let input = g.bytes(h * w * inC)
            if case .saturating = acc, try reference(model, input) != reference(unsaturated(model), input) { saturated += 1 }
            try assertSame(model, [input], rounding: .double, "accelerator depthwise seed \(seed) \(acc) \(p.requantizer.name) [\(h),\(w),\(inC)]×\(m) \(win)")
            cases += 1
        }
        XCTAssertGreaterThan(saturated, 100, "only \(saturated) cases saturated the window sum")
    }

    /// The narrow mul-shift form (DSCSIMD_RQ_MULSHIFT_NARROW: ReLU first, range [0, hi], M >= 0): the
    /// kernel clamps acc to [0, cap], cap = ceil((hi + 1) * 2^s / M), before a 32-bit multiply. A 1x1
    /// conv of one uint8 channel with weight 1 and bias cap - 128 makes acc = x + cap - 128, so the
    /// inputs 0...255 put accumulators on both sides of every channel's cap (and M = 0 channels too).
    func testMulShiftNarrowMatchesReferenceAroundEveryCap() throws {
        var g = SeededGenerator(seed: 0xCA9)
        for index in 0..<60 {
            let outC = Int.random(in: 1...40, using: &g)
            let shift = Int32.random(in: 0...24, using: &g)
            let hi = Int32([255, 127, 200, 15, 1].randomElement(using: &g)!)
            let multipliers: [Int32] = (0..<outC).map { c in
                c % 7 == 3 ? 0 : Int32.random(in: 1...Int32(min(Int64(32767), (Int64(1) << 30) / (Int64(hi) + 1))), using: &g)
            }
            let caps = multipliers.map { m -> Int64 in m == 0 ? 0 : ((Int64(hi) + 1) << Int64(shift) + Int64(m) - 1) / Int64(m) }
            guard caps.allSatisfy({ $0 * 32767 < Int64(1) << 31 && $0 < Int64(Int32.max) - 256 }) else { continue }
            let bias = caps.map { Int32($0 - 128) }
            let p = ConvolutionParameters(window: Window2D(kernelHeight: 1, kernelWidth: 1, strideHeight: 1, strideWidth: 1, padding: .valid),
                                          inputOffset: 0, paddingValue: 0,
                                          bias: bias, accumulator: .int32,
                                          requantizer: .mulShift(MulShiftRequantizer(multipliers: multipliers, shift: shift,
                                                                                     reluBeforeMultiply: true, outputMin: 0, outputMax: hi)))
            let w = 16
            let model = try oneOp(.conv2D(p), input: Tensor(name: "x", type: .uint8, shape: [1, 1, w, 1]),
                                  constants: [Tensor(name: "f", type: .int8, shape: [outC, 1, 1, 1],
                                                     data: ConstantData(bytes: [UInt8](repeating: 1, count: outC)))],
                                  output: Tensor(name: "y", type: .uint8, shape: [1, 1, w, outC]))
            for path in fastPaths {
                let packed = try XCTUnwrap(PreparedModel(model: model, options: SessionOptions(kernels: path)).packed[0])
                XCTAssertNotEqual(packed.template.conv.rq.flags & Int32(DSCSIMD_RQ_MULSHIFT_NARROW), 0,
                                  "case \(index) on \(path.rawValue): the narrow mul-shift form was not chosen")
            }
            // Every input byte, 16 per run: accumulators cap - 128 ... cap + 127 in every channel.
            for start in stride(from: 0, to: 256, by: w) {
                try assertSame(model, [(start..<start + w).map { UInt8($0) }], rounding: .double,
                               "narrow mul-shift case \(index) s \(shift) hi \(hi) inputs from \(start)")
            }
        }
    }
}
