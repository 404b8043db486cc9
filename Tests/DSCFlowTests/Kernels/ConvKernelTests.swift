import XCTest
import CDSCFlowSIMD
@testable import DSCFlow

/// The conv microkernels (`conv/conv-igemm-*.c`, `conv/conv-rowruns-*.c`), each forced and compared
/// byte for byte with the reference kernel on random shapes, strides, dilations, paddings, zero points
/// and requantizers, on every path whose build has it; FullyConnected runs on the indirect GEMM.
final class ConvKernelTests: KernelTestCase {
    func testConvIGEMMMatchesReferenceOnRandomShapes() throws {
        tuning.convKernel = DSCSIMD_KERNEL_CONV_IGEMM
        defer { tuning = KernelTuning() }
        try randomConvCases(seed: 0xC0DE, count: 800, kernel: DSCSIMD_KERNEL_CONV_IGEMM)
    }

    func testConvRowRunsMatchesReferenceOnRandomShapes() throws {
        tuning.convKernel = DSCSIMD_KERNEL_CONV_ROWRUNS
        defer { tuning = KernelTuning() }
        try randomConvCases(seed: 0xC0DF, count: 800, kernel: DSCSIMD_KERNEL_CONV_ROWRUNS)
    }

    /// The kernel the preparation chooses, as sessions run it.
    func testConvOnChosenKernelsMatchesReference() throws {
        try randomConvCases(seed: 0xC0E0, count: 400)
    }

    /// Conv split over 2 and 3 threads gives the single-thread (reference) bytes.
    func testThreadedConvMatchesReference() throws {
        for t in [2, 3] {
            threads = t
            try randomConvCases(seed: 0x7A7A &+ UInt64(t), count: 200)
        }
        threads = 1
    }

    /// The conv tap tables built per run (as for models whose tables exceed the session-time limit).
    func testConvWithPerRunIndirectionMatchesReference() throws {
        tuning.maxIndirectionBytes = 0
        defer { tuning = KernelTuning() }
        for kernel in [DSCSIMD_KERNEL_CONV_IGEMM, DSCSIMD_KERNEL_CONV_ROWRUNS] {
            tuning.convKernel = kernel
            try randomConvCases(seed: 0x1D1D &+ UInt64(kernel), count: 200, kernel: kernel)
        }
    }

    /// Long reductions (3x3 over up to 200 channels, k4 up to 1,800): on the AVX2 path, blocks whose
    /// weights exceed the tile's 32 KB int16 buffer are widened on the fly instead.
    func testConvWithLongReductionsMatchesReference() throws {
        defer { tuning = KernelTuning() }
        for kernel in [DSCSIMD_KERNEL_CONV_IGEMM, DSCSIMD_KERNEL_CONV_ROWRUNS] {
            tuning.convKernel = kernel
            try randomConvCases(seed: 0x10C4 &+ UInt64(kernel), count: 30, channels: [64, 96, 130, 200], kernel: kernel)
        }
    }

    func randomConvCases(seed: UInt64, count: Int, channels: [Int] = [1, 2, 3, 4, 5, 8, 12, 16, 32, 7], kernel: Int? = nil) throws {
        var g = SeededGenerator(seed: seed)
        var cases = 0
        while cases < count {
            let seed = g.state
            let inType: ElementType = Int.random(in: 0..<4, using: &g) == 0 ? .uint8 : .int8
            let outType: ElementType = Int.random(in: 0..<4, using: &g) == 0 ? .uint8 : .int8
            let n = Int.random(in: 1...2, using: &g), h = Int.random(in: 1...11, using: &g), w = Int.random(in: 1...11, using: &g)
            let inC = channels.randomElement(using: &g)!
            let outC = Int.random(in: 1...70, using: &g)
            guard let win = randomWindow(&g, h: h, w: w, maxKernel: cases % 3 == 0 ? 3 : 4),
                  kernel != DSCSIMD_KERNEL_CONV_ROWRUNS || win.dilationWidth == 1 else { continue }
            let (oh, ow) = win.outputSize(inputHeight: h, inputWidth: w)
            let filter = Tensor(name: "f", type: .int8, shape: [outC, win.kernelHeight, win.kernelWidth, inC],
                                data: ConstantData(bytes: g.bytes(outC * win.kernelHeight * win.kernelWidth * inC)))
            let bias: [Int32] = Bool.random(using: &g) ? [] : (0..<outC).map { _ in g.bias() }
            let offset = Int32.random(in: -255...255, using: &g)
            let pad = Int32.random(in: inType.range, using: &g)
            let p = ConvolutionParameters(window: win, inputOffset: offset, paddingValue: pad, bias: bias,
                                          requantizer: .fixedPoint(g.requantizer(channels: outC, output: outType)))
            let model = try oneOp(.conv2D(p), input: Tensor(name: "x", type: inType, shape: [n, h, w, inC]),
                                  constants: [filter], output: Tensor(name: "y", type: outType, shape: [n, oh, ow, outC]))
            let rounding: RoundingMode = Int.random(in: 0..<4, using: &g) == 0 ? .single : .double
            try assertSame(model, [g.bytes(n * h * w * inC)], rounding: rounding, kernel: kernel, "conv seed \(seed) \(inType)→\(outType) [\(n),\(h),\(w),\(inC)]→\(outC) \(win) \(rounding)")
            cases += 1
        }
    }

