import Foundation
import XCTest
import CDSCFlowSIMD
@testable import DSCFlow
@testable import DSCFlowAccelerator
@testable import DSCFlowVision

/// A small deterministic generator (SplitMix64), so a failing case can be replayed from its seed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The fast paths this CPU can run (the reference path is the oracle).
let fastPaths = KernelPath.supported.filter { $0 != .reference }

/// Runs `model` on `input` with `path` and returns every operator's output bytes.
func runAll(_ model: Model, _ input: [UInt8], path: KernelPath, rounding: RoundingMode = .double) throws -> [[UInt8]] {
    let s = try Session(model: model, options: SessionOptions(rounding: rounding, kernels: path))
    let inBuf = s.inputBytes(0)
    precondition(inBuf.count == input.count)
    input.withUnsafeBytes { inBuf.copyMemory(from: $0) }
    var outs: [[UInt8]] = []
    s.run { _, bytes in outs.append([UInt8](bytes)) }
    return outs
}

/// Random extreme-leaning values for the requantization stress.
extension SeededGenerator {
    mutating func multiplier() -> Int32 {
        switch Int.random(in: 0..<8, using: &self) {
        case 0: return Int32.max
        case 1: return Int32.min
        case 2: return Int32.max - Int32.random(in: 0..<1000, using: &self)
        case 3: return Int32.random(in: Int32.min...Int32.max, using: &self)
        default: return Int32.random(in: (1 << 30)...Int32.max, using: &self)
        }
    }

    mutating func shift() -> Int32 {
        Int.random(in: 0..<4, using: &self) == 0 ? Int32.random(in: -31...31, using: &self)
                                                  : Int32.random(in: -12...2, using: &self)
    }

    mutating func bias() -> Int32 {
        switch Int.random(in: 0..<6, using: &self) {
        case 0: return Int32.random(in: Int32.min...Int32.max, using: &self)
        case 1: return Int32.max - Int32.random(in: 0..<100, using: &self)
        case 2: return Int32.min + Int32.random(in: 0..<100, using: &self)
        default: return Int32.random(in: -20000...20000, using: &self)
        }
    }

    mutating func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8.random(in: 0...255, using: &self) } }

    mutating func requantizer(channels: Int, output: ElementType) -> FixedPointRequantizer {
        let perChannel = Bool.random(using: &self)
        let n = perChannel ? channels : 1
        let r = output.range
        var lo = Int32.random(in: r, using: &self), hi = Int32.random(in: r, using: &self)
        if lo > hi { swap(&lo, &hi) }
        if Bool.random(using: &self) { lo = r.lowerBound; hi = r.upperBound }
        let zp = Bool.random(using: &self) ? Int32.random(in: r, using: &self) : Int32.random(in: -100_000...100_000, using: &self)
        return FixedPointRequantizer(multipliers: (0..<n).map { _ in multiplier() }, shifts: (0..<n).map { _ in shift() },
                                     outputZeroPoint: zp, activationMin: lo, activationMax: hi)
    }
}

final class FastKernelTests: XCTestCase {
    /// Threads of the fast sessions `assertSame` compares with the reference (tests of threading raise it).
    var threads = 1
    /// Kernel choices of the fast sessions `assertSame` runs (tests turn them to reach other kernels).
    var tuning = KernelTuning()

    /// Builds a one-operator model; input 0 is tensor 0, output is the last tensor.
    func oneOp(_ kind: OperatorKind, input: Tensor, constants: [Tensor], output: Tensor, second: Tensor? = nil) throws -> Model {
        var tensors = [input]
        var inputs = [0]
        if let second { tensors.append(second); inputs.append(1) }
        for c in constants { inputs.append(tensors.count); tensors.append(c) }
        tensors.append(output)
        let modelInputs = second == nil ? [0] : [0, 1]
        return try Model(tensors: tensors, operations: [Operator(kind: kind, inputs: inputs, outputs: [tensors.count - 1])],
                         inputs: modelInputs, outputs: [tensors.count - 1], format: "builtin")
    }

