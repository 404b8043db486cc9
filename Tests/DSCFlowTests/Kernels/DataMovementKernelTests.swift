import XCTest
import CDSCFlowSIMD
@testable import DSCFlow

/// The data-movement and reduction microkernels: space-to-depth (`movement/space-to-depth.c`),
/// concatenation (`movement/concat.c`), Mean (`mean/`), the byte max pool (`pool/maxpool-bytes*`),
/// broadcasting Add and grouped conv, against the reference kernels on random shapes.
final class DataMovementKernelTests: KernelTestCase {
    func testSpaceToDepthMatchesReference() throws {
        var g = SeededGenerator(seed: 0x52D)
        for index in 0..<300 {
            let b = [1, 2, 3, 4].randomElement(using: &g)!
            let type: ElementType = [.int8, .uint8, .int16, .int32].randomElement(using: &g)!
            let n = Int.random(in: 1...2, using: &g), h = b * Int.random(in: 1...6, using: &g), w = b * Int.random(in: 1...6, using: &g)
            let c = Int.random(in: 1...40, using: &g)
            let order: SpaceToDepthOrder = Bool.random(using: &g) ? .blockMajor : .channelMajor
            let model = try oneOp(.spaceToDepth(SpaceToDepthParameters(blockSize: b, order: order)),
                                  input: Tensor(name: "x", type: type, shape: [n, h, w, c]), constants: [],
                                  output: Tensor(name: "y", type: type, shape: [n, h / b, w / b, c * b * b]))
            try assertSame(model, [g.bytes(n * h * w * c * type.byteSize)], rounding: .double, kernel: DSCSIMD_KERNEL_SPACE_TO_DEPTH,
                           "space-to-depth \(index) [\(n),\(h),\(w),\(c)] b\(b) \(order.name) \(type.name)")
        }
    }

    func testPadMatchesReference() throws {
        var g = SeededGenerator(seed: 0x9AD)
        for index in 0..<300 {
            let type: ElementType = [.int8, .uint8, .int16, .int32].randomElement(using: &g)!
            let rank = Int.random(in: 1...5, using: &g)
            let shape = (0..<rank).map { _ in Int.random(in: 1...5, using: &g) }
            let paddings = (0..<rank).map { _ in (before: Int.random(in: 0...3, using: &g), after: Int.random(in: 0...3, using: &g)) }
            let out = zip(shape, paddings).map { $0 + $1.before + $1.after }
            let value = Int32.random(in: type == .int32 ? -100_000...100_000 : type.range, using: &g)
            let model = try oneOp(.pad(PadParameters(paddings: paddings, value: value)), input: Tensor(name: "x", type: type, shape: shape),
                                  constants: [], output: Tensor(name: "y", type: type, shape: out))
            try assertSame(model, [g.bytes(shape.reduce(1, *) * type.byteSize)], rounding: .double, kernel: DSCSIMD_KERNEL_PAD,
                           "pad \(index) \(shape) \(paddings) \(type.name) \(value)")
        }
    }

    func testConcatenationMatchesReference() throws {
        var g = SeededGenerator(seed: 0xCA7)
        for index in 0..<300 {
            let rank = Int.random(in: 1...4, using: &g)
            let axis = Int.random(in: 0..<rank, using: &g)
            let base = (0..<rank).map { _ in Int.random(in: 1...6, using: &g) }
            let parts = Int.random(in: 1...4, using: &g)
            var tensors: [Tensor] = [], extent = 0
            for k in 0..<parts {
                var s = base
                s[axis] = Int.random(in: 1...5, using: &g)
                extent += s[axis]
                tensors.append(Tensor(name: "x\(k)", type: .int8, shape: s))
            }
            var outShape = base
            outShape[axis] = extent
            let all = tensors + [Tensor(name: "y", type: .int8, shape: outShape)]
            let model = try Model(tensors: all, operations: [Operator(kind: .concatenation(axis: axis), inputs: Array(0..<parts), outputs: [parts])],
                                  inputs: Array(0..<parts), outputs: [parts], format: "test")
            try assertSame(model, tensors.map { g.bytes($0.elementCount) }, rounding: .double, kernel: DSCSIMD_KERNEL_CONCAT,
                           "concat \(index) axis \(axis) \(tensors.map(\.shape))")
        }
    }

    func testMeanMatchesReference() throws {
        var g = SeededGenerator(seed: 0x3EA)
        for index in 0..<400 {
            let type: ElementType = Bool.random(using: &g) ? .int8 : .uint8
            let shape = [Int.random(in: 1...2, using: &g), Int.random(in: 1...9, using: &g), Int.random(in: 1...9, using: &g),
                         Int.random(in: 1...40, using: &g)]
            let first = Int.random(in: 0...3, using: &g), last = Int.random(in: first...3, using: &g)
            let axes = Array(first...last)
            let keep = Bool.random(using: &g)
            var out: [Int] = []
            for (d, size) in shape.enumerated() where !axes.contains(d) || keep { out.append(axes.contains(d) ? 1 : size) }
            if out.isEmpty { out = [1] }
            let q = QuantizedMultiplier(Double.random(in: 0.05...4, using: &g))
            let p = MeanParameters(axes: axes, keepDims: keep, inputZeroPoint: Int32.random(in: type.range, using: &g),
                                   outputZeroPoint: Int32.random(in: type.range, using: &g), multiplier: q.multiplier, shift: q.shift)
            let model = try oneOp(.mean(p), input: Tensor(name: "x", type: type, shape: shape), constants: [],
                                  output: Tensor(name: "y", type: type, shape: out))
            let rounding: RoundingMode = Bool.random(using: &g) ? .single : .double
            try assertSame(model, [g.bytes(shape.reduce(1, *))], rounding: rounding, kernel: DSCSIMD_KERNEL_MEAN,
                           "mean \(index) \(shape) axes \(axes) \(rounding)")
        }
    }