    /// Conv with at most 16 output channels on rows of 16+ pixels whose runs are 16, 6 or 3 bytes apart
    /// (16 channels at stride 1, 8 at stride 2, 3 at stride 2 or 1): the 16-row tiles with one pointer per
    /// kernel row (two pixels per vector up to 8 channels), mixed with ordinary tiles where a tile
    /// crosses an output row.
    func testConvEvenlySpacedTilesMatchReference() throws {
        tuning.convKernel = DSCSIMD_KERNEL_CONV_ROWRUNS
        defer { tuning = KernelTuning() }
        var g = SeededGenerator(seed: 0xE0E0)
        var cases = 0
        while cases < 300 {
            let (inC, sw) = [(16, 1), (8, 2), (3, 1), (3, 2)].randomElement(using: &g)!
            let outC = Int.random(in: 1...16, using: &g)
            let kh = Int.random(in: 1...3, using: &g), kw = Int.random(in: 2...4, using: &g)
            let h = Int.random(in: 1...5, using: &g), w = Int.random(in: 16...50, using: &g)
            let mode: PaddingMode = Bool.random(using: &g) ? .same : .valid
            guard let y = Window2D.resolve(input: h, kernel: kh, stride: 1, dilation: 1, mode: mode),
                  let x = Window2D.resolve(input: w, kernel: kw, stride: sw, dilation: 1, mode: mode) else { continue }
            let win = Window2D(kernelHeight: kh, kernelWidth: kw, strideHeight: 1, strideWidth: sw, dilationHeight: 1,
                               dilationWidth: 1, padding: mode, padTop: y.before, padLeft: x.before, padBottom: y.after,
                               padRight: x.after)
            let (oh, ow) = win.outputSize(inputHeight: h, inputWidth: w)
            guard oh >= 1, ow >= 1 else { continue }
            let filter = Tensor(name: "f", type: .int8, shape: [outC, kh, kw, inC], data: ConstantData(bytes: g.bytes(outC * kh * kw * inC)))
            let bias: [Int32] = (0..<outC).map { _ in Int32.random(in: -20000...20000, using: &g) }
            let q = FixedPointRequantizer(multipliers: (0..<outC).map { _ in Int32.random(in: (1 << 30)...Int32.max, using: &g) },
                                          shifts: (0..<outC).map { _ in Int32.random(in: -12 ... -4, using: &g) },
                                          outputZeroPoint: Int32.random(in: -128...127, using: &g),
                                          activationMin: Bool.random(using: &g) ? -128 : Int32.random(in: -128...0, using: &g),
                                          activationMax: 127)
            let p = ConvolutionParameters(window: win, inputOffset: Int32.random(in: -127...128, using: &g),
                                          paddingValue: Int32.random(in: -128...127, using: &g), bias: bias, requantizer: .fixedPoint(q))
            let n = Int.random(in: 1...2, using: &g)
            let model = try oneOp(.conv2D(p), input: Tensor(name: "x", type: .int8, shape: [n, h, w, inC]),
                                  constants: [filter], output: Tensor(name: "y", type: .int8, shape: [n, oh, ow, outC]))
            let rounding: RoundingMode = Int.random(in: 0..<4, using: &g) == 0 ? .single : .double
            try assertSame(model, [g.bytes(n * h * w * inC)], rounding: rounding, kernel: DSCSIMD_KERNEL_CONV_ROWRUNS, "even conv [\(n),\(h),\(w),\(inC)]→\(outC) \(win) \(rounding)")
            cases += 1
        }
    }

