import XCTest
import CDSCFlowSIMD
@testable import DSCFlow

/// The fast path on UltraNet's arithmetic, byte for byte against the reference kernels on random shapes:
/// convs with 4-bit weights over 4-bit (and 8-bit) inputs and the multiply-add-shift requantizer on each
/// conv microkernel (the int8 tiles and conv4/'s nibble tiles), max pools of 4-bit codes, and the
/// tabulated bilinear resize.
final class FourBitKernelTests: KernelTestCase {
    /// Runs `model` on every path and compares its output with the reference; with `kernel`, operator
    /// `op` must have run on that microkernel (paths whose build lacks it are skipped).
    func assertSameOutput(_ model: Model, _ input: [UInt8], op: Int, kernel: Int?, _ what: @autoclosure () -> String,
                          file: StaticString = #filePath, line: UInt = #line) throws {
        func run(_ path: KernelPath) throws -> [UInt8]? {
            var options = SessionOptions(kernels: path, threads: path == .reference ? 1 : threads)
            options.tuning = tuning
            let prepared = try PreparedModel(model: model, options: options)
            if let kernel, path != .reference {
                guard let isa = path.isa, let k = dscsimd_kernel_find(isa, Int32(kernel)) else { return nil }
                XCTAssertEqual(prepared.kernels[op], .fast(String(cString: k.pointee.name)), "\(path.rawValue): \(what())", file: file, line: line)
            }
            let s = try Session(prepared: prepared)
            input.withUnsafeBytes { s.inputBytes().copyMemory(from: $0) }
            s.run()
            return [UInt8](s.outputBytes())
        }
        let expected = try run(.reference)!
        for path in fastPaths {
            guard let got = try run(path) else { continue }
            if got != expected {
                let i = (0..<min(got.count, expected.count)).first { got[$0] != expected[$0] } ?? -1
                return XCTFail("\(path.rawValue) differs from the reference at byte \(i): \(what())", file: file, line: line)
            }
        }
    }

    /// A 1×1 conv turning bytes into 4-bit codes spread over 0…15 (channel c copies channel c, then
    /// min((x + 8) >> 4, 15)): the 4-bit input of the operator under test.
    func codes(_ tensors: inout [Tensor], _ x: Int, channels: Int) -> Operator {
        var f = [UInt8](repeating: 0, count: channels * channels)
        for c in 0..<channels { f[c * channels + c] = 1 }
        tensors.append(Tensor(name: "identity", type: .int4, shape: [channels, 1, 1, channels], data: ConstantData(bytes: f)))
        tensors.append(Tensor(name: "codes", type: .uint4, shape: tensors[x].shape))
        let w = Window2D(kernelHeight: 1, kernelWidth: 1, strideHeight: 1, strideWidth: 1, padding: .valid)
        let q = MultiplyAddShiftRequantizer(multipliers: [1], addends: [0], shift: 4)
        let p = ConvolutionParameters(window: w, inputOffset: 0, paddingValue: 0, bias: [], requantizer: .multiplyAddShift(q))
        return Operator(kind: .conv2D(p), inputs: [x, tensors.count - 2], outputs: [tensors.count - 1])
    }

    func randomMultiplyAddShift(_ g: inout SeededGenerator, channels: Int, maxOutput: Int32) -> MultiplyAddShiftRequantizer {
        let n = Bool.random(using: &g) ? channels : 1
        let shift = Int.random(in: 0..<5, using: &g) == 0 ? Int32.random(in: 0...31, using: &g) : Int32.random(in: 8...19, using: &g)
        return MultiplyAddShiftRequantizer(
            multipliers: (0..<n).map { _ in Int.random(in: 0..<6, using: &g) == 0 ? Int32.random(in: Int32.min...Int32.max, using: &g)
                                                                                : Int32.random(in: -8192...8191, using: &g) },
            addends: (0..<n).map { _ in Int.random(in: 0..<6, using: &g) == 0 ? Int32.random(in: Int32.min...Int32.max, using: &g)
                                                                             : Int32.random(in: -(1 << 25)...(1 << 25), using: &g) },
            shift: shift, outputMax: Int32.random(in: 0...maxOutput, using: &g))
    }

