import XCTest
import CDSCFlowSIMD
@testable import DSCFlow

/// The depthwise microkernels (`dwconv/`): generic (every build), natural-order phase and one input
/// channel (the VNNI builds), regrouped rows (AVX-512 VNNI), each forced and compared byte for byte
/// with the reference kernel on random shapes, multipliers, windows, strides, dilations, paddings,
/// zero points and requantizers, on every path whose build has it.
final class DepthwiseKernelTests: KernelTestCase {
    /// One random depthwise operator on an input of `shape` (window, weights, offsets, padding value,
    /// requantizer drawn from `g`) compared with the reference; false when no window fits (no case).
    func depthwiseCase(_ g: inout SeededGenerator, shape: [Int], multiplier m: Int, maxKernel: Int, inType: ElementType,
                       outType: ElementType, rounding: RoundingMode, label: String, kernel: Int?) throws -> Bool {
        let (n, h, w, inC) = (shape[0], shape[1], shape[2], shape[3])
        guard let win = randomWindow(&g, h: h, w: w, maxKernel: maxKernel) else { return false }
        // The microkernels that pack kernel rows into 4-byte words take windows up to 4 wide.
        if (kernel == DSCSIMD_KERNEL_DWCONV_IC1 || kernel == DSCSIMD_KERNEL_DWCONV_REGROUP) && win.kernelWidth > 4 { return false }
        let (oh, ow) = win.outputSize(inputHeight: h, inputWidth: w)
        let outC = inC * m
        let filter = Tensor(name: "f", type: .int8, shape: [1, win.kernelHeight, win.kernelWidth, outC],
                            data: ConstantData(bytes: g.bytes(win.kernelHeight * win.kernelWidth * outC)))
        let bias: [Int32] = Bool.random(using: &g) ? [] : (0..<outC).map { _ in g.bias() }
        let p = ConvolutionParameters(window: win, depthMultiplier: m, inputOffset: Int32.random(in: -255...255, using: &g),
                                      paddingValue: Int32.random(in: inType.range, using: &g), bias: bias,
                                      requantizer: .fixedPoint(g.requantizer(channels: outC, output: outType)))
        let model = try oneOp(.depthwiseConv2D(p), input: Tensor(name: "x", type: inType, shape: shape),
                              constants: [filter], output: Tensor(name: "y", type: outType, shape: [n, oh, ow, outC]))
        try assertSame(model, [g.bytes(n * h * w * inC)], rounding: rounding, kernel: kernel, "\(label) \(shape)×\(m) \(win) \(rounding)")
        return true
    }

    /// What `depthwiseCases` draws for one case.
    struct DepthwiseDraw {
        var inType: ElementType = .int8
        var outType: ElementType = .int8
        var rounding: RoundingMode = .double
        var shape: [Int]
        var multiplier = 1
        var maxKernel = 3
    }

    /// `count` random depthwise cases from `seed`, `draw` choosing each one's types, input shape,
    /// multiplier and largest kernel.
    func depthwiseCases(seed: UInt64, count: Int, label: String, kernel: Int? = nil,
                        draw: (inout SeededGenerator) -> DepthwiseDraw) throws {
        tuning.depthwiseKernel = kernel
        defer { tuning = KernelTuning() }
        var g = SeededGenerator(seed: seed)
        var cases = 0
        while cases < count {
            let caseSeed = g.state
            let d = draw(&g)
            if try depthwiseCase(&g, shape: d.shape, multiplier: d.multiplier, maxKernel: d.maxKernel, inType: d.inType,
                                 outType: d.outType, rounding: d.rounding, label: "\(label) seed \(caseSeed)", kernel: kernel) {
                cases += 1
            }
        }
    }