    func testFullyConnectedMatchesReferenceOnRandomShapes() throws {
        var g = SeededGenerator(seed: 0xFC)
        for _ in 0..<800 {
            let seed = g.state
            let inType: ElementType = Int.random(in: 0..<4, using: &g) == 0 ? .uint8 : .int8
            let outType: ElementType = Int.random(in: 0..<4, using: &g) == 0 ? .uint8 : .int8
            let batches = Int.random(in: 1...5, using: &g), depth = Int.random(in: 1...300, using: &g)
            let units = Int.random(in: 1...50, using: &g)
            let weights = Tensor(name: "w", type: .int8, shape: [units, depth], data: ConstantData(bytes: g.bytes(units * depth)))
            let bias: [Int32] = Bool.random(using: &g) ? [] : (0..<units).map { _ in g.bias() }
            let p = FullyConnectedParameters(inputOffset: Int32.random(in: -255...255, using: &g), bias: bias,
                                             requantizer: .fixedPoint(g.requantizer(channels: units, output: outType)))
            let model = try oneOp(.fullyConnected(p), input: Tensor(name: "x", type: inType, shape: [batches, depth]),
                                  constants: [weights], output: Tensor(name: "y", type: outType, shape: [batches, units]))
            let rounding: RoundingMode = Bool.random(using: &g) ? .single : .double
            try assertSame(model, [g.bytes(batches * depth)], rounding: rounding, kernel: DSCSIMD_KERNEL_CONV_IGEMM, "fc seed \(seed) \(batches)x\(depth)→\(units)")
        }
    }

    /// Zero weights make the accumulator exactly the bias, so every (accumulator, multiplier, shift)
    /// corner — INT32_MIN/MAX accumulators, multipliers INT32_MIN/MAX, shifts −31…31, the SRDHM
    /// saturation case — reaches the requantizer of every kernel (1×1 conv, 3×3 conv, depthwise, FC).
    func testRequantizationCornersMatchReference() throws {
        let accs: [Int32] = [Int32.min, Int32.min + 1, -1 << 30, -65536, -257, -129, -1, 0, 1, 127, 128, 255, 65535,
                             1 << 30, Int32.max - 1, Int32.max]
        let multipliers: [Int32] = [Int32.min, Int32.min + 1, -1, 0, 1, 1 << 30, (1 << 30) + 1, Int32.max - 1, Int32.max]
        let shifts: [Int32] = [-31, -30, -17, -8, -1, 0, 1, 2, 8, 17, 30, 31]
        var triples: [(Int32, Int32, Int32)] = []
        for a in accs { for m in multipliers { for s in shifts { triples.append((a, m, s)) } } }
        var g = SeededGenerator(seed: 0xE7)
        let channels = 48
        var start = 0
        while start < triples.count {
            let chunk = (0..<channels).map { triples[(start + $0) % triples.count] }
            start += channels
            for outType in [ElementType.int8, .uint8] {
                let r = outType.range
                let q = FixedPointRequantizer(multipliers: chunk.map { $0.1 }, shifts: chunk.map { $0.2 },
                                              outputZeroPoint: Int32.random(in: -3...3, using: &g),
                                              activationMin: r.lowerBound, activationMax: r.upperBound)
                let bias = chunk.map { $0.0 }
                for kernel in [1, 3] {
                    let win = Window2D(kernelHeight: kernel, kernelWidth: kernel, strideHeight: 1, strideWidth: 1, padding: .same,
                                       padTop: kernel / 2, padLeft: kernel / 2, padBottom: kernel / 2, padRight: kernel / 2)
                    let p = ConvolutionParameters(window: win, inputOffset: 5, paddingValue: 0, bias: bias, requantizer: .fixedPoint(q))
                    let conv = try oneOp(.conv2D(p), input: Tensor(name: "x", type: .int8, shape: [1, 3, 3, 4]),
                                         constants: [Tensor(name: "f", type: .int8, shape: [channels, kernel, kernel, 4],
                                                            data: ConstantData(bytes: [UInt8](repeating: 0, count: channels * kernel * kernel * 4)))],
                                         output: Tensor(name: "y", type: outType, shape: [1, 3, 3, channels]))
                    let dw = try oneOp(.depthwiseConv2D(p), input: Tensor(name: "x", type: .int8, shape: [1, 3, 3, channels]),
                                       constants: [Tensor(name: "f", type: .int8, shape: [1, kernel, kernel, channels],
                                                          data: ConstantData(bytes: [UInt8](repeating: 0, count: channels * kernel * kernel)))],
                                       output: Tensor(name: "y", type: outType, shape: [1, 3, 3, channels]))
                    for rounding in [RoundingMode.double, .single] {
                        try assertSame(conv, [g.bytes(36)], rounding: rounding, "conv \(kernel)x\(kernel) corners from \(start - channels)")
                        try assertSame(dw, [g.bytes(9 * channels)], rounding: rounding, "depthwise corners from \(start - channels)")
                    }
                }
                let fcp = FullyConnectedParameters(inputOffset: 3, bias: bias, requantizer: .fixedPoint(q))
                let fc = try oneOp(.fullyConnected(fcp), input: Tensor(name: "x", type: .int8, shape: [2, 8]),
                                   constants: [Tensor(name: "w", type: .int8, shape: [channels, 8],
                                                      data: ConstantData(bytes: [UInt8](repeating: 0, count: channels * 8)))],
                                   output: Tensor(name: "y", type: outType, shape: [2, channels]))
                try assertSame(fc, [g.bytes(16)], rounding: .double, "fc corners from \(start - channels)")
            }
        }
    }