    /// Conv over 4-bit codes (or raw 8-bit input) with 4-bit weights on each conv microkernel forced.
    func testFourBitConvOnEveryConvMicrokernel() throws {
        defer { tuning = KernelTuning() }
        for (i, kernel) in [DSCSIMD_KERNEL_CONV_IGEMM, DSCSIMD_KERNEL_CONV_ROWRUNS, DSCSIMD_KERNEL_CONV_IGEMM_NIBBLE,
                            DSCSIMD_KERNEL_CONV_ROWRUNS_NIBBLE].enumerated() {
            tuning.convKernel = kernel
            try randomFourBitConvs(seed: 0x4B17 &+ UInt64(i), count: 150, kernel: kernel)
        }
    }

    /// The kernels the preparation chooses, on one thread and split over 2 and 3.
    func testFourBitConvOnChosenKernels() throws {
        try randomFourBitConvs(seed: 0x4B20, count: 200, kernel: nil)
        defer { threads = 1 }
        for t in [2, 3] {
            threads = t
            try randomFourBitConvs(seed: 0x4B21 &+ UInt64(t), count: 60, kernel: nil)
        }
    }

    func randomFourBitConvs(seed: UInt64, count: Int, kernel: Int?) throws {
        var g = SeededGenerator(seed: seed)
        let runs = kernel == DSCSIMD_KERNEL_CONV_ROWRUNS || kernel == DSCSIMD_KERNEL_CONV_ROWRUNS_NIBBLE
        var cases = 0
        while cases < count {
            let caseSeed = g.state
            // Input: 4-bit codes made by a first conv, or the model's 8-bit input directly (UltraNet's conv_0).
            let fourBit = Int.random(in: 0..<3, using: &g) != 0
            let inType: ElementType = fourBit ? .uint4 : (Bool.random(using: &g) ? .uint8 : .int8)
            let n = Int.random(in: 1...2, using: &g), h = Int.random(in: 1...10, using: &g), w = Int.random(in: 1...12, using: &g)
            let inC = [1, 2, 3, 4, 5, 8, 16, 17, 32, 64].randomElement(using: &g)!
            let outC = Int.random(in: 1...70, using: &g)
            guard let win = randomWindow(&g, h: h, w: w, maxKernel: 3), !runs || win.dilationWidth == 1 else { continue }
            let (oh, ow) = win.outputSize(inputHeight: h, inputWidth: w)
            var tensors = [Tensor(name: "x", type: fourBit ? .uint8 : inType, shape: [n, h, w, inC])]
            var ops: [Operator] = []
            if fourBit { ops.append(codes(&tensors, 0, channels: inC)) }
            let x = tensors.count - 1
            let weights = (0..<(outC * win.kernelHeight * win.kernelWidth * inC)).map { _ in UInt8(bitPattern: Int8.random(in: -8...7, using: &g)) }
            tensors.append(Tensor(name: "w", type: .int4, shape: [outC, win.kernelHeight, win.kernelWidth, inC], data: ConstantData(bytes: weights)))
            let outType: ElementType, rq: Requantizer
            switch Int.random(in: 0..<4, using: &g) {
            case 0: outType = .int32; rq = .none
            case 1: outType = .uint8; rq = .multiplyAddShift(randomMultiplyAddShift(&g, channels: outC, maxOutput: 255))
            default: outType = .uint4; rq = .multiplyAddShift(randomMultiplyAddShift(&g, channels: outC, maxOutput: 15))
            }
            let bias: [Int32] = Bool.random(using: &g) ? [] : (0..<outC).map { _ in Int32.random(in: -5000...5000, using: &g) }
            let pad = Int32.random(in: inType.range, using: &g)
            let p = ConvolutionParameters(window: win, inputOffset: inType == .int8 ? 128 : 0, paddingValue: pad, bias: bias, requantizer: rq)
            tensors.append(Tensor(name: "y", type: outType, shape: [n, oh, ow, outC]))
            ops.append(Operator(kind: .conv2D(p), inputs: [x, tensors.count - 2], outputs: [tensors.count - 1]))
            let model = try Model(tensors: tensors, operations: ops, inputs: [0], outputs: [tensors.count - 1], format: "builtin")
            try assertSameOutput(model, g.bytes(n * h * w * inC), op: ops.count - 1, kernel: kernel,
                                 "4-bit conv seed \(caseSeed) \(inType)→\(outType) [\(n),\(h),\(w),\(inC)]→\(outC) \(win) \(rq.name)")
            cases += 1
        }
    }

