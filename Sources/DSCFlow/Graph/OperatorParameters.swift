/// Padding as declared by the model; the resolved amounts live in `Window2D`.
public enum PaddingMode: UInt8, Sendable {
    case same = 0, valid = 1, explicit = 2

    /// The mode's TFLite name.
    public var name: String {
        switch self {
        case .same: return "SAME"
        case .valid: return "VALID"
        case .explicit: return "EXPLICIT"
        }
    }
}

/// A 2-D sliding window over NHWC data: kernel size, stride, dilation and resolved padding.
public struct Window2D: Sendable, Equatable {
    /// Window size in rows and columns.
    public var kernelHeight: Int, kernelWidth: Int
    /// Step between windows.
    public var strideHeight: Int, strideWidth: Int
    /// Step between taps of one window (1: dense).
    public var dilationHeight: Int, dilationWidth: Int
    /// The padding the model declared (the resolved amounts follow).
    public var padding: PaddingMode
    /// Resolved padding in pixels on each side.
    public var padTop: Int, padLeft: Int, padBottom: Int, padRight: Int

    /// A window with its padding already resolved.
    public init(kernelHeight: Int, kernelWidth: Int, strideHeight: Int, strideWidth: Int,
                dilationHeight: Int = 1, dilationWidth: Int = 1, padding: PaddingMode,
                padTop: Int = 0, padLeft: Int = 0, padBottom: Int = 0, padRight: Int = 0) {
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.strideHeight = strideHeight
        self.strideWidth = strideWidth
        self.dilationHeight = dilationHeight
        self.dilationWidth = dilationWidth
        self.padding = padding
        self.padTop = padTop
        self.padLeft = padLeft
        self.padBottom = padBottom
        self.padRight = padRight
    }

    /// TFLite `ComputePaddingHeightWidth` for one axis: output size and (before, after) padding.
    /// Returns nil when the numbers are out of range (caller reports the error).
    public static func resolve(input: Int, kernel: Int, stride: Int, dilation: Int, mode: PaddingMode)
        -> (output: Int, before: Int, after: Int)? {
        guard input >= 0, kernel >= 1, stride >= 1, dilation >= 1,
              kernel <= 1 << 20, dilation <= 1 << 20, input <= 1 << 30, stride <= 1 << 30 else { return nil }
        let effective = (kernel - 1) * dilation + 1
        let out: Int
        switch mode {
        case .same: out = (input + stride - 1) / stride
        case .valid, .explicit: out = (input + stride - effective) / stride
        }
        guard out >= 1 else { return nil }
        let total = max((out - 1) * stride + effective - input, 0)
        return (out, total / 2, total - total / 2)
    }

    /// Output extent of this window along an axis of size `input`, given the resolved padding.
    public func outputSize(inputHeight: Int, inputWidth: Int) -> (Int, Int) {
        let eh = (kernelHeight - 1) * dilationHeight + 1
        let ew = (kernelWidth - 1) * dilationWidth + 1
        return ((inputHeight + padTop + padBottom - eh) / strideHeight + 1,
                (inputWidth + padLeft + padRight - ew) / strideWidth + 1)
    }
}

/// Conv2D and DepthwiseConv2D. Inputs: [input, filter(, bias)]. Conv filters are OHWI (with
/// I = input channels / groups); depthwise filters are [1, KH, KW, IC·depthMultiplier].
///
/// acc[c] = Σ w · (x̃ + inputOffset), x̃ = x inside the image and `paddingValue` outside;
/// then acc + bias[c] → requantizer.
public struct ConvolutionParameters: Sendable {
    /// Kernel, stride, dilation and padding.
    public var window: Window2D
    /// Depthwise only: output channels per input channel.
    public var depthMultiplier: Int
    /// Added to every input value (TFLite: −zero point).
    public var inputOffset: Int32
    /// The raw input value of taps outside the image (TFLite: the input zero point, i.e. no contribution).
    public var paddingValue: Int32
    /// Per output channel; empty means zero.
    public var bias: [Int32]
    /// How products are summed (int32, or saturating per channel block).
    public var accumulator: Accumulator
    /// How the accumulator plus bias becomes the output value.
    public var requantizer: Requantizer
    /// The fused activation the model declared (informational; the clamp lives in the requantizer).
    public var activation: ActivationFunction

