import XCTest
import CDSCFlowSIMD
@testable import DSCFlow

/// The Add microkernels (`add/`): the float form with its exact fallback lanes, the exact integer
/// kernel, and the byte-plane tables (AVX-512 VBMI), each forced where it applies.
final class AddKernelTests: KernelTestCase {
    /// The microkernel the tests below must see chosen (nil: whichever the preparation picks).
    var expectedKernel: Int?

    func testAddMatchesReferenceOnRandomShapes() throws {
        var g = SeededGenerator(seed: 0xADD)
        for _ in 0..<800 {
            let seed = g.state
            let type = ElementType.int8  // the model validator accepts int8 Add only
            let shape = [1, Int.random(in: 1...9, using: &g), Int.random(in: 1...9, using: &g), Int.random(in: 1...40, using: &g)]
            let count = shape.reduce(1, *)
            var lo = Int32.random(in: -300...300, using: &g), hi = Int32.random(in: -300...300, using: &g)
            if lo > hi { swap(&lo, &hi) }
            let p = AddParameters(input1Offset: Int32.random(in: -255...255, using: &g), input2Offset: Int32.random(in: -255...255, using: &g),
                                  leftShift: Int32.random(in: 0...22, using: &g), input1Multiplier: g.multiplier(), input1Shift: g.shift(),
                                  input2Multiplier: g.multiplier(), input2Shift: g.shift(), outputMultiplier: g.multiplier(),
                                  outputShift: g.shift(), outputOffset: Int32.random(in: -200...200, using: &g),
                                  activationMin: lo, activationMax: hi)
            let model = try oneOp(.add(p), input: Tensor(name: "a", type: type, shape: shape), constants: [],
                                  output: Tensor(name: "y", type: type, shape: shape), second: Tensor(name: "b", type: type, shape: shape))
            let rounding: RoundingMode = Bool.random(using: &g) ? .single : .double
            try assertSame(model, [g.bytes(count), g.bytes(count)], rounding: rounding, kernel: expectedKernel, "add seed \(seed) \(shape) \(p) \(rounding)")
        }
    }

    /// The exact integer Add kernel alone (no float form, no byte planes).
    func testExactAddMatchesReference() throws {
        tuning.addByteTables = false
        tuning.addFloatForm = false
        defer { tuning = KernelTuning() }
        expectedKernel = DSCSIMD_KERNEL_ADD_EXACT
        defer { expectedKernel = nil }
        try testAddMatchesReferenceOnRandomShapes()
        try testAddWithConverterParametersMatchesReference()
    }

    /// The byte-plane Add kernel (AVX-512 VBMI) where it applies: converter parameters, double rounding,
    /// no float form.
    func testByteTableAddMatchesReference() throws {
        try XCTSkipIf(paths(having: DSCSIMD_KERNEL_ADD_PLANES).isEmpty, "this CPU has no AVX-512 VBMI: no byte-plane Add kernel")
        tuning.addFloatForm = false
        defer { tuning = KernelTuning() }
        expectedKernel = DSCSIMD_KERNEL_ADD_PLANES
        defer { expectedKernel = nil }
        byteTableCases = 0
        try testAddWithConverterParametersMatchesReference()
        XCTAssertGreaterThan(byteTableCases, 250, "the byte-plane kernel ran on only \(byteTableCases) of 400 cases")
    }

    /// Whether the Add kernels take the float form for an int8 Add with these parameters.
    func floatFormAccepts(_ p: AddParameters, rounding: RoundingMode) -> Bool {
        var c = dscsimd_add()
        c.count = 65536
        c.input1_offset = p.input1Offset; c.input2_offset = p.input2Offset; c.left_shift = p.leftShift
        c.input1_multiplier = p.input1Multiplier; c.input1_shift = p.input1Shift
        c.input2_multiplier = p.input2Multiplier; c.input2_shift = p.input2Shift
        c.output_multiplier = p.outputMultiplier; c.output_shift = p.outputShift; c.output_offset = p.outputOffset
        c.lo = max(p.activationMin, -128); c.hi = min(p.activationMax, 127)
        c.single_rounding = rounding == .single ? 1 : 0
        var k = dscsimd_add_float()
        return dscsimd_add_float_prepare(&c, &k) == 1
    }

