/// The pieces of gemmlowp's `fixedpoint.h` that int8 softmax needs, on raw int32 values.
/// A value with I integer bits has 31 − I fractional bits; products of an I1- and an I2-bit value
/// are (I1 + I2)-bit values computed with SRDHM. Additions wrap, as int32 addition does in the C++.
enum GemmlowpFixedPoint {
    /// `SaturatingRoundingMultiplyByPOT<exponent>`.
    @inline(__always)
    static func saturatingRoundingMultiplyByPOT(_ x: Int32, _ exponent: Int) -> Int32 {
        if exponent == 0 { return x }
        if exponent < 0 { return roundingDivideByPOT(x, Int32(-exponent)) }
        let threshold = Int32((Int64(1) << Int64(31 - exponent)) - 1)
        if x > threshold { return Int32.max }
        if x < -threshold { return Int32.min }
        return x &<< Int32(exponent)
    }

    /// `Rescale<to>(FixedPoint<from>)`.
    @inline(__always)
    static func rescale(_ x: Int32, from: Int, to: Int) -> Int32 {
        saturatingRoundingMultiplyByPOT(x, from - to)
    }

    @inline(__always)
    static func mul(_ a: Int32, _ b: Int32) -> Int32 { saturatingRoundingDoublingHighMul(a, b) }

    /// `RoundingHalfSum`.
    @inline(__always)
    static func roundingHalfSum(_ a: Int32, _ b: Int32) -> Int32 {
        let sum = Int64(a) + Int64(b)
        let sign: Int64 = sum >= 0 ? 1 : -1
        let r = (sum + sign)
        return Int32(truncatingIfNeeded: r >= 0 ? r / 2 : -((-r) / 2))
    }

    /// exp(a) for a in [−1/4, 0), a and result with 0 integer bits.
    static func expOnIntervalBetweenNegativeOneQuarterAnd0Excl(_ a: Int32) -> Int32 {
        let constantTerm: Int32 = 1895147668        // exp(−1/8)
        let constant1Over3: Int32 = 715827883
        let x = a &+ (1 << 28)                      // a + 1/8
        let x2 = mul(x, x)
        let x3 = mul(x2, x)
        let x4 = mul(x2, x2)
        let x4Over4 = saturatingRoundingMultiplyByPOT(x4, -2)
        let poly = saturatingRoundingMultiplyByPOT(mul(x4Over4 &+ x3, constant1Over3) &+ x2, -1)
        return constantTerm &+ mul(constantTerm, x &+ poly)
    }

    /// `exp_on_negative_values` for an input with `integerBits` integer bits; result has 0.
    static func expOnNegativeValues(_ a: Int32, integerBits: Int) -> Int32 {
        let fractionalBits = 31 - integerBits
        let oneQuarter = Int32(1) << Int32(fractionalBits - 2)
        let mask = oneQuarter &- 1
        let aModQuarterMinusOneQuarter = (a & mask) &- oneQuarter
        var result = expOnIntervalBetweenNegativeOneQuarterAnd0Excl(
            rescale(aModQuarterMinusOneQuarter, from: integerBits, to: 0))
        let remainder = aModQuarterMinusOneQuarter &- a
        // Barrel shifter over the integer part of −a: exp(−2^k) for k = −2…4 (no array: run must not allocate).
        // (A static helper, not a nested function: a captured `var` is heap-boxed in unoptimised builds.)
        result = barrelStep(result, remainder, integerBits, fractionalBits, -2, 1672461947)
        result = barrelStep(result, remainder, integerBits, fractionalBits, -1, 1302514674)
        result = barrelStep(result, remainder, integerBits, fractionalBits, 0, 790015084)
        result = barrelStep(result, remainder, integerBits, fractionalBits, 1, 290630308)
        result = barrelStep(result, remainder, integerBits, fractionalBits, 2, 39332535)
        result = barrelStep(result, remainder, integerBits, fractionalBits, 3, 720401)
        result = barrelStep(result, remainder, integerBits, fractionalBits, 4, 242)
        if integerBits > 5 {
            let clampB = 36 - integerBits
            let clamp = -(Int32(1) << Int32(clampB))
            if a < clamp { result = 0 }
        }
        if a == 0 { result = Int32.max }
        return result
    }

    /// One stage of `exp_on_negative_values`' barrel shifter: multiply by exp(−2^exponent) if that bit
    /// of the remainder is set.
    @inline(__always)
    static func barrelStep(_ result: Int32, _ remainder: Int32, _ integerBits: Int, _ fractionalBits: Int,
                           _ exponent: Int, _ multiplier: Int32) -> Int32 {
        guard integerBits > exponent else { return result }
        if remainder & (Int32(1) << Int32(fractionalBits + exponent)) != 0 { return mul(result, multiplier) }
        return result
    }

    /// `one_over_one_plus_x_for_x_in_0_1`: input and result with 0 integer bits.
    static func oneOverOnePlusXForXIn01(_ a: Int32) -> Int32 {
        let halfDenominator = roundingHalfSum(a, Int32.max)
        let constant48Over17: Int32 = 1515870810           // 2 integer bits
        let constantNeg32Over17: Int32 = -1010580540        // 2 integer bits
        var x = constant48Over17 &+ mul(halfDenominator, constantNeg32Over17)
        let oneF2: Int32 = 1 << 29
        for _ in 0..<3 {
            let halfDenominatorTimesX = mul(halfDenominator, x)              // 2 integer bits
            let oneMinus = oneF2 &- halfDenominatorTimesX
            x = x &+ rescale(mul(x, oneMinus), from: 4, to: 2)
        }
        // ExactMulByPot<-1>: 2 → 1 integer bits, same raw value; then Rescale<0>.
        return rescale(x, from: 1, to: 0)
    }

    /// TFLite `GetReciprocal(x, xIntegerDigits)`: returns (raw 0-integer-bit scale, numBitsOverUnit).
    static func reciprocal(_ x: Int32, integerDigits: Int) -> (Int32, Int) {
        let headroomPlusOne = UInt32(bitPattern: x).leadingZeroBitCount
        let numBitsOverUnit = integerDigits - headroomPlusOne
        let shifted = (UInt32(bitPattern: x) &<< UInt32(headroomPlusOne)) &- (UInt32(1) << 31)
        return (oneOverOnePlusXForXIn01(Int32(bitPattern: shifted)), numBitsOverUnit)
    }
}