    /// Compares every fast path with the reference on `model` for `input` (all model inputs concatenated).
    func assertSame(_ model: Model, _ inputs: [[UInt8]], rounding: RoundingMode, _ what: @autoclosure () -> String,
                    file: StaticString = #filePath, line: UInt = #line) throws {
        func run(_ path: KernelPath) throws -> [UInt8] {
            var options = SessionOptions(rounding: rounding, kernels: path, threads: path == .reference ? 1 : threads)
            options.tuning = tuning
            let s = try Session(model: model, options: options)
            for (i, bytes) in inputs.enumerated() {
                let buf = s.inputBytes(i)
                bytes.withUnsafeBytes { buf.copyMemory(from: $0) }
            }
            s.run()
            return [UInt8](s.outputBytes(0))
        }
        let expected = try run(.reference)
        for path in fastPaths {
            let got = try run(path)
            if got != expected {
                let i = (0..<min(got.count, expected.count)).first { got[$0] != expected[$0] } ?? -1
                XCTFail("\(path.rawValue) differs from the reference at byte \(i) (\(got.count) bytes): \(what())", file: file, line: line)
                return
            }
        }
    }

    func randomWindow(_ g: inout SeededGenerator, h: Int, w: Int, maxKernel: Int) -> Window2D? {
        let kh = Int.random(in: 1...maxKernel, using: &g), kw = Int.random(in: 1...maxKernel, using: &g)
        let sh = Int.random(in: 1...3, using: &g), sw = Int.random(in: 1...3, using: &g)
        let dh = Int.random(in: 0..<5, using: &g) == 0 ? 2 : 1, dw = Int.random(in: 0..<5, using: &g) == 0 ? 2 : 1
        let mode: PaddingMode = Bool.random(using: &g) ? .same : .valid
        guard let y = Window2D.resolve(input: h, kernel: kh, stride: sh, dilation: dh, mode: mode),
              let x = Window2D.resolve(input: w, kernel: kw, stride: sw, dilation: dw, mode: mode) else { return nil }
        return Window2D(kernelHeight: kh, kernelWidth: kw, strideHeight: sh, strideWidth: sw, dilationHeight: dh,
                        dilationWidth: dw, padding: mode, padTop: y.before, padLeft: x.before, padBottom: y.after,
                        padRight: x.after)
    }

    func testConv2DMatchesReferenceOnRandomShapes() throws {
        try randomConvCases(seed: 0xC0DE, count: 1500)
    }

    /// Conv and depthwise split over 2 and 3 threads give the single-thread (reference) bytes.
    func testThreadedConvAndDepthwiseMatchReference() throws {
        for t in [2, 3] {
            threads = t
            try randomConvCases(seed: 0x7A7A &+ UInt64(t), count: 200)
        }
        threads = 3
        try testDepthwiseOnWideRowsMatchesReference()
        try testSingleChannelDepthwiseOnWideRowsMatchesReference()
    }

    /// The conv tap tables built per run (as for models whose tables exceed the session-time limit).
    func testConv2DWithPerRunIndirectionMatchesReference() throws {
        tuning.maxIndirectionBytes = 0
        defer { tuning = KernelTuning() }
        try randomConvCases(seed: 0x1D1D, count: 400)
    }

    /// Long reductions (3x3 over up to 200 channels, k4 up to 1,800): on the AVX2 path, blocks whose
    /// weights exceed the tile's 32 KB int16 buffer are widened on the fly instead.
    func testConvWithLongReductionsMatchesReference() throws {
        try randomConvCases(seed: 0x10C4, count: 60, channels: [64, 96, 130, 200])
    }

    func randomConvCases(seed: UInt64, count: Int, channels: [Int] = [1, 2, 3, 4, 5, 8, 12, 16, 32, 7]) throws {
        var g = SeededGenerator(seed: seed)
        var cases = 0
        while cases < count {
            let seed = g.state
            let inType: ElementType = Int.random(in: 0..<4, using: &g) == 0 ? .uint8 : .int8
            let outType: ElementType = Int.random(in: 0..<4, using: &g) == 0 ? .uint8 : .int8
            let n = Int.random(in: 1...2, using: &g), h = Int.random(in: 1...11, using: &g), w = Int.random(in: 1...11, using: &g)
            let inC = channels.randomElement(using: &g)!
            let outC = Int.random(in: 1...70, using: &g)
            guard let win = randomWindow(&g, h: h, w: w, maxKernel: cases % 3 == 0 ? 3 : 4) else { continue }
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
            try assertSame(model, [g.bytes(n * h * w * inC)], rounding: rounding, "conv seed \(seed) \(inType)→\(outType) [\(n),\(h),\(w),\(inC)]→\(outC) \(win) \(rounding)")
            cases += 1
        }
    }