    /// Max pools whose windows lie inside the image run on whole bytes.
    func testMaxPoolOnBytesMatchesReference() throws {
        var g = SeededGenerator(seed: 0xB17E)
        for index in 0..<300 {
            let type: ElementType = Bool.random(using: &g) ? .int8 : .uint8
            let k = Int.random(in: 1...3, using: &g), s = Int.random(in: 1...3, using: &g)
            let oh = Int.random(in: 1...6, using: &g), ow = Int.random(in: 1...6, using: &g)
            let h = (oh - 1) * s + k + Int.random(in: 0...1, using: &g), w = (ow - 1) * s + k + Int.random(in: 0...1, using: &g)
            let c = [1, 3, 16, 17, 48, 64, 100, 192].randomElement(using: &g)!
            let r = type.range
            var lo = Int32.random(in: r, using: &g), hi = Int32.random(in: r, using: &g)
            if lo > hi { swap(&lo, &hi) }
            if Bool.random(using: &g) { lo = r.lowerBound; hi = r.upperBound }
            let win = Window2D(kernelHeight: k, kernelWidth: k, strideHeight: s, strideWidth: s, padding: .valid)
            let (ph, pw) = win.outputSize(inputHeight: h, inputWidth: w)
            let model = try oneOp(.maxPool2D(PoolParameters(window: win, activationMin: lo, activationMax: hi)),
                                  input: Tensor(name: "x", type: type, shape: [1, h, w, c]), constants: [],
                                  output: Tensor(name: "y", type: type, shape: [1, ph, pw, c]))
            try assertSame(model, [g.bytes(h * w * c)], rounding: .double, kernel: DSCSIMD_KERNEL_MAXPOOL_BYTES,
                           "byte max pool \(index) [\(h),\(w),\(c)] \(k)/\(s)")
        }
    }

    func testBroadcastingAddMatchesReference() throws {
        var g = SeededGenerator(seed: 0xB0AD)
        for index in 0..<300 {
            let out = [1, Int.random(in: 1...6, using: &g), Int.random(in: 1...6, using: &g), Int.random(in: 1...40, using: &g)]
            func operand() -> [Int] {
                var s = out.map { Bool.random(using: &g) ? 1 : $0 }
                while s.count > 1 && s[0] == 1 && Bool.random(using: &g) { s.removeFirst() }
                return s
            }
            var a = operand(), b = operand()
            if Bool.random(using: &g) { a = out } else if Bool.random(using: &g) { b = out }
            guard Add.broadcastShape(a, b) == out else { continue }
            let t1 = QuantizedMultiplier(0.5), t2 = QuantizedMultiplier(Double.random(in: 0.1...0.5, using: &g))
            let to = QuantizedMultiplier(Double.random(in: 0.01...1, using: &g) / Double(1 << 20))
            let zo = Int32.random(in: -128...127, using: &g)
            let p = AddParameters(input1Offset: Int32.random(in: -127...128, using: &g), input2Offset: Int32.random(in: -127...128, using: &g),
                                  leftShift: 20, input1Multiplier: t1.multiplier, input1Shift: t1.shift,
                                  input2Multiplier: t2.multiplier, input2Shift: t2.shift,
                                  outputMultiplier: to.multiplier, outputShift: to.shift, outputOffset: zo,
                                  activationMin: Bool.random(using: &g) ? zo : -128, activationMax: 127)
            let model = try Model(tensors: [Tensor(name: "a", type: .int8, shape: a), Tensor(name: "b", type: .int8, shape: b),
                                            Tensor(name: "y", type: .int8, shape: out)],
                                  operations: [Operator(kind: .add(p), inputs: [0, 1], outputs: [2])], inputs: [0, 1], outputs: [2],
                                  format: "test")
            let rounding: RoundingMode = Bool.random(using: &g) ? .single : .double
            try assertSame(model, [g.bytes(a.reduce(1, *)), g.bytes(b.reduce(1, *))], rounding: rounding,
                           "broadcast add \(index) \(a) + \(b) → \(out) \(rounding)")
            for path in fastPaths {
                XCTAssertTrue(try PreparedModel(model: model, options: SessionOptions(kernels: path)).kernels[0].isFast)
            }
        }
    }

