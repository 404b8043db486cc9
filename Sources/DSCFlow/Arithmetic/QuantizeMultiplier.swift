/// TFLite's `QuantizeMultiplier`: a positive real multiplier as (m, shift) with
/// real = m · 2^(shift − 31), m in [2^30, 2^31). (tensorflow/lite/kernels/internal/quantization_util.cc)
public struct QuantizedMultiplier: Sendable, Equatable {
    /// The Q31 multiplier M (2^30 ≤ M < 2^31 for a non-zero real; 0 for 0).
    public var multiplier: Int32
    /// The power-of-two exponent S: real ≈ M · 2^(S − 31) (S > 0 a left shift, S < 0 a right shift).
    public var shift: Int32

    /// A multiplier and shift as TFLite stores them.
    public init(multiplier: Int32, shift: Int32) {
        self.multiplier = multiplier
        self.shift = shift
    }

    /// `QuantizeMultiplier(d)`: frexp, round half away from zero of q·2^31, renormalise 2^31,
    /// flush to (0, 0) below 2^−31·2^−31. Non-finite or negative inputs give (0, 0).
    public init(_ d: Double) {
        guard d.isFinite, d > 0 else {
            self.init(multiplier: 0, shift: 0)
            return
        }
        // frexp: d = q · 2^e with q in [0.5, 1). Swift's exponent is for a significand in [1, 2).
        var e = Int(d.exponent) + 1
        let q = d / Double(sign: .plus, exponent: e, significand: 1)
        var qFixed = (q * 2147483648.0).rounded(.toNearestOrAwayFromZero)
        if qFixed == 2147483648.0 {
            qFixed /= 2
            e += 1
        }
        if e < -31 {
            self.init(multiplier: 0, shift: 0)
            return
        }
        if e > 31 {
            // Unrepresentable (TFLite would CHECK-fail); saturate to the largest multiplier.
            self.init(multiplier: Int32.max, shift: 31)
            return
        }
        self.init(multiplier: Int32(qFixed), shift: Int32(e))
    }

    /// The real multiplier this pair stands for.
    public var realValue: Double {
        Double(multiplier) * Double(sign: .plus, exponent: Int(shift) - 31, significand: 1)
    }
}

/// TFLite's `CalculateActivationRangeQuantized`: `Q(f) = zp + (int)round_half_away(f / s)` in float32.
public enum ActivationFunction: UInt8, Sendable {
    case none = 0, relu = 1, reluN1To1 = 2, relu6 = 3

    /// The option's name in messages and on the command line.
    public var name: String {
        switch self {
        case .none: return "NONE"
        case .relu: return "RELU"
        case .reluN1To1: return "RELU_N1_TO_1"
        case .relu6: return "RELU6"
        }
    }

    /// The clamp range of the quantized output (scale `s`, zero point `zp`, element range `type`).
    public func range(scale s: Float, zeroPoint zp: Int32, type: ElementType) -> (min: Int32, max: Int32) {
        let qmin = type.range.lowerBound, qmax = type.range.upperBound
        func quantize(_ f: Float) -> Int32 {
            let v = (f / s).rounded(.toNearestOrAwayFromZero)
            // Clamp before converting: a tiny scale must not trap.
            let clamped = Float(zp) + max(min(v, 4.0e9), -4.0e9)
            return Int32(clamping: Int64(max(min(clamped, 2147483647.0), -2147483648.0)))
        }
        switch self {
        case .none: return (qmin, qmax)
        case .relu: return (max(qmin, quantize(0)), qmax)
        case .relu6: return (max(qmin, quantize(0)), min(qmax, quantize(6)))
        case .reluN1To1: return (max(qmin, quantize(-1)), min(qmax, quantize(1)))
        }
    }
}