    /// The float form of Add (one multiply-add chain per output, lanes near a rounding boundary
    /// recomputed exactly) on every one of the 65,536 input pairs, for Adds prepared as TFLite's
    /// converter does from input and output scales, both roundings, with and without a fused ReLU.
    /// Scale ratios of 1/2, 1, 2 and 3/2 put many outputs exactly on rounding ties (the first four
    /// cases half of them), so the lane recomputation runs too. The test checks the float form was chosen, so it cannot pass vacuously.
    func testAddFloatFormMatchesReferenceOnAllInputPairs() throws {
        var g = SeededGenerator(seed: 0xF1047)
        let shape = [1, 256, 256, 1]
        let a = (0..<65536).map { UInt8(truncatingIfNeeded: $0 >> 8) }
        let b = (0..<65536).map { UInt8(truncatingIfNeeded: $0) }
        var chosen = 0
        for n in 0..<48 {
            let seed = g.state
            let nice: [Double] = [0.5, 1, 2, 1.5]
            let s1 = Double.random(in: 0.01...0.2, using: &g)
            var s2 = n % 3 == 0 ? s1 * nice.randomElement(using: &g)! : Double.random(in: 0.01...0.2, using: &g)
            var so = n % 2 == 0 ? max(s1, s2) * nice.randomElement(using: &g)! : Double.random(in: 0.02...0.4, using: &g)
            if n < 4 { (s2, so) = (s1, 2 * s1) }  // outputs (x1 + x2 - z1 - z2) / 2 + zo: every other one a tie
            // TFLite's PrepareGeneralSubOp / Add Prepare for int8.
            let twiceMax = 2 * max(s1, s2)
            let q1 = QuantizedMultiplier(s1 / twiceMax), q2 = QuantizedMultiplier(s2 / twiceMax)
            let qo = QuantizedMultiplier(twiceMax / (Double(1 << 20) * so))
            let z1 = Int32.random(in: -128...127, using: &g), z2 = Int32.random(in: -128...127, using: &g)
            let zo = Int32.random(in: -128...127, using: &g)
            let lo: Int32 = Bool.random(using: &g) ? zo : -128
            let p = AddParameters(input1Offset: -z1, input2Offset: -z2, leftShift: 20,
                                  input1Multiplier: q1.multiplier, input1Shift: q1.shift,
                                  input2Multiplier: q2.multiplier, input2Shift: q2.shift,
                                  outputMultiplier: qo.multiplier, outputShift: qo.shift,
                                  outputOffset: zo, activationMin: lo, activationMax: 127)
            let rounding: RoundingMode = n % 4 == 3 ? .single : .double
            XCTAssertTrue(floatFormAccepts(p, rounding: rounding), "float form not chosen: \(p) \(rounding)")
            chosen += 1
            let model = try oneOp(.add(p), input: Tensor(name: "a", type: .int8, shape: shape), constants: [],
                                  output: Tensor(name: "y", type: .int8, shape: shape), second: Tensor(name: "b", type: .int8, shape: shape))
            try assertSame(model, [a, b], rounding: rounding, kernel: DSCSIMD_KERNEL_ADD_FLOAT, "float-form add seed \(seed) \(p) \(rounding)")
        }
        XCTAssertEqual(chosen, 48)
        // Raw parameters outside what a converter writes (any left shift 0...22, multipliers and
        // shifts drawn independently), kept when the float form accepts them.
        var raw = 0, draws = 0
        while raw < 24 && draws < 20_000 {
            draws += 1
            let seed = g.state
            let ls = Int32.random(in: 0...22, using: &g)
            let p = AddParameters(input1Offset: Int32.random(in: -255...255, using: &g), input2Offset: Int32.random(in: -255...255, using: &g),
                                  leftShift: ls, input1Multiplier: Int32.random(in: 0...Int32.max, using: &g),
                                  input1Shift: Int32.random(in: -30...0, using: &g),
                                  input2Multiplier: Int32.random(in: 0...Int32.max, using: &g),
                                  input2Shift: Int32.random(in: -30...0, using: &g),
                                  outputMultiplier: Int32.random(in: 0...Int32.max, using: &g),
                                  outputShift: Int32.random(in: -30...0, using: &g),
                                  outputOffset: Int32.random(in: -128...127, using: &g),
                                  activationMin: -128, activationMax: 127)
            let rounding: RoundingMode = Bool.random(using: &g) ? .single : .double
            guard floatFormAccepts(p, rounding: rounding) else { continue }
            raw += 1
            let model = try oneOp(.add(p), input: Tensor(name: "a", type: .int8, shape: shape), constants: [],
                                  output: Tensor(name: "y", type: .int8, shape: shape), second: Tensor(name: "b", type: .int8, shape: shape))
            try assertSame(model, [a, b], rounding: rounding, kernel: DSCSIMD_KERNEL_ADD_FLOAT, "raw float-form add seed \(seed) \(p) \(rounding)")
        }
        XCTAssertEqual(raw, 24, "the float form accepted only \(raw) of \(draws) raw parameter draws")
    }