    /// Conv or depthwise parameters (TFLite: inputOffset = −zp, paddingValue = zp).
    public init(window: Window2D, depthMultiplier: Int = 1, inputOffset: Int32, paddingValue: Int32,
                bias: [Int32], accumulator: Accumulator = .int32, requantizer: Requantizer,
                activation: ActivationFunction = .none) {
        self.window = window
        self.depthMultiplier = depthMultiplier
        self.inputOffset = inputOffset
        self.paddingValue = paddingValue
        self.bias = bias
        self.accumulator = accumulator
        self.requantizer = requantizer
        self.activation = activation
    }
}

/// FullyConnected. Inputs: [input, weights [units, depth](, bias)]. The input is read as
/// [elements / depth, depth].
public struct FullyConnectedParameters: Sendable {
    /// Added to every input value (TFLite: −input zero point).
    public var inputOffset: Int32
    /// Added to every weight (TFLite: −weight zero point, normally 0).
    public var weightOffset: Int32
    /// Per output unit; empty means zero.
    public var bias: [Int32]
    /// How products are summed.
    public var accumulator: Accumulator
    /// How the accumulator plus bias becomes the output value.
    public var requantizer: Requantizer
    /// The fused activation the model declared (informational).
    public var activation: ActivationFunction

    /// FullyConnected parameters.
    public init(inputOffset: Int32, weightOffset: Int32 = 0, bias: [Int32], accumulator: Accumulator = .int32,
                requantizer: Requantizer, activation: ActivationFunction = .none) {
        self.inputOffset = inputOffset
        self.weightOffset = weightOffset
        self.bias = bias
        self.accumulator = accumulator
        self.requantizer = requantizer
        self.activation = activation
    }
}

/// AveragePool2D / MaxPool2D: window clipped to the image, result clamped to [min, max].
public struct PoolParameters: Sendable {
    /// Window, stride and padding (no dilation).
    public var window: Window2D
    /// Lower clamp of the result.
    public var activationMin: Int32
    /// Upper clamp of the result.
    public var activationMax: Int32
    /// The fused activation the model declared (informational).
    public var activation: ActivationFunction

    /// Pooling parameters.
    public init(window: Window2D, activationMin: Int32, activationMax: Int32, activation: ActivationFunction = .none) {
        self.window = window
        self.activationMin = activationMin
        self.activationMax = activationMax
        self.activation = activation
    }
}

/// Mean over `axes` (TFLite Micro int8 arithmetic). `multiplier`/`shift` = QuantizeMultiplier(s_in/s_out).
public struct MeanParameters: Sendable {
    /// The reduced dimensions, ascending, each once.
    public var axes: [Int]
    /// Keep reduced dimensions as 1s in the output shape.
    public var keepDims: Bool
    /// The input's zero point.
    public var inputZeroPoint: Int32
    /// The output's zero point.
    public var outputZeroPoint: Int32
    /// QuantizeMultiplier(s_in / s_out): Q31 multiplier.
    public var multiplier: Int32
    /// QuantizeMultiplier(s_in / s_out): exponent.
    public var shift: Int32

    /// Mean parameters.
    public init(axes: [Int], keepDims: Bool, inputZeroPoint: Int32, outputZeroPoint: Int32, multiplier: Int32,
                shift: Int32) {
        self.axes = axes
        self.keepDims = keepDims
        self.inputZeroPoint = inputZeroPoint
        self.outputZeroPoint = outputZeroPoint
        self.multiplier = multiplier
        self.shift = shift
    }
}

/// Add with broadcasting (TFLite int8 arithmetic: both inputs scaled to 2·max(s1, s2) with 20 bits of headroom).
public struct AddParameters: Sendable {
    /// Added to each input (−zero points).
    public var input1Offset: Int32, input2Offset: Int32
    /// Headroom shift applied to both offset inputs (20 for int8).
    public var leftShift: Int32
    /// Input 1's rescale to the common scale (MultiplyByQuantizedMultiplier).
    public var input1Multiplier: Int32, input1Shift: Int32
    /// Input 2's rescale to the common scale.
    public var input2Multiplier: Int32, input2Shift: Int32
    /// The sum's rescale to the output scale.
    public var outputMultiplier: Int32, outputShift: Int32
    /// The output zero point.
    public var outputOffset: Int32
    /// The output clamp (fused activation).
    public var activationMin: Int32, activationMax: Int32
    /// The fused activation the model declared (informational).
    public var activation: ActivationFunction