    /// Conv with at most 16 output channels on rows of 16+ pixels whose runs are 16, 6 or 3 bytes apart
    /// (16 channels at stride 1, 8 at stride 2, 3 at stride 2 or 1): the 16-row tiles with one pointer per
    /// kernel row (two pixels per vector up to 8 channels), mixed with ordinary tiles where a tile
    /// crosses an output row.
    func testConvEvenlySpacedTilesMatchReference() throws {
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
            try assertSame(model, [g.bytes(n * h * w * inC)], rounding: rounding, "even conv [\(n),\(h),\(w),\(inC)]→\(outC) \(win) \(rounding)")
            cases += 1
        }
    }

    /// One random depthwise operator on an input of `shape` (window, weights, offsets, padding value,
    /// requantizer drawn from `g`) compared with the reference; false when no window fits (no case).
    func depthwiseCase(_ g: inout SeededGenerator, shape: [Int], multiplier m: Int, maxKernel: Int, inType: ElementType,
                       outType: ElementType, rounding: RoundingMode, label: String) throws -> Bool {
        let (n, h, w, inC) = (shape[0], shape[1], shape[2], shape[3])
        guard let win = randomWindow(&g, h: h, w: w, maxKernel: maxKernel) else { return false }
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
        try assertSame(model, [g.bytes(n * h * w * inC)], rounding: rounding, "\(label) \(shape)×\(m) \(win) \(rounding)")
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
    func depthwiseCases(seed: UInt64, count: Int, label: String, draw: (inout SeededGenerator) -> DepthwiseDraw) throws {
        var g = SeededGenerator(seed: seed)
        var cases = 0
        while cases < count {
            let caseSeed = g.state
            let d = draw(&g)
            if try depthwiseCase(&g, shape: d.shape, multiplier: d.multiplier, maxKernel: d.maxKernel, inType: d.inType,
                                 outType: d.outType, rounding: d.rounding, label: "\(label) seed \(caseSeed)") {
                cases += 1
            }
        }
    }

    func testDepthwiseMatchesReferenceOnRandomShapes() throws {
        try depthwiseCases(seed: 0xD0D0, count: 1500, label: "depthwise") { g in
            let multiplierCase = Int.random(in: 0..<6, using: &g)
            let inC = multiplierCase == 0 ? 1 : Int.random(in: 1...70, using: &g)
            return DepthwiseDraw(inType: Int.random(in: 0..<4, using: &g) == 0 ? .uint8 : .int8,
                                 outType: Int.random(in: 0..<4, using: &g) == 0 ? .uint8 : .int8,
                                 rounding: Int.random(in: 0..<4, using: &g) == 0 ? .single : .double,
                                 shape: [Int.random(in: 1...2, using: &g), Int.random(in: 1...12, using: &g),
                                         Int.random(in: 1...12, using: &g), inC],
                                 multiplier: multiplierCase == 0 ? [1, 2, 3, 4, 5, 8, 9, 16, 32].randomElement(using: &g)!
                                     : multiplierCase == 1 ? Int.random(in: 1...9, using: &g) : 1,
                                 maxKernel: Bool.random(using: &g) ? 3 : 5)
        }
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
            try assertSame(model, [g.bytes(batches * depth)], rounding: rounding, "fc seed \(seed) \(batches)x\(depth)→\(units)")
        }
    }

    func testPoolsMatchReferenceOnRandomShapes() throws {
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
            try assertSame(model, [g.bytes(n * h * w * c)], rounding: .double, "pool seed \(seed) avg=\(average) \(win)")
            cases += 1
        }
    }

    func testAddMatchesReferenceOnRandomShapes() throws {
        var g = SeededGenerator(seed: 0xADD)
        for _ in 0..<800 {
            let seed = g.state
            let type = ElementType.int8  // the model validator accepts int8 Add only
            let shape = [1, Int.random(in: 1...9, using: &g), Int.random(in: 1...9, using: &g), Int.random(in: 1...40, using: &g)]
            let count = shape.reduce(1, *)
            var lo = Int32.random(in: -300...300, using: &g), hi = Int32.random(in: -300...300, using: &g)
            if lo > hi { swap(&lo, &hi) }
            let p = AddParameters(input1Offset: Int32.random(in: -255...255, using: &g), input2Offset: Int32.random(in: -255...255, using: &g),
                                  leftShift: Int32.random(in: 0...22, using: &g), input1Multiplier: g.multiplier(), input1Shift: g.shift(),
                                  input2Multiplier: g.multiplier(), input2Shift: g.shift(), outputMultiplier: g.multiplier(),
                                  outputShift: g.shift(), outputOffset: Int32.random(in: -200...200, using: &g),
                                  activationMin: lo, activationMax: hi)
            let model = try oneOp(.add(p), input: Tensor(name: "a", type: type, shape: shape), constants: [],
                                  output: Tensor(name: "y", type: type, shape: shape), second: Tensor(name: "b", type: type, shape: shape))
            let rounding: RoundingMode = Bool.random(using: &g) ? .single : .double
            try assertSame(model, [g.bytes(count), g.bytes(count)], rounding: rounding, "add seed \(seed) \(shape) \(p) \(rounding)")
        }
    }

    /// The arithmetic Add kernels (on a CPU with AVX512_VBMI the AVX-512 path otherwise uses the
    /// byte-plane tables, which the two tests above then cover).
    func testAddWithoutByteTablesMatchesReference() throws {
        tuning.addByteTables = false
        defer { tuning = KernelTuning() }
        try testAddMatchesReferenceOnRandomShapes()
        try testAddWithConverterParametersMatchesReference()
    }

    /// Whether the Add kernels take the float form for an int8 Add with these parameters.
    func floatFormAccepts(_ p: AddParameters, rounding: RoundingMode) -> Bool {
        var c = dscsimd_add()
        c.count = 65536
        c.input1_offset = p.input1Offset; c.input2_offset = p.input2Offset; c.left_shift = p.leftShift
        c.input1_multiplier = p.input1Multiplier; c.input1_shift = p.input1Shift
        c.input2_multiplier = p.input2Multiplier; c.input2_shift = p.input2Shift
        c.output_multiplier = p.outputMultiplier; c.output_shift = p.outputShift; c.output_offset = p.outputOffset
        c.lo = max(p.activationMin, -128); c.hi = min(p.activationMax, 127)
        c.single_rounding = rounding == .single ? 1 : 0
        var k = dscsimd_add_float()
        return dscsimd_add_float_prepare(&c, &k) == 1
    }

    /// The float form of Add (one multiply-add chain per output, lanes near a rounding boundary
    /// recomputed exactly) on every one of the 65,536 input pairs, for Adds prepared as TFLite's
    /// converter does from input and output scales, both roundings, with and without a fused ReLU.
    /// Scale ratios of 1/2, 1, 2 and 3/2 put many outputs exactly on rounding ties (the first four
    /// cases half of them), so the lane recomputation runs too. The test checks the float form was chosen, so it cannot pass vacuously.
    func testAddFloatFormMatchesReferenceOnAllInputPairs() throws {
        var g = SeededGenerator(seed: 0xF1047)
        let shape = [1, 256, 256, 1]
        let a = (0..<65536).map { UInt8(truncatingIfNeeded: $0 >> 8) }
        let b = (0..<65536).map { UInt8(truncatingIfNeeded: $0) }
        var chosen = 0
        for n in 0..<48 {
            let seed = g.state
            let nice: [Double] = [0.5, 1, 2, 1.5]
            let s1 = Double.random(in: 0.01...0.2, using: &g)
            var s2 = n % 3 == 0 ? s1 * nice.randomElement(using: &g)! : Double.random(in: 0.01...0.2, using: &g)
            var so = n % 2 == 0 ? max(s1, s2) * nice.randomElement(using: &g)! : Double.random(in: 0.02...0.4, using: &g)
            if n < 4 { (s2, so) = (s1, 2 * s1) }  // outputs (x1 + x2 - z1 - z2) / 2 + zo: every other one a tie
            // TFLite's PrepareGeneralSubOp / Add Prepare for int8.
            let twiceMax = 2 * max(s1, s2)
            let q1 = QuantizedMultiplier(s1 / twiceMax), q2 = QuantizedMultiplier(s2 / twiceMax)
            let qo = QuantizedMultiplier(twiceMax / (Double(1 << 20) * so))
            let z1 = Int32.random(in: -128...127, using: &g), z2 = Int32.random(in: -128...127, using: &g)
            let zo = Int32.random(in: -128...127, using: &g)
            let lo: Int32 = Bool.random(using: &g) ? zo : -128
            let p = AddParameters(input1Offset: -z1, input2Offset: -z2, leftShift: 20,
                                  input1Multiplier: q1.multiplier, input1Shift: q1.shift,
                                  input2Multiplier: q2.multiplier, input2Shift: q2.shift,
                                  outputMultiplier: qo.multiplier, outputShift: qo.shift,
                                  outputOffset: zo, activationMin: lo, activationMax: 127)
            let rounding: RoundingMode = n % 4 == 3 ? .single : .double
            XCTAssertTrue(floatFormAccepts(p, rounding: rounding), "float form not chosen: \(p) \(rounding)")
            chosen += 1
            let model = try oneOp(.add(p), input: Tensor(name: "a", type: .int8, shape: shape), constants: [],
                                  output: Tensor(name: "y", type: .int8, shape: shape), second: Tensor(name: "b", type: .int8, shape: shape))
            try assertSame(model, [a, b], rounding: rounding, "float-form add seed \(seed) \(p) \(rounding)")
        }
        XCTAssertEqual(chosen, 48)
        // Raw parameters outside what a converter writes (any left shift 0...22, multipliers and
        // shifts drawn independently), kept when the float form accepts them.
        var raw = 0, draws = 0
        while raw < 24 && draws < 20_000 {
            draws += 1
            let seed = g.state
            let ls = Int32.random(in: 0...22, using: &g)
            let p = AddParameters(input1Offset: Int32.random(in: -255...255, using: &g), input2Offset: Int32.random(in: -255...255, using: &g),
                                  leftShift: ls, input1Multiplier: Int32.random(in: 0...Int32.max, using: &g),
                                  input1Shift: Int32.random(in: -30...0, using: &g),
                                  input2Multiplier: Int32.random(in: 0...Int32.max, using: &g),
                                  input2Shift: Int32.random(in: -30...0, using: &g),
                                  outputMultiplier: Int32.random(in: 0...Int32.max, using: &g),
                                  outputShift: Int32.random(in: -30...0, using: &g),
                                  outputOffset: Int32.random(in: -128...127, using: &g),
                                  activationMin: -128, activationMax: 127)
            let rounding: RoundingMode = Bool.random(using: &g) ? .single : .double
            guard floatFormAccepts(p, rounding: rounding) else { continue }
            raw += 1
            let model = try oneOp(.add(p), input: Tensor(name: "a", type: .int8, shape: shape), constants: [],
                                  output: Tensor(name: "y", type: .int8, shape: shape), second: Tensor(name: "b", type: .int8, shape: shape))
            try assertSame(model, [a, b], rounding: rounding, "raw float-form add seed \(seed) \(p) \(rounding)")
        }
        XCTAssertEqual(raw, 24, "the float form accepted only \(raw) of \(draws) raw parameter draws")
    }

    /// Add as TFLite's converter prepares it (left shift 20, multipliers in [2^30, 2^31), shifts <= 0),
    /// the case the 32-bit input rescale serves; offsets reach ±255.
    func testAddWithConverterParametersMatchesReference() throws {
        var g = SeededGenerator(seed: 0xADD2)
        for _ in 0..<400 {
            let seed = g.state
            let shape = [1, Int.random(in: 1...6, using: &g), Int.random(in: 1...6, using: &g), Int.random(in: 1...64, using: &g)]
            let count = shape.reduce(1, *)
            func offset() -> Int32 {
                let base: Int32 = [-255, 255, -128, 128].randomElement(using: &g)!
                return min(255, max(-255, base + (Bool.random(using: &g) ? 0 : Int32.random(in: -20...20, using: &g))))
            }
            let ls: Int32 = Int.random(in: 0..<4, using: &g) == 0 ? Int32.random(in: 10...21, using: &g) : 20
            // Multiplier 2^30 with shift -ls halves the input exactly: rounding ties on every odd value.
            func rescale() -> (Int32, Int32) {
                Int.random(in: 0..<3, using: &g) == 0 ? (1 << 30, -ls)
                    : (Int32.random(in: (1 << 30)...Int32.max, using: &g), Int32.random(in: -30...0, using: &g))
            }
            let (m1, s1) = rescale(), (m2, s2) = rescale()
            let zp = Int32.random(in: -128...127, using: &g)
            // Fused ReLU (lo = zero point; the kernels then drop the negative-rounding term), just below it, or none.
            let lo = [zp, max(-128, zp - 1), -128].randomElement(using: &g)!
            let p = AddParameters(input1Offset: offset(), input2Offset: offset(), leftShift: ls,
                                  input1Multiplier: m1, input1Shift: s1, input2Multiplier: m2, input2Shift: s2,
                                  outputMultiplier: Int32.random(in: (1 << 30)...Int32.max, using: &g),
                                  outputShift: Int32.random(in: -25...0, using: &g),
                                  outputOffset: zp, activationMin: lo, activationMax: 127)
            let model = try oneOp(.add(p), input: Tensor(name: "a", type: .int8, shape: shape), constants: [],
                                  output: Tensor(name: "y", type: .int8, shape: shape), second: Tensor(name: "b", type: .int8, shape: shape))
            try assertSame(model, [g.bytes(count), g.bytes(count)], rounding: .double, "converter add seed \(seed) \(shape)")
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

    /// A requantizer and biases that satisfy DSCSIMD_RQ_NARROW for an input offset of 128 (the kernels'
    /// bias is then the operator's bias): multipliers >= 0 (half of them 2^30, for rounding ties), right
    /// shifts 1...30 as far as the zero point allows, and for two thirds of the channels a bias that puts
    /// the largest accumulator right at the flag's limit. `weights(c)` gives channel c's weights.
    func narrowRequantizer(_ g: inout SeededGenerator, channels: Int, output: ElementType,
                           weights: (Int) -> [Int]) -> (FixedPointRequantizer, [Int32]) {
        let r = output.range
        let zp = Int32.random(in: r, using: &g)
        var lo = Int32.random(in: r, using: &g), hi = Int32.random(in: r, using: &g)
        if lo > hi { swap(&lo, &hi) }
        if Bool.random(using: &g) { hi = r.upperBound }
        // A fused ReLU (lo = zp, where the kernels drop the negative-rounding term) and one below it.
        switch Int.random(in: 0..<4, using: &g) {
        case 0: lo = zp
        case 1: lo = max(zp - 1, r.lowerBound)
        default: break
        }
        if lo > hi { hi = lo }
        var multipliers: [Int32] = [], shifts: [Int32] = [], bias: [Int32] = []
        for c in 0..<channels {
            let m: Int32 = Bool.random(using: &g) ? 1 << 30 : Int32.random(in: 0...Int32.max, using: &g)
            // The flag needs (|zp| + 1) * 2^r well under 2^31: the largest shift this zero point allows.
            var maxShift = 30
            while (Int(zp.magnitude) + 1) << maxShift >= 1 << 30 { maxShift -= 1 }
            let rs = Int.random(in: 0..<4, using: &g) == 0 ? Int.random(in: 1...maxShift, using: &g)
                                                           : Int.random(in: 1...min(12, maxShift), using: &g)
            multipliers.append(m)
            shifts.append(Int32(-rs))
            let w = weights(c)
            let positive = w.filter { $0 > 0 }.reduce(0, +), negative = w.filter { $0 < 0 }.reduce(0, +)
            let limit = (1 << 31) - (1 << (rs - 1)) - Int(zp.magnitude) << rs - 3
            let b: Int
            switch Int.random(in: 0..<3, using: &g) {
            case 0: b = limit - 255 * positive
            case 1: b = -limit - 255 * negative
            default: b = Int.random(in: -100_000...100_000, using: &g)
            }
            if let b32 = Int32(exactly: b), abs(b + 255 * positive) <= limit, abs(b + 255 * negative) <= limit {
                bias.append(b32)
            } else {
                bias.append(0)
            }
        }
        return (FixedPointRequantizer(multipliers: multipliers, shifts: shifts, outputZeroPoint: zp,
                                      activationMin: lo, activationMax: hi), bias)
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
            let packed = try XCTUnwrap(PreparedModel(model: model, options: SessionOptions(kernels: KernelPath.best)).packed[0])
            XCTAssertEqual(packed.template.kind, Int32(DSCSIMD_OP_SOFTMAX))
            try assertSame(model, [input], rounding: .double, "softmax case \(index) \(rows)x\(depth) \(p)")
        }
    }

    /// The directory of the shared models and goldens, or nil (the test then skips, saying why).
    static var sharedDirectory: URL? {
        let env = ProcessInfo.processInfo.environment["DSCFLOW_SHARED"]
        let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidates = [env.map { URL(fileURLWithPath: $0) }, here.appendingPathComponent("../shared")].compactMap { $0 }
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("models").path) }
    }

    static let sharedModels = ["person_detect", "vww_96_int8", "kws_ref_model", "pretrainedResnet_quant"]

    /// Every operator's output on every path equals the goldens (TFLite Micro / LiteRT reference), for every case.
    func testSharedModelsMatchGoldensOnEveryPath() throws {
        guard let shared = FastKernelTests.sharedDirectory else { throw XCTSkip("../shared (or DSCFLOW_SHARED) is absent: no shared models to check") }
        for name in FastKernelTests.sharedModels {
            let model = try Model.load(path: shared.appendingPathComponent("models/\(name).tflite").path)
            let caseDirs = try FileManager.default.contentsOfDirectory(atPath: shared.appendingPathComponent("goldens/\(name)").path)
            for c in caseDirs.sorted() {
                let dir = shared.appendingPathComponent("goldens/\(name)/\(c)")
                guard let input = FileManager.default.contents(atPath: dir.appendingPathComponent("input.bin").path) else { continue }
                let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("op") }.sorted()
                XCTAssertEqual(files.count, model.operations.count, "\(name)/\(c)")
                for path in KernelPath.supported {
                    let outs = try runAll(model, [UInt8](input), path: path)
                    for (i, f) in files.enumerated() {
                        let golden = [UInt8](FileManager.default.contents(atPath: dir.appendingPathComponent(f).path)!)
                        XCTAssertEqual(outs[i], golden, "\(name)/\(c) op \(i) on \(path.rawValue)")
                    }
                }
            }
        }
    }

    /// Random inputs through the shared models: every fast path equals the reference at every operator.
    func testSharedModelsMatchReferenceOnRandomInputs() throws {
        guard let shared = FastKernelTests.sharedDirectory else { throw XCTSkip("../shared (or DSCFLOW_SHARED) is absent: no shared models to check") }
        var g = SeededGenerator(seed: 77)
        for name in FastKernelTests.sharedModels {
            let model = try Model.load(path: shared.appendingPathComponent("models/\(name).tflite").path)
            for rounding in [RoundingMode.double, .single] {
                for _ in 0..<3 {
                    let input = g.bytes(model.tensors[model.inputs[0]].byteCount)
                    let expected = try runAll(model, input, path: .reference, rounding: rounding)
                    for path in fastPaths {
                        let got = try runAll(model, input, path: path, rounding: rounding)
                        for i in 0..<expected.count where got[i] != expected[i] {
                            XCTFail("\(name) op \(i) differs on \(path.rawValue) (\(rounding))")
                            break
                        }
                    }
                }
            }
        }
    }

    func testKernelPathResolvesAndRejectsUnknownNames() throws {
        XCTAssertTrue(KernelPath.supported.contains(.portable))
        XCTAssertNotEqual(try KernelPath.auto.resolved(), .auto)
        for p in KernelPath.supported { XCTAssertEqual(try p.resolved(), p) }
    }
}
