@testable import DSCFlow
@testable import DSCFlowAccelerator
@testable import DSCFlowVision
import XCTest

/// gemmlowp / TFLite fixed-point primitives at their edges (values worked out by hand from
/// ../shared/oracle/ARITHMETIC.md).
final class ArithmeticTests: XCTestCase {
    func testSRDHMSaturatesTheOnlyOverflowingProduct() {
        XCTAssertEqual(saturatingRoundingDoublingHighMul(Int32.min, Int32.min), Int32.max)
        XCTAssertEqual(saturatingRoundingDoublingHighMul(Int32.max, Int32.max), Int32.max - 1)
        XCTAssertEqual(saturatingRoundingDoublingHighMul(Int32.min, Int32.max), Int32.min + 1)
    }

    func testSRDHMNudgesThenTruncatesTowardZero() {
        // 3·2^30·2 / 2^32 = 1.5 → (ab + 2^30) / 2^31 = 2
        XCTAssertEqual(saturatingRoundingDoublingHighMul(3, 1 << 30), 2)
        // −1.5 → (ab + 1 − 2^30) / 2^31 = −1.99… → −1 (C division truncates)
        XCTAssertEqual(saturatingRoundingDoublingHighMul(-3, 1 << 30), -1)
        XCTAssertEqual(saturatingRoundingDoublingHighMul(-5, 1 << 30), -2)
        XCTAssertEqual(saturatingRoundingDoublingHighMul(0, Int32.max), 0)
    }

    func testRoundingDivideByPOTRoundsHalfAwayFromZero() {
        XCTAssertEqual(roundingDivideByPOT(5, 1), 3)
        XCTAssertEqual(roundingDivideByPOT(-5, 1), -3)
        XCTAssertEqual(roundingDivideByPOT(6, 2), 2)   // 1.5 → 2
        XCTAssertEqual(roundingDivideByPOT(-6, 2), -2) // −1.5 → −2
        XCTAssertEqual(roundingDivideByPOT(-7, 2), -2) // −1.75 → −2
        XCTAssertEqual(roundingDivideByPOT(Int32.max, 31), 1)
        XCTAssertEqual(roundingDivideByPOT(Int32.min, 31), -1)
        XCTAssertEqual(roundingDivideByPOT(12345, 0), 12345)
    }

    func testQuantizeMultiplier() {
        XCTAssertEqual(QuantizedMultiplier(1.0), QuantizedMultiplier(multiplier: 1 << 30, shift: 1))
        XCTAssertEqual(QuantizedMultiplier(0.5), QuantizedMultiplier(multiplier: 1 << 30, shift: 0))
        XCTAssertEqual(QuantizedMultiplier(0.75), QuantizedMultiplier(multiplier: 1610612736, shift: 0))
        XCTAssertEqual(QuantizedMultiplier(0), QuantizedMultiplier(multiplier: 0, shift: 0))
        // Below 2^−32 the shift would be < −31: flushed to zero like TFLite.
        XCTAssertEqual(QuantizedMultiplier(0x1p-40), QuantizedMultiplier(multiplier: 0, shift: 0))
        // q·2^31 rounding up to 2^31 renormalises: 1 − 2^−33 → (2^30, 1).
        XCTAssertEqual(QuantizedMultiplier(1 - 0x1p-33), QuantizedMultiplier(multiplier: 1 << 30, shift: 1))
        // Hostile values never trap.
        XCTAssertEqual(QuantizedMultiplier(.nan), QuantizedMultiplier(multiplier: 0, shift: 0))
        XCTAssertEqual(QuantizedMultiplier(-1), QuantizedMultiplier(multiplier: 0, shift: 0))
        XCTAssertEqual(QuantizedMultiplier(.infinity), QuantizedMultiplier(multiplier: 0, shift: 0))
        XCTAssertEqual(QuantizedMultiplier(1e300).multiplier, Int32.max)
    }