    /// Add parameters as TFLite's `PrepareGeneralAddSub` computes them.
    public init(input1Offset: Int32, input2Offset: Int32, leftShift: Int32, input1Multiplier: Int32,
                input1Shift: Int32, input2Multiplier: Int32, input2Shift: Int32, outputMultiplier: Int32,
                outputShift: Int32, outputOffset: Int32, activationMin: Int32, activationMax: Int32,
                activation: ActivationFunction = .none) {
        self.input1Offset = input1Offset
        self.input2Offset = input2Offset
        self.leftShift = leftShift
        self.input1Multiplier = input1Multiplier
        self.input1Shift = input1Shift
        self.input2Multiplier = input2Multiplier
        self.input2Shift = input2Shift
        self.outputMultiplier = outputMultiplier
        self.outputShift = outputShift
        self.outputOffset = outputOffset
        self.activationMin = activationMin
        self.activationMax = activationMax
        self.activation = activation
    }
}

/// Pad: `paddings[d] = (before, after)` per dimension of the input; new cells hold `value`.
public struct PadParameters: Sendable {
    /// Cells added before and after each dimension.
    public var paddings: [(before: Int, after: Int)]
    /// The raw value of the new cells.
    public var value: Int32

    /// Pad parameters.
    public init(paddings: [(before: Int, after: Int)], value: Int32) {
        self.paddings = paddings
        self.value = value
    }
}

/// The channel order of space-to-depth (reorg).
public enum SpaceToDepthOrder: UInt8, Sendable {
    /// Output channel (dy·b + dx)·C + c: TFLite SPACE_TO_DEPTH, PyTorch-SkyNet's reorg, SkrSkr.
    case blockMajor = 0
    /// Output channel c·b² + dy·b + dx: PyTorch `pixel_unshuffle` order.
    case channelMajor = 1

    /// The order's name in messages.
    public var name: String { self == .blockMajor ? "block-major" : "channel-major" }
}

/// Space-to-depth (reorg): each block × block patch becomes one pixel with block² · C channels.
public struct SpaceToDepthParameters: Sendable {
    /// The patch side.
    public var blockSize: Int
    /// How the patch's pixels and channels are ordered in the output channels.
    public var order: SpaceToDepthOrder

    /// Space-to-depth parameters (TFLite's block-major order by default).
    public init(blockSize: Int, order: SpaceToDepthOrder = .blockMajor) {
        self.blockSize = blockSize
        self.order = order
    }
}

/// Int8 softmax (TFLite gemmlowp arithmetic, output scale 1/256 and zero point −128).
public struct SoftmaxParameters: Sendable {
    /// The softmax temperature (TFLite's beta).
    public var beta: Float
    /// Q31 multiplier of beta · input scale (TFLite `PreprocessSoftmaxScaling`).
    public var inputMultiplier: Int32
    /// Its left shift.
    public var inputLeftShift: Int32
    /// Inputs further below the row's maximum than this contribute 0 (`CalculateInputRadius`).
    public var diffMin: Int32

    /// Softmax parameters already computed.
    public init(beta: Float, inputMultiplier: Int32, inputLeftShift: Int32, diffMin: Int32) {
        self.beta = beta
        self.inputMultiplier = inputMultiplier
        self.inputLeftShift = inputLeftShift
        self.diffMin = diffMin
    }

    /// TFLite `PreprocessSoftmaxScaling` + `CalculateInputRadius` with 5 integer bits.
    public init(beta: Float, inputScale: Float) {
        let integerBits = 5
        let maxReal = Double((Int64(1) << 31) - 1)
        let real = min(Double(beta) * Double(inputScale) * Double(Int64(1) << (31 - integerBits)), maxReal)
        // QuantizeMultiplierGreaterThanOne
        let q = QuantizedMultiplier(real)
        let leftShift = max(q.shift, 0)
        let maxInputRescaled = Double((1 << integerBits) - 1) * Double(Int64(1) << (31 - integerBits))
            / Double(Int64(1) << Int64(leftShift))
        self.init(beta: beta, inputMultiplier: q.multiplier, inputLeftShift: leftShift,
                  diffMin: -Int32(clamping: Int64(maxInputRescaled.rounded(.down))))
    }
}

