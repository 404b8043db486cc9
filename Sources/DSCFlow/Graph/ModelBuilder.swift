/// Builds models in Swift with deterministic pseudo-random weights: the built-in topologies
/// (`BuiltinTopology`) and the random models of the tests. Two arithmetic styles are offered:
/// SkrSkr's (uint8 activations, int6 weights, 19-bit saturating accumulators, ReLU then
/// `× M >> 17`) and TFLite's int8 (zero points, per-channel fixed-point requantization).
/// The same seed always gives the same bytes.
public struct ModelBuilder {
    /// How conv-like operators compute (see `Requantizer`).
    public enum Arithmetic: Sendable {
        /// SkrSkr/SEUer FPGA integer arithmetic (FACTS.md §5): uint8, int6 weights, sat19, mulShift 17.
        case skrskr
        /// TFLite int8: int8 activations with zero points, per-channel int8 weights, int32 bias,
        /// gemmlowp fixed-point requantization.
        case tflite
    }

    /// The arithmetic style of every operator the builder adds.
    public let arithmetic: Arithmetic
    private var tensors: [Tensor] = []
    private var operations: [Operator] = []
    private var inputs: [Int] = []
    private var state: UInt64

    /// A builder whose weights come from `seed` (SplitMix64).
    public init(arithmetic: Arithmetic, seed: UInt64) {
        self.arithmetic = arithmetic
        self.state = seed &+ 0x9E37_79B9_7F4A_7C15
    }

    // MARK: random numbers (SplitMix64: tiny, portable, deterministic)

    private mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `range`.
    private mutating func uniform(_ range: ClosedRange<Int>) -> Int {
        let span = UInt64(range.upperBound - range.lowerBound) + 1
        return range.lowerBound + Int(next() % span)
    }

    // MARK: tensors

    private var activationType: ElementType { arithmetic == .skrskr ? .uint8 : .int8 }

    private mutating func addActivation(_ name: String, _ shape: [Int], type: ElementType? = nil,
                                        zeroPoint: Int32 = 0) -> Int {
        let t = type ?? activationType
        let q: Quantization? = t == .int32 ? nil : Quantization(scale: 0.05, zeroPoint: zeroPoint)
        tensors.append(Tensor(name: name, type: t, shape: shape, quantization: q))
        return tensors.count - 1
    }

    private mutating func addConstant(_ name: String, _ shape: [Int], bytes: [UInt8]) -> Int {
        tensors.append(Tensor(name: name, type: .int8, shape: shape, data: ConstantData(bytes: bytes)))
        return tensors.count - 1
    }

    /// The shape of tensor `t`.
    public func shape(_ t: Int) -> [Int] { tensors[t].shape }

    /// Declares a model input of NHWC `shape`; returns its tensor index.
    public mutating func input(_ name: String, shape: [Int]) -> Int {
        let zp: Int32 = arithmetic == .skrskr ? 0 : Int32(uniform(-20...20))
        let t = addActivation(name, shape, zeroPoint: zp)
        inputs.append(t)
        return t
    }

    private func zeroPoint(_ t: Int) -> Int32 { tensors[t].quantization?.zeroPoint ?? 0 }

    private mutating func weights(_ count: Int) -> [UInt8] {
        // SkrSkr weights are int6 stored one per byte: [-32, 31]. TFLite: full int8 but never -128.
        let lo = arithmetic == .skrskr ? -32 : -127, hi = arithmetic == .skrskr ? 31 : 127
        var w = [UInt8](repeating: 0, count: count)
        for i in 0..<count { w[i] = UInt8(truncatingIfNeeded: uniform(lo...hi)) }
        return w
    }

    /// Requantizer, accumulator and bias for a conv-like op with `channels` outputs, `fanIn` taps per output.
    private mutating func arithmeticFor(channels: Int, fanIn: Int, raw: Bool, outputZeroPoint: Int32)
        -> (Accumulator, Requantizer, [Int32]) {
        switch arithmetic {
        case .skrskr:
            let acc: Accumulator = .saturating(bits: 19, channelBlock: 16)
            if raw { return (acc, .none, []) }
            // Typical |acc| ≈ sqrt(fanIn)·128·18; choose M so that acc·M >> 17 spans about 0…255.
            var root = 1
            while root * root < fanIn { root += 1 }
            let base = max(1, (100 << 17) / (root * 128 * 18))
            var m = [Int32](repeating: 0, count: channels)
            var b = [Int32](repeating: 0, count: channels)
            for c in 0..<channels {
                let r = uniform(0...31)
                // Like the real SkrSkr file: a few channels have M = 0 or negative M (output 0).
                m[c] = r == 0 ? 0 : r == 1 ? -Int32(uniform(1...32768)) : Int32(min(32767, max(1, base + uniform(-base / 2...base / 2))))
                b[c] = Int32(uniform(-4000...4000))
            }
            return (acc, .mulShift(MulShiftRequantizer(multipliers: m, shift: 17)), b)
        case .tflite:
            if raw { return (.int32, .none, []) }
            var mult = [Int32](repeating: 0, count: channels)
            var shift = [Int32](repeating: 0, count: channels)
            var b = [Int32](repeating: 0, count: channels)
            var root = 1
            while root * root < fanIn { root += 1 }
            for c in 0..<channels {
                mult[c] = Int32(uniform(1 << 30...Int(Int32.max)))
                // 2^shift ≈ 128 / (sqrt(fanIn)·64·64): keeps outputs inside int8 most of the time.
                var s = -6
                var span = root * 64 * 64 / 128
                while span > 1 { span >>= 1; s -= 1 }
                shift[c] = Int32(s + uniform(0...1))
                b[c] = Int32(uniform(-2000...2000))
            }
            return (.int32, .fixedPoint(FixedPointRequantizer(multipliers: mult, shifts: shift, outputZeroPoint: outputZeroPoint,
                                                              activationMin: outputZeroPoint, activationMax: 127)), b)
        }
    }