    func testMultiplyByQuantizedMultiplierDoubleAndSingleRounding() {
        // 100 · 0.75 = 75 either way.
        XCTAssertEqual(multiplyByQuantizedMultiplier(100, 1610612736, 0), 75)
        XCTAssertEqual(multiplyByQuantizedMultiplier(100, 1610612736, 0, rounding: .single), 75)
        // Left shift: 2^20 · 4 · 0.5 = 2^21.
        XCTAssertEqual(multiplyByQuantizedMultiplier(1 << 20, 1 << 30, 2), 1 << 21)
        // x = 5, m = 0.5, shift −1: exact 1.25, but double rounding rounds 2.5 → 3 then 1.5 → 2.
        XCTAssertEqual(multiplyByQuantizedMultiplier(5, 1 << 30, -1), 2)
        XCTAssertEqual(multiplyByQuantizedMultiplier(5, 1 << 30, -1, rounding: .single), 1)
        // Double rounding rounds twice: x = 3, m = 0.5 (2^30), shift −1 → SRDHM(3, 2^30) = 2 (1.5 up),
        // then 2 / 2 = 1; single rounding computes 3 · 0.25 = 0.75 → 1. And x = −3: double → −1/2 → −1 (−0.5 away), single → round(−0.75 + 0.5) floor = −1.
        XCTAssertEqual(multiplyByQuantizedMultiplier(3, 1 << 30, -1), 1)
        XCTAssertEqual(multiplyByQuantizedMultiplier(3, 1 << 30, -1, rounding: .single), 1)
        // A case where they differ: x = 1, m = 0.75, shift −1 → exact 0.375.
        // Double: SRDHM(1, 0.75·2^31) = round(0.75) = 1, then 1/2 = 0.5 → 1. Single: 0.375 → 0.
        XCTAssertEqual(multiplyByQuantizedMultiplier(1, 1610612736, -1), 1)
        XCTAssertEqual(multiplyByQuantizedMultiplier(1, 1610612736, -1, rounding: .single), 0)
        // Extreme shifts do not trap.
        _ = multiplyByQuantizedMultiplier(Int32.max, Int32.max, 31)
        _ = multiplyByQuantizedMultiplier(Int32.min, Int32.max, -31)
        _ = multiplyByQuantizedMultiplier(Int32.min, Int32.max, -31, rounding: .single)
        _ = multiplyByQuantizedMultiplier(Int32.max, Int32.max, 31, rounding: .single)
    }

    func testActivationRanges() {
        // RELU6 with scale 6/255 and zero point −128: [−128, 127].
        let r = ActivationFunction.relu6.range(scale: 6.0 / 255.0, zeroPoint: -128, type: .int8)
        XCTAssertEqual(r.min, -128)
        XCTAssertEqual(r.max, 127)
        // RELU with zero point 10 starts at 10.
        XCTAssertEqual(ActivationFunction.relu.range(scale: 0.1, zeroPoint: 10, type: .int8).min, 10)
        // RELU6 caps at Q(6) = zp + 60 for scale 0.1.
        XCTAssertEqual(ActivationFunction.relu6.range(scale: 0.1, zeroPoint: -100, type: .int8).max, -40)
        // A tiny scale must not trap.
        XCTAssertEqual(ActivationFunction.relu6.range(scale: 1e-30, zeroPoint: 0, type: .int8).max, 127)
    }

    func testSoftmaxExpOnNegativeValuesMatchesExp() {
        // exp(−x) for x in [0, 31] with 5 integer bits, within the gemmlowp approximation error.
        for k in 0..<200 {
            let x = Double(k) * 0.155
            let raw = Int32(-(x * Double(1 << 26)).rounded())
            let e = GemmlowpFixedPoint.expOnNegativeValues(raw, integerBits: 5)
            XCTAssertEqual(Double(e) / 2147483648.0, Swift.max(0, (-x).exponentialApprox), accuracy: 2e-6, "x=\(x)")
        }
        XCTAssertEqual(GemmlowpFixedPoint.expOnNegativeValues(0, integerBits: 5), Int32.max)
    }

    func testOneOverOnePlusX() {
        for k in 1..<100 {
            let x = Double(k) / 100
            let raw = Int32((x * 2147483648.0).rounded())
            let r = GemmlowpFixedPoint.oneOverOnePlusXForXIn01(raw)
            XCTAssertEqual(Double(r) / 2147483648.0, 1 / (1 + x), accuracy: 1e-8)
        }
    }
}

private extension Double {
    /// e^self by a series good to 1e-12 over [−32, 0] (tests only; no Foundation math needed).
    var exponentialApprox: Double {
        // e^x = (e^(x/64))^64
        let y = self / 64
        var term = 1.0, sum = 1.0
        for n in 1..<30 { term *= y / Double(n); sum += term }
        var r = sum
        for _ in 0..<6 { r *= r }
        return r
    }
}
