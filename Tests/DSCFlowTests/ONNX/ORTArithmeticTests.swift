import XCTest
@testable import DSCFlow

/// ONNX Runtime's scalar arithmetic (`ORTArithmetic`, `ORTAddParameters`) on values where a plausible
/// alternative gives another byte. The expected bytes were measured with onnxruntime 1.32.0's
/// CPUExecutionProvider (single-node models, x86 with AVX2 and FMA).
final class ORTArithmeticTests: XCTestCase {
    func testRequantizeRoundsHalfToEvenAfterClamping() {
        // 5 · 0.5 = 2.5 → 2, 7 · 0.5 = 3.5 → 4, −5 · 0.5 = −2.5 → −2, then + zero point.
        XCTAssertEqual(ORTArithmetic.requantize(5, scale: 0.5, zeroPoint: 10, min: 0, max: 255), 12)
        XCTAssertEqual(ORTArithmetic.requantize(7, scale: 0.5, zeroPoint: 10, min: 0, max: 255), 14)
        XCTAssertEqual(ORTArithmetic.requantize(-5, scale: 0.5, zeroPoint: 10, min: 0, max: 255), 8)
        // The clamp is on the float before rounding: far outside the range saturates.
        XCTAssertEqual(ORTArithmetic.requantize(Int32.max, scale: 1, zeroPoint: -3, min: -128, max: 127), 127)
        XCTAssertEqual(ORTArithmetic.requantize(Int32.min, scale: 1, zeroPoint: 3, min: -128, max: 127), -128)
    }

    func testClampSendsNaNToTheLowerBound() {
        XCTAssertEqual(ORTArithmetic.clamp(.nan, -3, 5), -3)
        XCTAssertEqual(ORTArithmetic.clamp(.infinity, -3, 5), 5)
        XCTAssertEqual(ORTArithmetic.clamp(-.infinity, -3, 5), -3)
        XCTAssertEqual(ORTArithmetic.quantize(.nan, scale: 0.1, zeroPoint: 128, min: 0, max: 255), 0)
    }

    func testQuantizeDividesByTheScale() {
        // Measured: x / 0.03 rounds to another integer than x · (1 / 0.03) for these two values.
        let s: Float = 0x1.eb851ep-6  // ≈ 0.03
        let x1: Float = -0x1.e5c28ep+1, x2: Float = 0x1.e3d708p-1
        XCTAssertEqual(ORTArithmetic.quantize(x1, scale: s, zeroPoint: 128, min: 0, max: 255), 2)
        XCTAssertEqual(ORTArithmetic.quantize(x2, scale: s, zeroPoint: 128, min: 0, max: 255), 159)
        XCTAssertNotEqual((x2 * (1 / s)).rounded(.toNearestOrEven) + 128, 159)
    }

    func testDequantizeIsOneMultiplication() {
        XCTAssertEqual(ORTArithmetic.dequantize(200, scale: 0.1, zeroPoint: 128), Float(72) * 0.1)
        XCTAssertEqual(ORTArithmetic.dequantize(-128, scale: 0.25, zeroPoint: 0), -32)
    }

    /// QLinearAdd bytes where the unfused form (every product rounded) gives another byte: ONNX Runtime's
    /// AVX2 kernel fuses the products into FMAs, and so does `ORTAddParameters`.
    func testQLinearAddMatchesONNXRuntimesFusedMultiplyAdds() {
        // (s_a, z_a, s_b, z_b, s_c, z_c, a, b, ONNX Runtime's c)
        let cases: [(Float, Int32, Float, Int32, Float, Int32, UInt8, UInt8, UInt8)] = [
            (0x1.38f4dep-5, 150, 0x1.897a76p-5, 81, 0x1.2374b2p-6, 166, 188, 8, 51),
            (0x1.c5cbdep-7, 156, 0x1.adaf4ep-7, 46, 0x1.3c485ap-5, 192, 197, 119, 232),
            (0x1.5cc388p-7, 186, 0x1.b45d7ap-6, 198, 0x1.dd485cp-6, 127, 250, 45, 11),
            (0x1.52820cp-6, 89, 0x1.b460fcp-6, 76, 0x1.2d67a2p-7, 139, 59, 125, 213),
        ]
        for (sa, za, sb, zb, sc, zc, a, b, want) in cases {
            let p = ORTAddParameters(a: .init(scale: sa, zeroPoint: za),
                                     b: .init(scale: sb, zeroPoint: zb),
                                     c: .init(scale: sc, zeroPoint: zc))
            var x = a, y = b, out: UInt8 = 0
            ReferenceORTAdd.run(p, a: &x, b: &y, output: &out, count: 1, signed: false)
            XCTAssertEqual(out, want, "\(sa) \(sb) \(sc) a \(a) b \(b)")
            // Every product rounded on its own: another byte (what makes the case worth keeping).
            let f = Float(zc) - (p.ratioA * Float(za) + p.ratioB * Float(zb))
            let unfused = (p.ratioA * Float(a) + (p.ratioB * Float(b) + f)).rounded(.toNearestOrEven)
            XCTAssertNotEqual(unfused, Float(want))
        }
    }
}
