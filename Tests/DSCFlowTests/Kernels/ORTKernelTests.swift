import XCTest
import CDSCFlowSIMD
@testable import DSCFlow

/// The ONNX Runtime microkernels (`ort/`) and the conv / fully connected kernels with ONNX Runtime's
/// requantizer, byte for byte against the reference kernels on random shapes and parameters, each ORT
/// operator checked to have run on its microkernel.
final class ORTKernelTests: KernelTestCase {
    /// A quantization with a scale from tiny to large, or a power of two (ties for round half to even).
    func quantization(_ g: inout SeededGenerator, _ type: ElementType) -> LinearQuantizationParameters {
        let scale: Float = Bool.random(using: &g) ? Float.random(in: 0.0005...0.2, using: &g)
                                                  : Float(sign: .plus, exponent: Int.random(in: -8...1, using: &g), significand: 1)
        return LinearQuantizationParameters(scale: scale, zeroPoint: Int32.random(in: type.range, using: &g))
    }

    func byteType(_ g: inout SeededGenerator) -> ElementType { Bool.random(using: &g) ? .int8 : .uint8 }

    func shape(_ g: inout SeededGenerator) -> [Int] {
        [Int.random(in: 1...2, using: &g), Int.random(in: 1...9, using: &g), Int.random(in: 1...9, using: &g), Int.random(in: 1...40, using: &g)]
    }