/// One output row (or column) of a bilinear resize: the two source rows it blends and the weight of
/// the second, in units of 2^−fractionBits (the first gets 2^fractionBits − weight).
public struct ResizeTap: Sendable, Equatable {
    /// The first source row (or column).
    public var low: Int32
    /// The second source row (or column); equal to `low` at a border.
    public var high: Int32
    /// The weight of `high`, 0…2^fractionBits.
    public var weight: Int32

    /// A tap.
    public init(low: Int32, high: Int32, weight: Int32) {
        self.low = low
        self.high = high
        self.weight = weight
    }
}

/// Integer bilinear resize with exact tabulated weights (UltraNet's on-chip `hls::Resize_opr_linear`;
/// `ResizeBilinearParameters.hlsLinear`). Per output pixel (y, x) and channel, with row tap
/// (r0, r1, v) = rows[y], column tap (c0, c1, u) = columns[x], Fy / Fx the fraction bits:
///
///     s = (2^Fy − v)·((2^Fx − u)·in[r0][c0] + u·in[r0][c1]) + v·((2^Fx − u)·in[r1][c0] + u·in[r1][c1])
///     out = clamp((s + 2^(Fy+Fx−1)) >> (Fy+Fx), type range)
///
/// (round half up; no rounding term when Fy + Fx = 0). The sum is exact in 32 bits (Fy, Fx ≤ 11).
public struct ResizeBilinearParameters: Sendable, Equatable {
    /// Fraction bits of the row weights (0…11).
    public var rowFractionBits: Int
    /// Fraction bits of the column weights (0…11).
    public var columnFractionBits: Int
    /// One tap per output row.
    public var rows: [ResizeTap]
    /// One tap per output column.
    public var columns: [ResizeTap]

    /// A resize with these tables.
    public init(rowFractionBits: Int, columnFractionBits: Int, rows: [ResizeTap], columns: [ResizeTap]) {
        self.rowFractionBits = rowFractionBits
        self.columnFractionBits = columnFractionBits
        self.rows = rows
        self.columns = columns
    }

    /// The mapping of `hls::Resize_opr_linear` (Vivado HLS video library) for one axis of a downscale
    /// from `source` to `destination` samples: source position f = (d + ½)·source/destination − ½,
    /// low = ⌊f⌋, weight = f − low, high = min(low + 1, source − 1). Its fixed-point rate (16 fraction
    /// bits) and offset (10 bits) are exact — and this table is then the HLS arithmetic itself — when
    /// source · 2^9 is a multiple of `destination`; the weights then need at most 10 fraction bits.
    /// Returns (fraction bits, taps), or nil when source < destination, either is not positive, or the
    /// HLS arithmetic would not be exact.
    public static func hlsLinearAxis(source: Int, destination: Int) -> (fractionBits: Int, taps: [ResizeTap])? {
        guard destination >= 1, source >= destination, source <= 1 << 20, (source << 9) % destination == 0 else { return nil }
        // f = ((2d + 1)·S − D) / (2D): numerators over 2D, made exact with F fraction bits.
        let den = 2 * destination
        var bits = 0
        while bits <= 10 {
            let ok = (0..<destination).allSatisfy { d in ((((2 * d + 1) * source - destination) % den) << bits) % den == 0 }
            if ok { break }
            bits += 1
        }
        guard bits <= 10 else { return nil }
        let taps = (0..<destination).map { d -> ResizeTap in
            let num = (2 * d + 1) * source - destination
            let low = num / den
            let weight = ((num % den) << bits) / den
            return ResizeTap(low: Int32(low), high: Int32(min(low + 1, source - 1)), weight: Int32(weight))
        }
        return (bits, taps)
    }

    /// `hlsLinearAxis` on both axes: the resize `hls::Resize_opr_linear` computes from
    /// `inputHeight`×`inputWidth` to `outputHeight`×`outputWidth` (nil where that axis is not exact).
    public static func hlsLinear(inputHeight: Int, inputWidth: Int, outputHeight: Int, outputWidth: Int) -> ResizeBilinearParameters? {
        guard let r = hlsLinearAxis(source: inputHeight, destination: outputHeight),
              let c = hlsLinearAxis(source: inputWidth, destination: outputWidth) else { return nil }
        return ResizeBilinearParameters(rowFractionBits: r.fractionBits, columnFractionBits: c.fractionBits,
                                        rows: r.taps, columns: c.taps)
    }
}