    private static func window(kernel: Int, stride: Int, input: [Int]) -> Window2D {
        let h = Window2D.resolve(input: input[1], kernel: kernel, stride: stride, dilation: 1, mode: .same)
        let w = Window2D.resolve(input: input[2], kernel: kernel, stride: stride, dilation: 1, mode: .same)
        return Window2D(kernelHeight: kernel, kernelWidth: kernel, strideHeight: stride, strideWidth: stride,
                        padding: .same, padTop: h?.before ?? 0, padLeft: w?.before ?? 0,
                        padBottom: h?.after ?? 0, padRight: w?.after ?? 0)
    }

    /// Depthwise `kernel`×`kernel` conv, SAME padding. `paddingValue` is the raw value of taps outside
    /// the image (SkrSkr: 128 for the image layer, 0 elsewhere; TFLite: the input zero point).
    /// `activeChannels` keeps only the first channels' weights nonzero (a map padded to lanes).
    public mutating func depthwise(_ x: Int, kernel: Int = 3, stride: Int = 1, name: String,
                                   paddingValue: Int32? = nil, activeChannels: Int? = nil) -> Int {
        let s = tensors[x].shape
        let c = s[3]
        let win = Self.window(kernel: kernel, stride: stride, input: s)
        let (oh, ow) = win.outputSize(inputHeight: s[1], inputWidth: s[2])
        var wd = weights(kernel * kernel * c)
        if let a = activeChannels { for k in wd.indices where k % c >= a { wd[k] = 0 } }
        let f = addConstant(name + "/weights", [1, kernel, kernel, c], bytes: wd)
        let outZp: Int32 = arithmetic == .skrskr ? 0 : Int32(uniform(-128 ... -100))
        let (acc, rq, bias) = arithmeticFor(channels: c, fanIn: kernel * kernel, raw: false,
                                            outputZeroPoint: outZp)
        let y = addActivation(name, [s[0], oh, ow, c], zeroPoint: outZp)
        let zp = zeroPoint(x)
        let p = ConvolutionParameters(window: win, inputOffset: arithmetic == .skrskr ? 0 : -zp,
                                      paddingValue: paddingValue ?? zp, bias: bias, accumulator: acc,
                                      requantizer: rq, activation: .relu)
        operations.append(Operator(kind: .depthwiseConv2D(p), inputs: [x, f], outputs: [y], name: name))
        return y
    }

    /// Standard conv (pointwise when `kernel` is 1), SAME padding. `raw` stores the int32 accumulator
    /// (no bias, no activation), like SkyNet's last layer.
    /// `activeInputs` / `activeOutputs` keep only those channels' weights nonzero (padded maps).
    public mutating func conv(_ x: Int, outChannels: Int, kernel: Int = 1, stride: Int = 1, name: String,
                              raw: Bool = false, activeInputs: Int? = nil, activeOutputs: Int? = nil) -> Int {
        let s = tensors[x].shape
        let c = s[3]
        let win = Self.window(kernel: kernel, stride: stride, input: s)
        let (oh, ow) = win.outputSize(inputHeight: s[1], inputWidth: s[2])
        var wd = weights(outChannels * kernel * kernel * c)
        for k in wd.indices where k % c >= (activeInputs ?? c) || k / (kernel * kernel * c) >= (activeOutputs ?? outChannels) {
            wd[k] = 0
        }
        let f = addConstant(name + "/weights", [outChannels, kernel, kernel, c], bytes: wd)
        let outZp: Int32 = arithmetic == .skrskr || raw ? 0 : Int32(uniform(-128 ... -100))
        let (acc, rq, bias) = arithmeticFor(channels: outChannels, fanIn: kernel * kernel * c,
                                            raw: raw, outputZeroPoint: outZp)
        let y = addActivation(name, [s[0], oh, ow, outChannels], type: raw ? .int32 : nil, zeroPoint: outZp)
        let zp = zeroPoint(x)
        let p = ConvolutionParameters(window: win, inputOffset: arithmetic == .skrskr ? 0 : -zp, paddingValue: zp,
                                      bias: bias, accumulator: acc, requantizer: rq, activation: raw ? .none : .relu)
        operations.append(Operator(kind: .conv2D(p), inputs: [x, f], outputs: [y], name: name))
        return y
    }

