/// How a conv-like operator's accumulator is formed, before the bias is added.
public enum Accumulator: Sendable, Equatable {
    /// 32-bit two's complement, wrapping (what TFLite's int32 accumulators do in practice).
    case int32
    /// A `bits`-wide signed accumulator saturated after every block of `channelBlock` input channels,
    /// in ascending channel order (the SkrSkr/SEUer pointwise engine: 19 bits, blocks of 16). For
    /// depthwise ops the block is the whole window.
    case saturating(bits: Int, channelBlock: Int)

    /// The accumulator as `info` prints it (`int32`, `sat19/16ch`).
    public var description: String {
        switch self {
        case .int32: return "int32"
        case .saturating(let bits, let block): return "sat\(bits)/\(block)ch"
        }
    }
}

/// How an accumulator (after the bias) becomes an output value. Each conv-like operator carries one,
/// so arithmetic schemes other than TFLite's fit without changing the kernels' structure.
public enum Requantizer: Sendable {
    /// TFLite int8: `clamp(MultiplyByQuantizedMultiplier(acc, M[c], S[c]) + zp, min, max)`.
    /// The rounding (double by default, single optional) is chosen per session.
    case fixedPoint(FixedPointRequantizer)
    /// SkrSkr/SEUer accelerators: `clamp(floor(max(acc, 0)·M[c] / 2^shift), min, max)`
    /// (ReLU before the multiply; negative M gives 0).
    case mulShift(MulShiftRequantizer)
    /// No requantization: the raw accumulator (plus bias) is stored (int32 output).
    case none
    /// UltraNet's BN + quantised ReLU: v = acc·M[c] + A[c] in wrapping int32, then
    /// `v > 0 ? min((v + 2^(S−1)) >> S, max) : 0` (`MultiplyAddShiftRequantizer`).
    case multiplyAddShift(MultiplyAddShiftRequantizer)

    /// The requantizer's short name (`tflite`, `mulshift`, `raw`).
    public var name: String {
        switch self {
        case .fixedPoint: return "tflite"
        case .mulShift: return "mulshift"
        case .none: return "raw"
        case .multiplyAddShift: return "muladdshift"
        }
    }
}

/// TFLite's requantizer: out = clamp(MultiplyByQuantizedMultiplier(acc, M[c], S[c]) + zp, min, max)
/// with gemmlowp double rounding (or single rounding, per session). Sign conventions as TFLite's:
/// S[c] > 0 shifts left before the multiply, S[c] < 0 is a rounding right shift after it
/// (`QuantizedMultiplier`); M[c] is a Q31 value in [2^30, 2^31) for a positive real.
public struct FixedPointRequantizer: Sendable {
    /// Per output channel (one entry broadcast to all channels is allowed).
    public var multipliers: [Int32]
    /// Per output channel power-of-two exponent S (−31…31; see the type's documentation).
    public var shifts: [Int32]
    /// Added after the multiply.
    public var outputZeroPoint: Int32
    /// Lower clamp (the fused activation and the output type).
    public var activationMin: Int32
    /// Upper clamp.
    public var activationMax: Int32

    /// A TFLite requantizer (one multiplier/shift broadcast to every channel, or one per channel).
    public init(multipliers: [Int32], shifts: [Int32], outputZeroPoint: Int32, activationMin: Int32,
                activationMax: Int32) {
        self.multipliers = multipliers
        self.shifts = shifts
        self.outputZeroPoint = outputZeroPoint
        self.activationMin = activationMin
        self.activationMax = activationMax
    }
}

/// The SkrSkr/SEUer accelerators' requantizer: out = clamp(floor(max(acc, 0) · M[c] / 2^shift), min, max).
/// The right shift truncates toward −∞ (an arithmetic shift of the 64-bit product); a negative M[c]
/// with the ReLU gives at most 0.
public struct MulShiftRequantizer: Sendable {
    /// Per output channel multiplier (int16 on the accelerators).
    public var multipliers: [Int32]
    /// Right shift, truncating toward −∞ (17 on SkrSkr).
    public var shift: Int32
    /// Apply max(·, 0) before the multiply.
    public var reluBeforeMultiply: Bool
    /// Lower clamp (0 on the accelerators).
    public var outputMin: Int32
    /// Upper clamp (255 on the accelerators: uint8 activations).
    public var outputMax: Int32

    /// A mul-shift requantizer (SkrSkr: int16 multipliers, shift 17, ReLU first, [0, 255]).
    public init(multipliers: [Int32], shift: Int32, reluBeforeMultiply: Bool = true, outputMin: Int32 = 0,
                outputMax: Int32 = 255) {
        self.multipliers = multipliers
        self.shift = shift
        self.reluBeforeMultiply = reluBeforeMultiply
        self.outputMin = outputMin
        self.outputMax = outputMax
    }
}

/// UltraNet's requantizer (heheda365/ultra_net `function.h` `bn_qurelu`, ../shared/ultranet/FACTS.md §3):
/// the batch norm folded into an integer multiplier and addend per output channel, then a quantised
/// ReLU: v = acc·M[c] + A[c] truncated to 32 bits (`ap_int<32>`), and
///
///     out = v > 0 ? min((v + 2^(S−1)) >> S, max) : 0
///
/// (round half up by the added 2^(S−1), S = W_BIT − 1 + IN_BIT + L_SHIFT: 19 for UltraNet's first
/// layer, 15 for the others; max = 15 for 4-bit outputs). The conv's own `bias` is added to the
/// accumulator before (UltraNet has none there).
public struct MultiplyAddShiftRequantizer: Sendable {
    /// Per output channel multiplier M[c] (UltraNet's `inc`, 11–14 bits; one entry broadcast is allowed).
    public var multipliers: [Int32]
    /// Per output channel addend A[c] (UltraNet's `bias`, 21–26 bits), as many entries as `multipliers`.
    public var addends: [Int32]
    /// The rounding right shift S (0…31; 0 means no shift and no rounding term).
    public var shift: Int32
    /// The clip of positive results (15 on UltraNet), 0…the output type's maximum.
    public var outputMax: Int32

    /// A multiply-add-shift requantizer (UltraNet: 4-bit outputs, `outputMax` 15).
    public init(multipliers: [Int32], addends: [Int32], shift: Int32, outputMax: Int32 = 15) {
        self.multipliers = multipliers
        self.addends = addends
        self.shift = shift
        self.outputMax = outputMax
    }

    /// The output of channel `c` for the accumulator `acc` (bias already added): the definition above.
    @inlinable public func apply(_ acc: Int32, channel c: Int) -> Int32 {
        let m = multipliers[multipliers.count == 1 ? 0 : c], a = addends[addends.count == 1 ? 0 : c]
        return Self.apply(acc, multiplier: m, addend: a, shift: shift, outputMax: outputMax)
    }

    /// The formula on one value (the reference kernels' and the tables' single definition).
    @inlinable public static func apply(_ acc: Int32, multiplier m: Int32, addend a: Int32, shift: Int32,
                                        outputMax: Int32) -> Int32 {
        let v = acc &* m &+ a
        guard v > 0 else { return 0 }
        let rounding: Int64 = shift > 0 ? Int64(1) << Int64(shift - 1) : 0
        return Int32(min((Int64(v) + rounding) >> Int64(shift), Int64(outputMax)))
    }
}