    /// Conv and FC whose requantization takes the kernels' narrow form (DSCSIMD_RQ_NARROW: multipliers
    /// >= 0, right shifts 1...30, accumulators bounded at pack time): biases put the largest accumulator
    /// right under the flag's limit, multipliers of 2^30 make rounding ties on half the values, and the
    /// packer must set the flag for every case (so these cases cannot fall back to the general form).
    func testNarrowRequantizationMatchesReference() throws {
        var g = SeededGenerator(seed: 0x5A77)
        var narrow = 0
        for index in 0..<300 {
            let outType: ElementType = index % 3 == 0 ? .uint8 : .int8
            let inC = [1, 3, 4, 8, 16, 32].randomElement(using: &g)!
            let outC = Int.random(in: 1...40, using: &g)
            let k = [1, 3].randomElement(using: &g)!
            let h = Int.random(in: 1...9, using: &g), w = Int.random(in: 1...9, using: &g)
            let win = Window2D(kernelHeight: k, kernelWidth: k, strideHeight: 1, strideWidth: 1, padding: .same,
                               padTop: k / 2, padLeft: k / 2, padBottom: k / 2, padRight: k / 2)
            let weights = g.bytes(outC * k * k * inC)
            let (q, bias) = narrowRequantizer(&g, channels: outC, output: outType) { c in
                (0..<(k * k * inC)).map { Int(Int8(bitPattern: weights[c * k * k * inC + $0])) }
            }
            let model: Model
            let input: [UInt8]
            if Bool.random(using: &g) || k == 3 {
                let p = ConvolutionParameters(window: win, inputOffset: 128, paddingValue: -128, bias: bias, requantizer: .fixedPoint(q))
                model = try oneOp(.conv2D(p), input: Tensor(name: "x", type: .int8, shape: [1, h, w, inC]),
                                  constants: [Tensor(name: "f", type: .int8, shape: [outC, k, k, inC], data: ConstantData(bytes: weights))],
                                  output: Tensor(name: "y", type: outType, shape: [1, h, w, outC]))
                input = g.bytes(h * w * inC)
            } else {
                let p = FullyConnectedParameters(inputOffset: 128, bias: bias, requantizer: .fixedPoint(q))
                model = try oneOp(.fullyConnected(p), input: Tensor(name: "x", type: .int8, shape: [h, inC]),
                                  constants: [Tensor(name: "w", type: .int8, shape: [outC, inC], data: ConstantData(bytes: weights))],
                                  output: Tensor(name: "y", type: outType, shape: [h, outC]))
                input = g.bytes(h * inC)
            }
            let packed = try XCTUnwrap(PreparedModel(model: model, options: SessionOptions(kernels: KernelPath.best)).packed[0])
            XCTAssertNotEqual(packed.template.conv.rq.flags & Int32(DSCSIMD_RQ_NARROW), 0, "case \(index): the narrow form was not chosen")
            if packed.template.conv.rq.flags & Int32(DSCSIMD_RQ_NARROW) != 0 { narrow += 1 }
            // Inputs at the extremes drive the accumulators toward the bound.
            let extreme = input.enumerated().map { i, v in i % 3 == 0 ? (v < 128 ? UInt8(0x80) : UInt8(0x7F)) : v }
            try assertSame(model, [index % 2 == 0 ? extreme : input], rounding: .double, "narrow case \(index) [\(h),\(w),\(inC)]→\(outC) k\(k)")
        }
        XCTAssertEqual(narrow, 300)
    }

}
