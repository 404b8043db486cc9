/// QuantizeLinear / DequantizeLinear between float32 and an 8-bit type (per tensor).
public struct LinearQuantizationParameters: Sendable, Equatable {
    /// Real value of one step (finite, > 0).
    public var scale: Float
    /// The integer that represents 0.
    public var zeroPoint: Int32

    /// Quantization parameters of one tensor.
    public init(scale: Float, zeroPoint: Int32) {
        self.scale = scale
        self.zeroPoint = zeroPoint
    }
}

/// QLinearAdd (com.microsoft) as ONNX Runtime's AVX2 kernel computes it on x86 (MLAS `qladd_avx2.cpp`):
/// c = saturate(roundHalfEven(fma(a, Rac, fma(b, Rbc, F)))) with Rac = s_a / s_c, Rbc = s_b / s_c and
/// F = z_c − fma(Rac, z_a, Rbc · z_b), every step float32 (the compiler fuses Rac·z_a + Rbc·z_b into one
/// FMA, as measured against the pip package; docs/ONNX.md).
public struct ORTAddParameters: Sendable {
    /// The two inputs' and the output's quantization.
    public var a: LinearQuantizationParameters, b: LinearQuantizationParameters, c: LinearQuantizationParameters
    /// s_a / s_c and s_b / s_c in float32.
    public var ratioA: Float, ratioB: Float
    /// F above.
    public var fixedPart: Float
    /// ONNX Runtime left the QDQ group unfused: c = QuantizeLinear(DequantizeLinear(a) + DequantizeLinear(b))
    /// with one float32 addition (exact per element; `ratioA`, `ratioB` and `fixedPart` are unused).
    public var floatPath = false

    /// The derived constants are computed here, in ONNX Runtime's order.
    public init(a: LinearQuantizationParameters, b: LinearQuantizationParameters, c: LinearQuantizationParameters) {
        self.a = a
        self.b = b
        self.c = c
        ratioA = a.scale / c.scale
        ratioB = b.scale / c.scale
        fixedPart = Float(c.zeroPoint) - (ratioB * Float(b.zeroPoint)).addingProduct(ratioA, Float(a.zeroPoint))
    }
}

/// QLinearAveragePool (com.microsoft) as ONNX Runtime computes it: each input dequantized to float32
/// (x_scale · (x − x_zp)), summed from 0 over the window clipped to the image in row-major order, divided
/// by the count (the window's, or the kernel's with `countIncludePad`), then roundHalfEven(avg / y_scale + y_zp)
/// (two float roundings) saturated.
public struct ORTAveragePoolParameters: Sendable {
    /// Kernel, strides and resolved padding.
    public var window: Window2D
    /// Divide by the kernel size even where the window is clipped.
    public var countIncludePad: Bool
    /// Input and output quantization.
    public var input: LinearQuantizationParameters, output: LinearQuantizationParameters

    /// Average-pool parameters.
    public init(window: Window2D, countIncludePad: Bool, input: LinearQuantizationParameters,
                output: LinearQuantizationParameters) {
        self.window = window
        self.countIncludePad = countIncludePad
        self.input = input
        self.output = output
    }
}

/// QLinearGlobalAveragePool (com.microsoft; also QLinearAveragePool whose kernel covers the whole image
/// without padding): acc = Σ x − x_zp · N in int32, then ONNX Runtime's requantization with the float32
/// scale x_scale / (y_scale · N) (MLAS `qlgavgpool.cpp`).
public struct ORTGlobalAveragePoolParameters: Sendable {
    /// The input's zero point.
    public var inputZeroPoint: Int32
    /// x_scale / (y_scale · N) in float32.
    public var scale: Float
    /// The output's zero point.
    public var outputZeroPoint: Int32

    /// Global-average-pool parameters (over the H and W of an NHWC input).
    public init(inputZeroPoint: Int32, scale: Float, outputZeroPoint: Int32) {
        self.inputZeroPoint = inputZeroPoint
        self.scale = scale
        self.outputZeroPoint = outputZeroPoint
    }
}

/// An 8-bit to 8-bit function given by its table: output byte = table[input byte] (QLinearConcat's
/// requantization of an input, a DequantizeLinear → Relu/Clip/MaxPool → QuantizeLinear group, ...).
public struct LookupTableParameters: Sendable {
    /// 256 entries, indexed by the input's raw byte (an int8 value v at index UInt8(bitPattern: v)).
    public var table: [UInt8]

    /// A table of 256 output bytes.
    public init(table: [UInt8]) { self.table = table }
}

/// QLinearSoftmax (com.microsoft) over the last axis as ONNX Runtime computes it: e = table[x − max(row)
/// + 255] (float32, built with the C library's exp), sum in float32 in order, then
/// clamp(roundHalfEven(e · Y / sum) + y_zp) with Y = floor(1 / y_scale).
public struct ORTSoftmaxParameters: Sendable {
    /// 256 float32 values: entry 255 − d is the exp of a row value d below the row's maximum (for int8
    /// input the table is stored in ONNX Runtime's signed order: entry UInt8(bitPattern: Int8(127 − d))).
    public var table: [Float]
    /// floor(1 / y_scale) in float32.
    public var outputScaleReciprocal: Float
    /// The output's zero point.
    public var outputZeroPoint: Int32

    /// Softmax parameters already tabulated.
    public init(table: [Float], outputScaleReciprocal: Float, outputZeroPoint: Int32) {
        self.table = table
        self.outputScaleReciprocal = outputScaleReciprocal
        self.outputZeroPoint = outputZeroPoint
    }
}

