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