    /// Depthwise convs with 4-bit weights over 4-bit codes and the multiply-add-shift requantizer, on
    /// the depthwise microkernels the preparation chooses.
    func testFourBitDepthwiseOnChosenKernels() throws {
        var g = SeededGenerator(seed: 0x4B50)
        var cases = 0
        while cases < 150 {
            let n = Int.random(in: 1...2, using: &g), h = Int.random(in: 1...10, using: &g), w = Int.random(in: 1...12, using: &g)
            let c = [1, 3, 4, 16, 17, 32].randomElement(using: &g)!, m = [1, 2].randomElement(using: &g)!
            guard let win = randomWindow(&g, h: h, w: w, maxKernel: 3) else { continue }
            let (oh, ow) = win.outputSize(inputHeight: h, inputWidth: w)
            var tensors = [Tensor(name: "x", type: .uint8, shape: [n, h, w, c])]
            var ops = [codes(&tensors, 0, channels: c)]
            let weights = (0..<(win.kernelHeight * win.kernelWidth * c * m)).map { _ in UInt8(bitPattern: Int8.random(in: -8...7, using: &g)) }
            tensors.append(Tensor(name: "w", type: .int4, shape: [1, win.kernelHeight, win.kernelWidth, c * m], data: ConstantData(bytes: weights)))
            let rq = randomMultiplyAddShift(&g, channels: c * m, maxOutput: 15)
            let p = ConvolutionParameters(window: win, depthMultiplier: m, inputOffset: 0, paddingValue: Int32.random(in: 0...15, using: &g),
                                          bias: [], requantizer: .multiplyAddShift(rq))
            tensors.append(Tensor(name: "y", type: .uint4, shape: [n, oh, ow, c * m]))
            ops.append(Operator(kind: .depthwiseConv2D(p), inputs: [2, 3], outputs: [4]))
            let model = try Model(tensors: tensors, operations: ops, inputs: [0], outputs: [4], format: "builtin")
            try assertSameOutput(model, g.bytes(n * h * w * c), op: 1, kernel: nil, "4-bit depthwise [\(n),\(h),\(w),\(c)]×\(m) \(win)")
            cases += 1
        }
    }