/// Which MLAS NCHWc convolution algorithm ONNX Runtime runs a float Conv with (its NchwcTransformer and
/// `MlasNchwcConv`); each fixes the order of the float32 additions (docs/ONNX.md, "The float path").
public enum ORTFloatConvAlgorithm: UInt8, Sendable {
    /// Fewer input channels than the block: one kernel call per input channel, each summing its taps
    /// from 0 (FMA, row-major), the calls' sums added in channel order.
    case nchw = 0
    /// Input in blocks of `blockSize` channels: per block the taps (row-major) × the block's channels
    /// summed from 0 with FMA, the blocks' sums added in order.
    case nchwc = 1
    /// 1×1 without padding: per batch of 128 input channels a sum from 0 with FMA, batches added in order.
    case pointwise = 2
    /// One input and one output channel per group: the taps summed from 0 with FMA.
    case depthwise = 3
    /// MLAS's generic float Conv (`MlasConv`: im2col then SGEMM), for the convs NchwcTransformer leaves
    /// alone: per output the taps in im2col order (input channel, row, column; padding taps are zeros).
    /// One output channel per group (depthwise, multiplier 1) runs `MlasSgemmKernelM1Avx`: products rounded,
    /// summed in groups of 4 (then 2, then 1), each group's sum added to the running total. Otherwise the
    /// SGEMM kernel: FMA from 0 within each K block of MLAS's stride (128 halved while ≥ K, doubled while
    /// the output size is small), the blocks' sums added in order.
    case generic = 4

    /// The algorithm's name in messages.
    public var name: String {
        switch self {
        case .nchw: return "nchw"
        case .nchwc: return "nchwc"
        case .pointwise: return "pointwise"
        case .depthwise: return "depthwise"
        case .generic: return "generic"
        }
    }
}

/// A QDQ Conv group that ONNX Runtime leaves unfused: DequantizeLinear of the 8-bit input, a float32
/// Conv as MLAS's NCHWc kernels compute it (`algorithm`), the bias added last, an optional ReLU/Clip
/// as the output clamp, then QuantizeLinear. Inputs: [input (8-bit NHWC), weights (float32 constant
/// OHWI, the DequantizeLinear values)].
public struct ORTFloatConvParameters: Sendable {
    /// Kernel, strides and resolved padding (dilation 1).
    public var window: Window2D
    /// Channel groups (input and output channels are divided evenly).
    public var groups: Int
    /// The MLAS algorithm.
    public var algorithm: ORTFloatConvAlgorithm
    /// The NCHWc channel block (16 on AVX-512F, 8 with AVX2 + FMA3, as ONNX Runtime picks per CPU).
    public var blockSize: Int
    /// Input and output quantization.
    public var input: LinearQuantizationParameters, output: LinearQuantizationParameters
    /// The DequantizeLinear values of the bias (empty: none).
    public var bias: [Float]
    /// The float activation after the bias (ReLU: lower 0; Clip: its bounds), applied as MLAS does
    /// (max then min, before QuantizeLinear).
    public var activationMin: Float, activationMax: Float

    /// Float-path convolution parameters.
    public init(window: Window2D, groups: Int, algorithm: ORTFloatConvAlgorithm, blockSize: Int,
                input: LinearQuantizationParameters, output: LinearQuantizationParameters, bias: [Float],
                activationMin: Float = -.infinity, activationMax: Float = .infinity) {
        self.window = window
        self.groups = groups
        self.algorithm = algorithm
        self.blockSize = blockSize
        self.input = input
        self.output = output
        self.bias = bias
        self.activationMin = activationMin
        self.activationMax = activationMax
    }
}

/// The order in which ONNX Runtime's float32 AveragePool (MLAS) sums a window (docs/ONNX.md, "Float pools").
public enum ORTFloatPoolOrder: UInt8, Sendable {
    /// Row by row, each row left to right (MLAS NCHWc pool, when the channels are a multiple of the
    /// NCHWc block; MLAS's generic 2-D kernel).
    case rowMajor = 0
    /// Each window column summed top to bottom, then the columns left to right (MLAS's vector 2-D kernel:
    /// stride width ≤ 2, kernel ≤ 32, input width plus padding ≤ 2044).
    case columnsFirst = 1
    /// The whole image in four interleaved float lanes (element i into lane i mod 4), the lanes added as
    /// (l0 + l2) + (l1 + l3), then the remainder (MLAS's global kernel: kernel = image, no padding, stride 1).
    case fourLanes = 2
}

/// ONNX Runtime's float32 AveragePool or MaxPool on an NHWC float32 tensor (floor output size): the average
/// is the window clipped to the image summed from its first element in `order`, divided (one float
/// division) by the clipped count, or by the kernel's size with `countIncludePad`; the maximum is order-free.
public struct ORTFloatPoolParameters: Sendable {
    /// Kernel, strides and resolved padding.
    public var window: Window2D
    /// A MaxPool (else an AveragePool).
    public var maximum: Bool
    /// Divide by the kernel size even where the window is clipped.
    public var countIncludePad: Bool
    /// The summation order of the average.
    public var order: ORTFloatPoolOrder

    /// Float pool parameters.
    public init(window: Window2D, maximum: Bool, countIncludePad: Bool, order: ORTFloatPoolOrder) {
        self.window = window
        self.maximum = maximum
        self.countIncludePad = countIncludePad
        self.order = order
    }
}