    /// Float bytes: finite values around the quantized range, halfway values (k + 0.5) · scale (ties with a
    /// power-of-two scale), some NaN, infinities, ±0 and huge values.
    func floatBytes(_ g: inout SeededGenerator, _ count: Int, scale: Float) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count * 4)
        for _ in 0..<count {
            let v: Float
            switch Int.random(in: 0..<40, using: &g) {
            case 0: v = .nan
            case 1: v = .infinity
            case 2: v = -.infinity
            case 3: v = -0.0
            case 4: v = Float.random(in: -1e30...1e30, using: &g)
            case 5..<20: v = (Float(Int.random(in: -300...300, using: &g)) + 0.5) * scale
            default: v = Float.random(in: -300 * scale...300 * scale, using: &g)
            }
            withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) }
        }
        return out
    }

    func testQuantizeAndDequantizeMatchReference() throws {
        var g = SeededGenerator(seed: 0x0A7_0001)
        for _ in 0..<200 {
            let seed = g.state
            let type = byteType(&g), q = quantization(&g, type), s = shape(&g)
            let count = s.reduce(1, *)
            let quantize = try oneOp(.quantize(q), input: Tensor(name: "x", type: .float32, shape: s), constants: [],
                                     output: Tensor(name: "y", type: type, shape: s))
            try assertSame(quantize, [floatBytes(&g, count, scale: q.scale)], rounding: .double,
                           kernel: Int(DSCSIMD_KERNEL_ORT), "quantize seed \(seed) \(type) \(s) \(q)")
            let dequantize = try oneOp(.dequantize(q), input: Tensor(name: "x", type: type, shape: s), constants: [],
                                       output: Tensor(name: "y", type: .float32, shape: s))
            try assertSame(dequantize, [g.bytes(count)], rounding: .double, kernel: Int(DSCSIMD_KERNEL_ORT_BYTES),
                           "dequantize seed \(seed) \(type) \(s) \(q)")
        }
    }

    func testQLinearAddMatchesReference() throws {
        var g = SeededGenerator(seed: 0x0A7_0002)
        for _ in 0..<300 {
            let seed = g.state
            let type = byteType(&g), s = shape(&g)
            var p = ORTAddParameters(a: quantization(&g, type), b: quantization(&g, type), c: quantization(&g, type))
            p.floatPath = Int.random(in: 0..<3, using: &g) == 0
            let model = try oneOp(.ortAdd(p), input: Tensor(name: "a", type: type, shape: s), constants: [],
                                  output: Tensor(name: "y", type: type, shape: s), second: Tensor(name: "b", type: type, shape: s))
            let count = s.reduce(1, *)
            try assertSame(model, [g.bytes(count), g.bytes(count)], rounding: .double, kernel: Int(DSCSIMD_KERNEL_ORT),
                           "qlinear add seed \(seed) \(type) \(s) float path \(p.floatPath)")
        }
    }

    func testPoolsMatchReference() throws {
        var g = SeededGenerator(seed: 0x0A7_0003)
        var cases = 0
        while cases < 300 {
            let seed = g.state
            let type = byteType(&g), s = shape(&g)
            let x = quantization(&g, type), y = quantization(&g, type)
            let kind: OperatorKind
            var out = s
            if Bool.random(using: &g) {
                guard var win = randomWindow(&g, h: s[1], w: s[2], maxKernel: 4) else { continue }
                win.dilationHeight = 1; win.dilationWidth = 1
                guard let ry = Window2D.resolve(input: s[1], kernel: win.kernelHeight, stride: win.strideHeight, dilation: 1, mode: win.padding),
                      let rx = Window2D.resolve(input: s[2], kernel: win.kernelWidth, stride: win.strideWidth, dilation: 1, mode: win.padding)
                else { continue }
                win.padTop = ry.before; win.padBottom = ry.after; win.padLeft = rx.before; win.padRight = rx.after
                let (oh, ow) = win.outputSize(inputHeight: s[1], inputWidth: s[2])
                guard oh >= 1, ow >= 1 else { continue }
                out = [s[0], oh, ow, s[3]]
                kind = .ortAveragePool(ORTAveragePoolParameters(window: win, countIncludePad: Bool.random(using: &g), input: x, output: y))
            } else {
                let scale = x.scale / (y.scale * Float(s[1] * s[2]))
                guard scale >= 0x1p-32, scale < 256 else { continue }
                out = [s[0], 1, 1, s[3]]
                kind = .ortGlobalAveragePool(ORTGlobalAveragePoolParameters(inputZeroPoint: x.zeroPoint, scale: scale, outputZeroPoint: y.zeroPoint))
            }
            let model = try oneOp(kind, input: Tensor(name: "x", type: type, shape: s), constants: [],
                                  output: Tensor(name: "y", type: type, shape: out))
            try assertSame(model, [g.bytes(s.reduce(1, *))], rounding: .double, kernel: Int(DSCSIMD_KERNEL_ORT),
                           "pool seed \(seed) \(type) \(s) \(kind)")
            cases += 1
        }
    }

    /// FLOAT_AVERAGE_POOL / FLOAT_MAX_POOL: every summation order and the maximum, explicit pads below the
    /// kernel, float inputs with ties, ±0, infinities and huge values.
    func testFloatPoolMatchesReference() throws {
        var g = SeededGenerator(seed: 0x0A7_0006)
        var cases = 0, kinds: Set<String> = []
        while cases < 300 {
            let seed = g.state
            let s = shape(&g)
            let kh = Int.random(in: 1...min(s[1] + 2, 5), using: &g), kw = Int.random(in: 1...min(s[2] + 2, 5), using: &g)
            let pads = (0..<4).map { i in Int.random(in: 0..<(i % 2 == 0 ? kh : kw), using: &g) }
            let win = Window2D(kernelHeight: kh, kernelWidth: kw, strideHeight: Int.random(in: 1...3, using: &g),
                               strideWidth: Int.random(in: 1...3, using: &g), padding: .explicit,
                               padTop: pads[0], padLeft: pads[1], padBottom: pads[2], padRight: pads[3])
            guard s[1] + pads[0] + pads[2] >= kh, s[2] + pads[1] + pads[3] >= kw else { continue }
            let (oh, ow) = win.outputSize(inputHeight: s[1], inputWidth: s[2])
            guard oh >= 1, ow >= 1 else { continue }
            let maximum = Int.random(in: 0..<4, using: &g) == 0
            let order = ORTFloatPoolOrder(rawValue: UInt8.random(in: 0...2, using: &g))!
            let p = ORTFloatPoolParameters(window: win, maximum: maximum, countIncludePad: Bool.random(using: &g), order: order)
            kinds.insert(maximum ? "max" : "\(order)")
            let model = try oneOp(.ortFloatPool(p), input: Tensor(name: "x", type: .float32, shape: s), constants: [],
                                  output: Tensor(name: "y", type: .float32, shape: [s[0], oh, ow, s[3]]))
            // No NaN: which NaN an addition returns depends on its operand order, which C compilers may swap
            // (a quantized consumer maps every NaN alike).
            var bytes = floatBytes(&g, s.reduce(1, *), scale: Float(sign: .plus, exponent: -3, significand: 1))
            for i in stride(from: 0, to: bytes.count, by: 4) where Float(bitPattern: UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8
                                                                        | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24).isNaN {
                bytes[i + 3] &= 0x3F  // a finite value
            }
            try assertSame(model, [bytes],
                           rounding: .double, kernel: Int(DSCSIMD_KERNEL_ORT_BYTES), "float pool seed \(seed) \(s) \(p)")
            cases += 1
        }
        XCTAssertEqual(kinds.count, 4)
    }

    func testSoftmaxTransposeAndTablesMatchReference() throws {
        var g = SeededGenerator(seed: 0x0A7_0004)
        for _ in 0..<200 {
            let seed = g.state
            let type = byteType(&g), s = shape(&g)
            let count = s.reduce(1, *)
            let rows = [s[0] * s[1] * s[2], s[3]]
            let softmax = try oneOp(.ortSoftmax(QLinearSoftmax.parameters(inputScale: quantization(&g, type).scale, rowLength: s[3],
                                                                          signed: type == .int8, output: quantization(&g, type))),
                                    input: Tensor(name: "x", type: type, shape: rows), constants: [],
                                    output: Tensor(name: "y", type: type, shape: rows))
            try assertSame(softmax, [g.bytes(count)], rounding: .double, kernel: Int(DSCSIMD_KERNEL_ORT_BYTES), "softmax seed \(seed) \(type) \(rows)")
            let perm = [0, 1, 2, 3].shuffled(using: &g)
            let elementType: ElementType = [.int8, .uint8, .float32].randomElement(using: &g)!
            let transpose = try oneOp(.transpose(permutation: perm), input: Tensor(name: "x", type: elementType, shape: s), constants: [],
                                      output: Tensor(name: "y", type: elementType, shape: perm.map { s[$0] }))
            try assertSame(transpose, [g.bytes(count * elementType.byteSize)], rounding: .double, kernel: Int(DSCSIMD_KERNEL_ORT_BYTES),
                           "transpose seed \(seed) \(elementType) \(s) \(perm)")
            let table = try oneOp(.lookupTable(LookupTableParameters(table: g.bytes(256))), input: Tensor(name: "x", type: type, shape: s),
                                  constants: [], output: Tensor(name: "y", type: type, shape: s))
            try assertSame(table, [g.bytes(count)], rounding: .double, kernel: Int(DSCSIMD_KERNEL_ORT_BYTES), "table seed \(seed) \(type) \(s)")
        }
    }

    /// The float-path Conv on every MLAS algorithm (the generic one on depthwise, grouped and group-1 convs),
    /// with and without bias and activation.
    func testFloatConvMatchesReference() throws {
        var g = SeededGenerator(seed: 0x0A7_0005)
        var cases = 0
        while cases < 200 {
            let seed = g.state
            let type = byteType(&g)
            let algorithm: ORTFloatConvAlgorithm = [.nchw, .nchwc, .pointwise, .depthwise, .generic, .generic].randomElement(using: &g)!
            let block = [8, 16].randomElement(using: &g)!
            // The generic algorithm's group-1 convs on larger images: N ≥ K > 128 (several SGEMM K blocks).
            let genericKind = algorithm == .generic ? Int.random(in: 0..<3, using: &g) : -1, large = genericKind == 2
            let n = Int.random(in: 1...2, using: &g), h = Int.random(in: large ? 14...18 : 1...10, using: &g)
            let w = Int.random(in: large ? 14...18 : 1...10, using: &g)
            var c = Int.random(in: large ? 15...30 : 1...40, using: &g), m = Int.random(in: 1...40, using: &g), groups = 1
            var kh = Int.random(in: large ? 3...3 : 1...3, using: &g), kw = Int.random(in: large ? 3...3 : 1...3, using: &g)
            var win: Window2D
            if algorithm == .pointwise {
                kh = 1; kw = 1
                win = Window2D(kernelHeight: 1, kernelWidth: 1, strideHeight: Int.random(in: 1...2, using: &g), strideWidth: 1, padding: .valid)
            } else {
                guard let r = randomWindow(&g, h: h, w: w, maxKernel: 3) else { continue }
                win = r
                win.kernelHeight = kh; win.kernelWidth = kw; win.dilationHeight = 1; win.dilationWidth = 1
                guard let ry = Window2D.resolve(input: h, kernel: kh, stride: win.strideHeight, dilation: 1, mode: win.padding),
                      let rx = Window2D.resolve(input: w, kernel: kw, stride: win.strideWidth, dilation: 1, mode: win.padding) else { continue }
                win.padTop = ry.before; win.padBottom = ry.after; win.padLeft = rx.before; win.padRight = rx.after
            }
            if algorithm == .depthwise { groups = c; m = c }
            if algorithm == .generic {
                // MLAS's generic Conv: depthwise (multiplier 1 or more), grouped, or group 1 (K up to 360: SGEMM K blocks)
                switch genericKind {
                case 0: groups = c; m = c * Int.random(in: 1...3, using: &g)
                case 1: groups = [1, 2, 3, 4, 5].filter { c % $0 == 0 }.randomElement(using: &g)!; m = groups * Int.random(in: 1...5, using: &g)
                default: break
                }
            }
            if algorithm == .nchw { c = Int.random(in: 1..<block, using: &g) }
            let (oh, ow) = win.outputSize(inputHeight: h, inputWidth: w)
            guard oh >= 1, ow >= 1 else { continue }
            let cg = c / groups
            let x = quantization(&g, type), y = quantization(&g, type)
            let weights = (0..<(m * kh * kw * cg)).map { _ in Float(Int.random(in: -127...127, using: &g)) * Float.random(in: 0.001...0.05, using: &g) }
            let bias: [Float] = Bool.random(using: &g) ? [] : (0..<m).map { _ in Float.random(in: -2...2, using: &g) }
            let (lo, hi): (Float, Float) = [(-.infinity, .infinity), (0, .infinity), (0, 6), (-1, 1)].randomElement(using: &g)!
            var p = ORTFloatConvParameters(window: win, groups: groups, algorithm: algorithm, blockSize: block, input: x, output: y,
                                           bias: bias, activationMin: lo, activationMax: hi)
            let input = g.bytes(n * h * w * c)
            if Bool.random(using: &g) {
                // A byte moves with a float's last bit only at a rounding tie: put the largest output at one
                // (scale = |v| / 100.5), so a sum in another order than the reference's shows.
                var largest: Float = 0
                input.withUnsafeBytes { xb in
                    weights.withUnsafeBufferPointer { wb in
                        ReferenceORTFloatConv.floatOutputs(p, input: xb.baseAddress!, inputShape: Shape4(n, h, w, c), signed: type == .int8,
                                                           weights: wb.baseAddress!, weightShape: [m, kh, kw, cg],
                                                           outputShape: Shape4(n, oh, ow, m)) { _, v in if abs(v) > abs(largest) { largest = v } }
                    }
                }
                if largest.isFinite && abs(largest) > 1e-6 {
                    p.output = LinearQuantizationParameters(scale: abs(largest) / 100.5, zeroPoint: type == .int8 ? 0 : 128)
                }
            }
            let filter = Tensor(name: "w", type: .float32, shape: [m, kh, kw, cg],
                                data: ConstantData(bytes: weights.withUnsafeBytes { [UInt8]($0) }))
            let model = try oneOp(.ortFloatConv(p), input: Tensor(name: "x", type: type, shape: [n, h, w, c]), constants: [filter],
                                  output: Tensor(name: "y", type: type, shape: [n, oh, ow, m]))
            try assertSame(model, [input], rounding: .double, kernel: Int(DSCSIMD_KERNEL_ORT),
                           "float conv seed \(seed) \(algorithm) block \(block) \(type) [\(n),\(h),\(w),\(c)]→\(m) \(win)")
            cases += 1
        }
    }

    /// CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED with the `.ortFloat` requantizer (per tensor and per
    /// channel, scales with ties) on whichever conv kernels each path picks.
    func testConvolutionsWithONNXRuntimesRequantizerMatchReference() throws {
        var g = SeededGenerator(seed: 0x0A7_0006)
        var cases = 0
        while cases < 300 {
            let seed = g.state
            let type = byteType(&g), x = quantization(&g, type), yq = quantization(&g, type)
            let n = Int.random(in: 1...2, using: &g), h = Int.random(in: 1...9, using: &g), w = Int.random(in: 1...9, using: &g)
            let c = Int.random(in: 1...48, using: &g)
            let kind = Int.random(in: 0..<3, using: &g)
            let m = kind == 1 ? c * Int.random(in: 1...2, using: &g) : Int.random(in: 1...48, using: &g)
            let scales = (0..<(Bool.random(using: &g) ? m : 1)).map { _ in
                Bool.random(using: &g) ? Float.random(in: 0.0001...0.5, using: &g) : Float(sign: .plus, exponent: Int.random(in: -9...(-1), using: &g), significand: 1)
            }
            let rq = Requantizer.ortFloat(ORTFloatRequantizer(scales: scales, outputZeroPoint: yq.zeroPoint,
                                                              outputMin: type.range.lowerBound, outputMax: type.range.upperBound))
            let bias: [Int32] = Bool.random(using: &g) ? [] : (0..<m).map { _ in Int32.random(in: -30000...30000, using: &g) }
            let model: Model
            let input: [UInt8]
            if kind == 2 {
                let p = FullyConnectedParameters(inputOffset: -x.zeroPoint, bias: bias, requantizer: rq)
                model = try oneOp(.fullyConnected(p), input: Tensor(name: "x", type: type, shape: [n * h, c]),
                                  constants: [Tensor(name: "f", type: .int8, shape: [m, c], data: ConstantData(bytes: g.bytes(m * c)))],
                                  output: Tensor(name: "y", type: type, shape: [n * h, m]))
                input = g.bytes(n * h * c)
            } else {
                guard let win = randomWindow(&g, h: h, w: w, maxKernel: 3) else { continue }
                let (oh, ow) = win.outputSize(inputHeight: h, inputWidth: w)
                guard oh >= 1, ow >= 1 else { continue }
                let taps = win.kernelHeight * win.kernelWidth
                let p = ConvolutionParameters(window: win, depthMultiplier: kind == 1 ? m / c : 1, inputOffset: -x.zeroPoint,
                                              paddingValue: x.zeroPoint, bias: bias, requantizer: rq)
                let filter = kind == 1
                    ? Tensor(name: "f", type: .int8, shape: [1, win.kernelHeight, win.kernelWidth, m], data: ConstantData(bytes: g.bytes(taps * m)))
                    : Tensor(name: "f", type: .int8, shape: [m, win.kernelHeight, win.kernelWidth, c], data: ConstantData(bytes: g.bytes(m * taps * c)))
                model = try oneOp(kind == 1 ? .depthwiseConv2D(p) : .conv2D(p), input: Tensor(name: "x", type: type, shape: [n, h, w, c]),
                                  constants: [filter], output: Tensor(name: "y", type: type, shape: [n, oh, ow, m]))
                input = g.bytes(n * h * w * c)
            }
            try assertSame(model, [input], rounding: .double, "ort requantizer seed \(seed) kind \(kind) \(type) c \(c) m \(m) scales \(scales.count)")
            cases += 1
        }
    }
}