    /// Max pools of 4-bit codes, on the whole-byte kernel and the general one.
    func testMaxPoolOfFourBitCodes() throws {
        defer { tuning = KernelTuning() }
        var g = SeededGenerator(seed: 0x4B30)
        for i in 0..<200 {
            tuning.maxPoolBytes = i % 2 == 0
            let n = Int.random(in: 1...2, using: &g), h = Int.random(in: 2...12, using: &g), w = Int.random(in: 2...12, using: &g)
            let c = Int.random(in: 1...40, using: &g), k = Int.random(in: 1...3, using: &g), s = Int.random(in: 1...3, using: &g)
            let mode: PaddingMode = i % 4 < 2 ? .valid : .same
            guard let y = Window2D.resolve(input: h, kernel: k, stride: s, dilation: 1, mode: mode),
                  let x = Window2D.resolve(input: w, kernel: k, stride: s, dilation: 1, mode: mode) else { continue }
            let win = Window2D(kernelHeight: k, kernelWidth: k, strideHeight: s, strideWidth: s, padding: mode,
                               padTop: y.before, padLeft: x.before, padBottom: y.after, padRight: x.after)
            var tensors = [Tensor(name: "x", type: .uint8, shape: [n, h, w, c])]
            var ops = [codes(&tensors, 0, channels: c)]
            var lo = Int32.random(in: 0...15, using: &g), hi = Int32.random(in: 0...15, using: &g)
            if lo > hi { swap(&lo, &hi) }
            tensors.append(Tensor(name: "y", type: .uint4, shape: [n, y.output, x.output, c]))
            ops.append(Operator(kind: .maxPool2D(PoolParameters(window: win, activationMin: lo, activationMax: hi)), inputs: [2], outputs: [3]))
            let model = try Model(tensors: tensors, operations: ops, inputs: [0], outputs: [3], format: "builtin")
            try assertSameOutput(model, g.bytes(n * h * w * c), op: 1, kernel: nil, "uint4 max pool \(win) [\(lo), \(hi)]")
        }
    }

    /// RESIZE_BILINEAR with random tables (any taps, weights 0…2^bits, 0…11 bits), uint8 and int8.
    func testResizeMatchesReferenceOnRandomTables() throws {
        var g = SeededGenerator(seed: 0x4B40)
        for _ in 0..<300 {
            let type: ElementType = Bool.random(using: &g) ? .uint8 : .int8
            let n = Int.random(in: 1...2, using: &g), h = Int.random(in: 1...20, using: &g), w = Int.random(in: 1...20, using: &g)
            let c = [1, 2, 3, 4, 7, 16].randomElement(using: &g)!
            let oh = Int.random(in: 1...20, using: &g), ow = Int.random(in: 1...20, using: &g)
            let rb = Int.random(in: 0...11, using: &g), cb = Int.random(in: 0...11, using: &g)
            func taps(_ count: Int, _ size: Int, _ bits: Int) -> [ResizeTap] {
                (0..<count).map { _ in
                    let weight: Int32 = Int.random(in: 0..<4, using: &g) == 0 ? [0, Int32(1 << bits)].randomElement(using: &g)!
                                                                           : Int32.random(in: 0...Int32(1 << bits), using: &g)
                    return ResizeTap(low: Int32.random(in: 0..<Int32(size), using: &g), high: Int32.random(in: 0..<Int32(size), using: &g), weight: weight)
                }
            }
            let p = ResizeBilinearParameters(rowFractionBits: rb, columnFractionBits: cb, rows: taps(oh, h, rb), columns: taps(ow, w, cb))
            let model = try oneOp(.resizeBilinear(p), input: Tensor(name: "x", type: type, shape: [n, h, w, c]), constants: [],
                                  output: Tensor(name: "y", type: type, shape: [n, oh, ow, c]))
            try assertSame(model, [g.bytes(n * h * w * c)], rounding: .double, kernel: DSCSIMD_KERNEL_RESIZE_BILINEAR,
                           "resize \(type) [\(n),\(h),\(w),\(c)]→\(oh)x\(ow) bits \(rb)/\(cb)")
        }
        // UltraNet's own table on a random frame.
        let hls = try XCTUnwrap(ResizeBilinearParameters.hlsLinear(inputHeight: 360, inputWidth: 640, outputHeight: 160, outputWidth: 320))
        let model = try oneOp(.resizeBilinear(hls), input: Tensor(name: "x", type: .uint8, shape: [1, 360, 640, 3]), constants: [],
                              output: Tensor(name: "y", type: .uint8, shape: [1, 160, 320, 3]))
        try assertSame(model, [g.bytes(360 * 640 * 3)], rounding: .double, kernel: DSCSIMD_KERNEL_RESIZE_BILINEAR, "UltraNet's resize")
    }
}