    /// Random shapes for any kernel: multipliers 1...32, one or many channels, windows up to 5x5.
    func randomDraw(_ g: inout SeededGenerator, singleChannel: Bool = false) -> DepthwiseDraw {
        let multiplierCase = singleChannel ? 0 : Int.random(in: 0..<6, using: &g)
        let inC = multiplierCase == 0 ? 1 : Int.random(in: 1...70, using: &g)
        return DepthwiseDraw(inType: Int.random(in: 0..<4, using: &g) == 0 ? .uint8 : .int8,
                             outType: Int.random(in: 0..<4, using: &g) == 0 ? .uint8 : .int8,
                             rounding: Int.random(in: 0..<4, using: &g) == 0 ? .single : .double,
                             shape: [Int.random(in: 1...2, using: &g), Int.random(in: 1...12, using: &g),
                                     Int.random(in: 1...12, using: &g), inC],
                             multiplier: multiplierCase == 0 ? [1, 2, 4, 8, 16, 32].randomElement(using: &g)!
                                 : multiplierCase == 1 ? Int.random(in: 1...9, using: &g) : 1,
                             maxKernel: Bool.random(using: &g) ? 3 : 5)
    }

    func testGenericDepthwiseMatchesReferenceOnRandomShapes() throws {
        try depthwiseCases(seed: 0xD0D0, count: 500, label: "dwconv-generic", kernel: DSCSIMD_KERNEL_DWCONV_GENERIC) { randomDraw(&$0) }
    }

    func testPhaseDepthwiseMatchesReferenceOnRandomShapes() throws {
        try XCTSkipIf(paths(having: DSCSIMD_KERNEL_DWCONV_PHASE).isEmpty, "this CPU runs no build with the phase depthwise kernel")
        try depthwiseCases(seed: 0xD0D1, count: 500, label: "dwconv-phase", kernel: DSCSIMD_KERNEL_DWCONV_PHASE) { randomDraw(&$0) }
    }

    func testRegroupDepthwiseMatchesReferenceOnRandomShapes() throws {
        try XCTSkipIf(paths(having: DSCSIMD_KERNEL_DWCONV_REGROUP).isEmpty, "this CPU runs no build with the regrouping depthwise kernel")
        try depthwiseCases(seed: 0xD0D2, count: 500, label: "dwconv-regroup", kernel: DSCSIMD_KERNEL_DWCONV_REGROUP) { randomDraw(&$0) }
    }

    /// One input channel (depth multiplier C); C divides or is a multiple of 16 (8 on AVX-VNNI).
    func testSingleChannelDepthwiseMatchesReferenceOnRandomShapes() throws {
        try XCTSkipIf(paths(having: DSCSIMD_KERNEL_DWCONV_IC1).isEmpty, "this CPU runs no build with the one-channel depthwise kernel")
        try depthwiseCases(seed: 0xD0D3, count: 400, label: "dwconv-ic1", kernel: DSCSIMD_KERNEL_DWCONV_IC1) { g in
            var d = randomDraw(&g, singleChannel: true)
            d.maxKernel = 4
            return d
        }
    }

    /// The kernel the preparation chooses, as sessions run it.
    func testDepthwiseOnChosenKernelsMatchesReference() throws {
        try depthwiseCases(seed: 0xD0D4, count: 600, label: "depthwise") { randomDraw(&$0) }
    }

    /// Depthwise split over 3 threads gives the single-thread (reference) bytes.
    func testThreadedDepthwiseMatchesReference() throws {
        threads = 3
        defer { threads = 1 }
        try depthwiseCases(seed: 0x7A7D, count: 200, label: "threaded depthwise") { randomDraw(&$0) }
        try testDepthwiseOnWideRowsMatchesReference()
        try testSingleChannelDepthwiseOnWideRowsMatchesReference()
    }

    /// One input channel with wide rows (first layers such as person_detect's): the kernels that build
    /// 16 output columns at a time only run on rows of 16 columns or more.
    func testSingleChannelDepthwiseOnWideRowsMatchesReference() throws {
        try depthwiseCases(seed: 0x1C1C, count: 300, label: "single-channel depthwise") { g in
            DepthwiseDraw(inType: Int.random(in: 0..<4, using: &g) == 0 ? .uint8 : .int8,
                          shape: [1, Int.random(in: 1...6, using: &g), Int.random(in: 16...90, using: &g), 1],
                          multiplier: [1, 2, 4, 8, 16, 32, 3, 24].randomElement(using: &g)!, maxKernel: 4)
        }
    }