    func testGroupedConvMatchesReference() throws {
        var g = SeededGenerator(seed: 0x6C0)
        var cases = 0
        while cases < 300 {
            let groups = Int.random(in: 2...6, using: &g), groupC = Int.random(in: 1...8, using: &g)
            let perGroup = Int.random(in: 1...6, using: &g)
            let inC = groups * groupC, outC = groups * perGroup
            let h = Int.random(in: 1...8, using: &g), w = Int.random(in: 1...8, using: &g)
            guard let win = randomWindow(&g, h: h, w: w, maxKernel: 3) else { continue }
            let (oh, ow) = win.outputSize(inputHeight: h, inputWidth: w)
            let type: ElementType = Bool.random(using: &g) ? .int8 : .uint8
            let p = ConvolutionParameters(window: win, inputOffset: Int32.random(in: -255...255, using: &g),
                                          paddingValue: Int32.random(in: type.range, using: &g),
                                          bias: (0..<outC).map { _ in g.bias() },
                                          requantizer: .fixedPoint(g.requantizer(channels: outC, output: .int8)))
            let model = try oneOp(.conv2D(p), input: Tensor(name: "x", type: type, shape: [1, h, w, inC]),
                                  constants: [Tensor(name: "f", type: .int8, shape: [outC, win.kernelHeight, win.kernelWidth, groupC],
                                                     data: ConstantData(bytes: g.bytes(outC * win.kernelHeight * win.kernelWidth * groupC)))],
                                  output: Tensor(name: "y", type: .int8, shape: [1, oh, ow, outC]))
            try assertSame(model, [g.bytes(h * w * inC)], rounding: .double, "grouped conv \(cases) \(groups)×\(groupC)→\(outC) \(win)")
            for path in fastPaths {
                XCTAssertTrue(try PreparedModel(model: model, options: SessionOptions(kernels: path)).kernels[0].isFast)
            }
            cases += 1
        }
    }

    /// SkyNet's bypass in small: a reorg and a conv written straight into their channel concatenation
    /// (no copy), and the same for a concatenation along an axis with only 1s before it; every
    /// operator's output (as `run(observer:)` sees it) and the result equal the reference's.
    func testConcatenationInPlaceMatchesReference() throws {
        var g = SeededGenerator(seed: 0x1A7)
        for index in 0..<60 {
            let h = 2 * Int.random(in: 1...5, using: &g), w = 2 * Int.random(in: 1...5, using: &g)
            let c = Int.random(in: 1...20, using: &g), outC = Int.random(in: 1...40, using: &g)
            let channelAxis = index % 3 != 0
            let one = Window2D(kernelHeight: 1, kernelWidth: 1, strideHeight: 2, strideWidth: 2, padding: .valid)
            let conv = ConvolutionParameters(window: one, inputOffset: Int32.random(in: -128...127, using: &g), paddingValue: 0,
                                             bias: (0..<outC).map { _ in g.bias() },
                                             requantizer: .fixedPoint(g.requantizer(channels: outC, output: .int8)))
            var tensors = [Tensor(name: "x", type: .int8, shape: [1, h, w, c]),
                           Tensor(name: "f", type: .int8, shape: [outC, 1, 1, c], data: ConstantData(bytes: g.bytes(outC * c))),
                           Tensor(name: "s2d", type: .int8, shape: [1, h / 2, w / 2, 4 * c]),
                           Tensor(name: "conv", type: .int8, shape: [1, h / 2, w / 2, outC])]
            let ops: [Operator]
            if channelAxis {
                tensors.append(Tensor(name: "cat", type: .int8, shape: [1, h / 2, w / 2, 4 * c + outC]))
                ops = [Operator(kind: .spaceToDepth(SpaceToDepthParameters(blockSize: 2)), inputs: [0], outputs: [2]),
                       Operator(kind: .conv2D(conv), inputs: [0, 1], outputs: [3]),
                       Operator(kind: .concatenation(axis: 3), inputs: [2, 3], outputs: [4])]
            } else {
                tensors[2].shape = [1, h / 2, w / 2, outC]
                tensors.append(Tensor(name: "cat", type: .int8, shape: [1, h, w / 2, outC]))
                ops = [Operator(kind: .conv2D(conv), inputs: [0, 1], outputs: [2]),
                       Operator(kind: .conv2D(conv), inputs: [0, 1], outputs: [3]),
                       Operator(kind: .concatenation(axis: 1), inputs: [2, 3], outputs: [4])]
            }
            let model = try Model(tensors: tensors, operations: ops, inputs: [0], outputs: [4], format: "test")
            let input = g.bytes(h * w * c)
            let expected = try runAll(model, input, path: .reference)
            for path in fastPaths {
                let prepared = try PreparedModel(model: model, options: SessionOptions(kernels: path))
                XCTAssertEqual(prepared.inPlace.aliases.count, 2, "case \(index) on \(path.rawValue): not in place")
                XCTAssertEqual(try runAll(model, input, path: path), expected, "case \(index) on \(path.rawValue)")
                let s = try Session(prepared: prepared)
                input.withUnsafeBytes { s.inputBytes(0).copyMemory(from: $0) }
                s.run()
                XCTAssertEqual([UInt8](s.outputBytes(0)), expected[2], "case \(index) on \(path.rawValue) without observer")
            }
        }
    }
}