    /// Add as TFLite's converter prepares it (left shift 20, multipliers in [2^30, 2^31), shifts <= 0),
    /// the case the 32-bit input rescale serves; offsets reach ±255.
    func testAddWithConverterParametersMatchesReference() throws {
        var g = SeededGenerator(seed: 0xADD2)
        for _ in 0..<400 {
            let seed = g.state
            let shape = [1, Int.random(in: 1...6, using: &g), Int.random(in: 1...6, using: &g), Int.random(in: 1...64, using: &g)]
            let count = shape.reduce(1, *)
            func offset() -> Int32 {
                let base: Int32 = [-255, 255, -128, 128].randomElement(using: &g)!
                return min(255, max(-255, base + (Bool.random(using: &g) ? 0 : Int32.random(in: -20...20, using: &g))))
            }
            let ls: Int32 = Int.random(in: 0..<4, using: &g) == 0 ? Int32.random(in: 10...21, using: &g) : 20
            // Multiplier 2^30 with shift -ls halves the input exactly: rounding ties on every odd value.
            func rescale() -> (Int32, Int32) {
                Int.random(in: 0..<3, using: &g) == 0 ? (1 << 30, -ls)
                    : (Int32.random(in: (1 << 30)...Int32.max, using: &g), Int32.random(in: -30...0, using: &g))
            }
            let (m1, s1) = rescale(), (m2, s2) = rescale()
            let zp = Int32.random(in: -128...127, using: &g)
            // Fused ReLU (lo = zero point; the kernels then drop the negative-rounding term), just below it, or none.
            let lo = [zp, max(-128, zp - 1), -128].randomElement(using: &g)!
            let p = AddParameters(input1Offset: offset(), input2Offset: offset(), leftShift: ls,
                                  input1Multiplier: m1, input1Shift: s1, input2Multiplier: m2, input2Shift: s2,
                                  outputMultiplier: Int32.random(in: (1 << 30)...Int32.max, using: &g),
                                  outputShift: Int32.random(in: -25...0, using: &g),
                                  outputOffset: zp, activationMin: lo, activationMax: 127)
            let model = try oneOp(.add(p), input: Tensor(name: "a", type: .int8, shape: shape), constants: [],
                                  output: Tensor(name: "y", type: .int8, shape: shape), second: Tensor(name: "b", type: .int8, shape: shape))
            let inputs = [g.bytes(count), g.bytes(count)]
            if expectedKernel == DSCSIMD_KERNEL_ADD_PLANES {
                // The byte planes apply where the rescaled inputs and the zero point leave the sum in the
                // narrow form's range: cases outside it are not this kernel's.
                var options = SessionOptions(kernels: .avx512vnni)
                options.tuning = tuning
                guard try PreparedModel(model: model, options: options).kernels[0] == .fast("add-planes-avx512vbmi") else { continue }
                byteTableCases += 1
            }
            try assertSame(model, inputs, rounding: .double, kernel: expectedKernel, "converter add seed \(seed) \(shape)")
        }
    }

    /// Cases of `testAddWithConverterParametersMatchesReference` the byte-plane kernel took.
    var byteTableCases = 0

}