    /// Max pool `size`×`size`, stride `size`, VALID.
    public mutating func maxPool(_ x: Int, size: Int = 2, name: String) -> Int {
        pool(x, height: size, width: size, stride: size, average: false, name: name)
    }

    /// Average pool `size`×`size`, stride `size`, VALID (feature-map compression).
    public mutating func averagePool(_ x: Int, size: Int, name: String) -> Int {
        pool(x, height: size, width: size, stride: size, average: true, name: name)
    }

    /// Average over the whole feature map (global average pool as a full-size AVERAGE_POOL_2D).
    public mutating func globalAveragePool(_ x: Int, name: String) -> Int {
        let s = tensors[x].shape
        return pool(x, height: s[1], width: s[2], stride: 1, average: true, name: name)
    }

    private mutating func pool(_ x: Int, height: Int, width: Int, stride: Int, average: Bool, name: String) -> Int {
        let s = tensors[x].shape
        let win = Window2D(kernelHeight: height, kernelWidth: width, strideHeight: stride, strideWidth: stride, padding: .valid)
        let (oh, ow) = win.outputSize(inputHeight: s[1], inputWidth: s[2])
        let y = addActivation(name, [s[0], oh, ow, s[3]], zeroPoint: zeroPoint(x))
        let r = tensors[x].type.range
        let p = PoolParameters(window: win, activationMin: r.lowerBound, activationMax: r.upperBound)
        operations.append(Operator(kind: average ? .averagePool2D(p) : .maxPool2D(p), inputs: [x], outputs: [y], name: name))
        return y
    }

    /// Bilinear resize to `height`×`width` with `hls::Resize_opr_linear`'s exact integer weights
    /// (`ResizeBilinearParameters.hlsLinear`; a downscale whose HLS fixed point is exact), or nil.
    public mutating func resizeBilinear(_ x: Int, height: Int, width: Int, name: String) -> Int? {
        let s = tensors[x].shape
        guard let p = ResizeBilinearParameters.hlsLinear(inputHeight: s[1], inputWidth: s[2], outputHeight: height,
                                                         outputWidth: width) else { return nil }
        let y = addActivation(name, [s[0], height, width, s[3]], type: tensors[x].type, zeroPoint: zeroPoint(x))
        operations.append(Operator(kind: .resizeBilinear(p), inputs: [x], outputs: [y], name: name))
        return y
    }

    /// Space-to-depth (SkyNet's reorg) by `block`, block-major channel order.
    public mutating func spaceToDepth(_ x: Int, block: Int = 2, name: String) -> Int {
        let s = tensors[x].shape
        let y = addActivation(name, [s[0], s[1] / block, s[2] / block, s[3] * block * block], zeroPoint: zeroPoint(x))
        operations.append(Operator(kind: .spaceToDepth(SpaceToDepthParameters(blockSize: block)),
                                    inputs: [x], outputs: [y], name: name))
        return y
    }

    /// Channel concatenation.
    public mutating func concat(_ xs: [Int], name: String) -> Int {
        var s = tensors[xs[0]].shape
        s[3] = xs.reduce(0) { $0 + tensors[$1].shape[3] }
        let y = addActivation(name, s, zeroPoint: zeroPoint(xs[0]))
        operations.append(Operator(kind: .concatenation(axis: 3), inputs: xs, outputs: [y], name: name))
        return y
    }

    /// Fully connected layer over the flattened input.
    public mutating func fullyConnected(_ x: Int, units: Int, name: String) -> Int {
        let depth = tensors[x].elementCount / tensors[x].shape[0]
        let w = addConstant(name + "/weights", [units, depth], bytes: weights(units * depth))
        let outZp: Int32 = arithmetic == .skrskr ? 0 : Int32(uniform(-20...20))
        let (acc, rq, bias) = arithmeticFor(channels: units, fanIn: depth, raw: false, outputZeroPoint: outZp)
        var rq2 = rq
        if case .fixedPoint(var q) = rq { q.activationMin = -128; rq2 = .fixedPoint(q) }
        let y = addActivation(name, [tensors[x].shape[0], units], zeroPoint: outZp)
        let p = FullyConnectedParameters(inputOffset: arithmetic == .skrskr ? 0 : -zeroPoint(x), bias: bias,
                                         accumulator: acc, requantizer: rq2)
        operations.append(Operator(kind: .fullyConnected(p), inputs: [x, w], outputs: [y], name: name))
        return y
    }

    /// The model, validated; `outputs` are tensor indices returned by the builder calls.
    public func build(outputs: [Int], metadata: [String: String] = [:]) throws(DSCError) -> Model {
        try Model(tensors: tensors, operations: operations, inputs: inputs, outputs: outputs, metadata: metadata,
                  format: "builtin")
    }
}
