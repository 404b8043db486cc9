/// How `MultiplyByQuantizedMultiplier` rounds. TFLite Micro, CMSIS-NN and TFLite's reference kernels
/// use `double` (gemmlowp SRDHM then rounding shift); `single` is the `TFLITE_SINGLE_ROUNDING` build.
public enum RoundingMode: UInt8, Sendable {
    case double = 0
    case single = 1
}

/// gemmlowp `SaturatingRoundingDoublingHighMul`: (a·b·2 + 2^31 rounded) >> 32, with the single
/// overflow case INT32_MIN·INT32_MIN saturated to INT32_MAX. Division truncates toward zero.
@inlinable @inline(__always)
public func saturatingRoundingDoublingHighMul(_ a: Int32, _ b: Int32) -> Int32 {
    if a == b && a == Int32.min { return Int32.max }
    let ab = Int64(a) &* Int64(b)
    let nudge: Int64 = ab >= 0 ? (1 << 30) : (1 - (1 << 30))
    let sum = ab &+ nudge
    // C++ integer division truncates toward zero.
    let q = sum >= 0 ? sum >> 31 : -((-sum) >> 31)
    return Int32(truncatingIfNeeded: q)
}

/// gemmlowp `RoundingDivideByPOT`: arithmetic shift right by `exponent` (0…31), rounding to nearest
/// with ties away from zero.
@inlinable @inline(__always)
public func roundingDivideByPOT(_ x: Int32, _ exponent: Int32) -> Int32 {
    if exponent > 31 {
        // Outside gemmlowp's asserted range (its C++ is undefined there): the exact rounded quotient.
        let e = Int64(min(exponent, 62)), x64 = Int64(x)
        let mask = (Int64(1) << e) - 1
        let threshold = (mask >> 1) + (x64 < 0 ? 1 : 0)
        return Int32(truncatingIfNeeded: (x64 >> e) + ((x64 & mask) > threshold ? 1 : 0))
    }
    let mask = Int32(truncatingIfNeeded: (Int64(1) << Int64(exponent)) &- 1)
    let remainder = x & mask
    let threshold = (mask >> 1) &+ (x < 0 ? 1 : 0)
    return (x >> exponent) &+ (remainder > threshold ? 1 : 0)
}

/// TFLite `MultiplyByQuantizedMultiplier(x, m, shift)`.
/// Double rounding: `RDBPOT(SRDHM(x · 2^max(s,0), m), max(−s,0))` (the left shift wraps as in C).
/// Single rounding: `(x·m + 2^(t−1)) >> t` with `t = 31 − s`, `s` clamped to −31…30.
@inlinable @inline(__always)
public func multiplyByQuantizedMultiplier(_ x: Int32, _ m: Int32, _ shift: Int32,
                                          rounding: RoundingMode = .double) -> Int32 {
    switch rounding {
    case .double:
        let left = shift > 0 ? shift : 0
        let right = shift > 0 ? 0 : -shift
        return roundingDivideByPOT(saturatingRoundingDoublingHighMul(x &<< left, m), min(right, 31))
    case .single:
        let s = min(max(shift, -31), 30)
        let total = Int64(31 - s)
        let round = Int64(1) << (total - 1)
        let r = (Int64(x) &* Int64(m) &+ round) >> total
        return Int32(truncatingIfNeeded: r)
    }
}