    /// Many channels on wide rows, strides 1-3 (the stride-phase split and 64-byte chunks).
    func testDepthwiseOnWideRowsMatchesReference() throws {
        try depthwiseCases(seed: 0x5712, count: 300, label: "wide depthwise") { g in
            DepthwiseDraw(inType: Int.random(in: 0..<4, using: &g) == 0 ? .uint8 : .int8,
                          shape: [1, Int.random(in: 1...5, using: &g), Int.random(in: 8...40, using: &g),
                                  [8, 16, 24, 32, 48, 64, 80, 128].randomElement(using: &g)!])
        }
    }

    /// Depthwise with the narrow requantization (see `narrowRequantizer`) on every kernel that reaches
    /// it: natural order (stride 1, several channels), one input channel, the regrouping kernel and
    /// the generic one (kernels wider than 4); the packer must set the flag on the tables each uses.
    func testNarrowDepthwiseMatchesReference() throws {
        var g = SeededGenerator(seed: 0xD3A7)
        for index in 0..<300 {
            let outType: ElementType = index % 3 == 0 ? .uint8 : .int8
            let inC = [1, 3, 8, 16, 24, 64].randomElement(using: &g)!
            let m = inC == 1 ? [1, 4, 8, 16].randomElement(using: &g)! : (Int.random(in: 0..<4, using: &g) == 0 ? 2 : 1)
            let channels = inC * m
            let kh = Int.random(in: 1...3, using: &g), kw = [1, 2, 3, 5].randomElement(using: &g)!
            let h = Int.random(in: 1...8, using: &g), w = Int.random(in: 1...40, using: &g)
            let sw = Int.random(in: 1...2, using: &g)
            guard let y = Window2D.resolve(input: h, kernel: kh, stride: 1, dilation: 1, mode: .same),
                  let x = Window2D.resolve(input: w, kernel: kw, stride: sw, dilation: 1, mode: .same) else { continue }
            let win = Window2D(kernelHeight: kh, kernelWidth: kw, strideHeight: 1, strideWidth: sw, dilationHeight: 1,
                               dilationWidth: 1, padding: .same, padTop: y.before, padLeft: x.before, padBottom: y.after,
                               padRight: x.after)
            let (oh, ow) = win.outputSize(inputHeight: h, inputWidth: w)
            let weights = g.bytes(kh * kw * channels)
            let (q, bias) = narrowRequantizer(&g, channels: channels, output: outType) { c in
                (0..<(kh * kw)).map { Int(Int8(bitPattern: weights[$0 * channels + c])) }
            }
            let p = ConvolutionParameters(window: win, depthMultiplier: m, inputOffset: 128, paddingValue: -128, bias: bias,
                                          requantizer: .fixedPoint(q))
            let model = try oneOp(.depthwiseConv2D(p), input: Tensor(name: "x", type: .int8, shape: [1, h, w, inC]),
                                  constants: [Tensor(name: "f", type: .int8, shape: [1, kh, kw, channels], data: ConstantData(bytes: weights))],
                                  output: Tensor(name: "y", type: outType, shape: [1, oh, ow, channels]))
            let packed = try XCTUnwrap(PreparedModel(model: model, options: SessionOptions(kernels: KernelPath.best)).packed[0])
            let d = packed.template.dw
            XCTAssertNotEqual(d.rq.flags & Int32(DSCSIMD_RQ_NARROW), 0, "case \(index): no narrow form")
            if d.phase_period > 0 {
                XCTAssertNotEqual(d.phase_rq.flags & Int32(DSCSIMD_RQ_NARROW), 0, "case \(index): no narrow form (phase)")
            }
            var input = g.bytes(h * w * inC)
            if index % 2 == 0 { input = input.map { $0 < 128 ? 0x80 : 0x7F } }
            try assertSame(model, [input], rounding: .double, "narrow depthwise case \(index) [\(h),\(w),\(inC)]×\(m) \(win)")
        }
    }

}
