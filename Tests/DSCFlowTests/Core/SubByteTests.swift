import DSCFlow
import DSCFlowAccelerator
import Foundation
import XCTest

/// The sub-byte types (int4, uint4), the multiply-add-shift requantizer and `.dscm` version 2: packing,
/// validation, the formula, and files that keep the model's bytes.
final class SubByteTests: XCTestCase {
    func testPackingRoundTripsEveryValueAndRejectsBadPadding() throws {
        for type in [ElementType.int4, .uint4] {
            let values = (0..<33).map { UInt8(bitPattern: Int8(type.range.lowerBound + Int32($0) % 16)) }  // odd count
            let packed = values.withUnsafeBytes { SubBytePacking.pack($0, type: type) }
            XCTAssertEqual(packed.count, 17)
            XCTAssertEqual(packed[0], (values[0] & 15) | (values[1] & 15) << 4, "element 0 low nibble, 1 high")
            var out = [UInt8](repeating: 0xAA, count: values.count)
            XCTAssertTrue(packed.withUnsafeBytes { p in out.withUnsafeMutableBytes { SubBytePacking.unpack(p, type: type, into: $0) } })
            XCTAssertEqual(out, values, type.name)
            var bad = packed
            bad[16] |= 0x10  // the unused high nibble of the last byte
            XCTAssertFalse(bad.withUnsafeBytes { p in out.withUnsafeMutableBytes { SubBytePacking.unpack(p, type: type, into: $0) } })
            XCTAssertFalse(packed.dropLast().withUnsafeBytes { p in out.withUnsafeMutableBytes { SubBytePacking.unpack(p, type: type, into: $0) } })
        }
        XCTAssertEqual(ElementType.int4.range, -8...7)
        XCTAssertEqual(ElementType.uint4.byteSize, 1)
        XCTAssertTrue(ElementType.uint4.isSubByte && ElementType.uint4.isUnsigned)
    }

    /// `bn_qurelu`: v = acc·M + A (wrapping int32); v > 0 ? min((v + 2^(S−1)) >> S, max) : 0.
    func testMultiplyAddShiftFormula() {
        func f(_ acc: Int32, _ m: Int32, _ a: Int32, _ s: Int32, _ max: Int32 = 15) -> Int32 {
            MultiplyAddShiftRequantizer.apply(acc, multiplier: m, addend: a, shift: s, outputMax: max)
        }
        XCTAssertEqual(f(0, 5, 0, 15), 0)
        XCTAssertEqual(f(-3, 5, 10, 2), 0, "v ≤ 0 gives 0")
        XCTAssertEqual(f(1, 16384, 0, 15), 1, "0.5 rounds up")
        XCTAssertEqual(f(1, 16383, 0, 15), 0, "just below 0.5 rounds down")
        XCTAssertEqual(f(3, 32768, 16383, 15), 3)
        XCTAssertEqual(f(100, 32768, 0, 15), 15, "clipped at 15")
        XCTAssertEqual(f(100, 32768, 0, 15, 255), 100)
        XCTAssertEqual(f(7, 1, 0, 0), 7, "shift 0: no rounding term")
        XCTAssertEqual(f(1 << 20, 1 << 12, 0, 0), 0, "acc·M wraps to 0 in 32 bits")
        XCTAssertEqual(f(Int32.max, 1, 1, 28), 0, "Int32.max + 1 wraps negative")
        XCTAssertEqual(f(Int32.max, 1, 0, 28), 8, "(2^31 − 1 + 2^27) >> 28 without overflow")
        let q = MultiplyAddShiftRequantizer(multipliers: [2, 3], addends: [1, -1], shift: 1)
        XCTAssertEqual([q.apply(4, channel: 0), q.apply(4, channel: 1)], [5, 6])
    }

    private func oneConv(input: ElementType, filter: [Int8], filterType: ElementType, output: ElementType,
                         requantizer: Requantizer) throws -> Model {
        let w = Window2D(kernelHeight: 1, kernelWidth: 1, strideHeight: 1, strideWidth: 1, padding: .valid)
        let p = ConvolutionParameters(window: w, inputOffset: 0, paddingValue: 0, bias: [], requantizer: requantizer)
        let tensors = [Tensor(name: "x", type: input, shape: [1, 2, 2, filter.count / 2]),
                       Tensor(name: "w", type: filterType, shape: [2, 1, 1, filter.count / 2],
                              data: ConstantData(bytes: filter.map { UInt8(bitPattern: $0) })),
                       Tensor(name: "y", type: output, shape: [1, 2, 2, 2])]
        return try Model(tensors: tensors, operations: [Operator(kind: .conv2D(p), inputs: [0, 1], outputs: [2])],
                         inputs: [0], outputs: [2], format: "builtin")
    }

    func testValidationKeepsFourBitTensorsInRange() throws {
        let rq = Requantizer.multiplyAddShift(MultiplyAddShiftRequantizer(multipliers: [3], addends: [0], shift: 2))
        XCTAssertNoThrow(try oneConv(input: .uint8, filter: [-8, 7, 0, 1], filterType: .int4, output: .uint4, requantizer: rq))
        XCTAssertThrowsError(try oneConv(input: .uint8, filter: [-9, 7, 0, 1], filterType: .int4, output: .uint4, requantizer: rq)) {
            XCTAssertTrue("\($0)".contains("element 0 holds -9, outside int4"), "\($0)")
        }
        XCTAssertThrowsError(try oneConv(input: .uint4, filter: [1, 1, 1, 1], filterType: .int4, output: .uint4, requantizer: rq)) {
            XCTAssertTrue("\($0)".contains("a model input cannot be uint4"), "\($0)")
        }
        let wide = Requantizer.multiplyAddShift(MultiplyAddShiftRequantizer(multipliers: [3], addends: [0], shift: 2, outputMax: 16))
        XCTAssertThrowsError(try oneConv(input: .uint8, filter: [1, 1, 1, 1], filterType: .int4, output: .uint4, requantizer: wide)) {
            XCTAssertTrue("\($0)".contains("exceeds uint4"), "\($0)")
        }
        let tflite = Requantizer.fixedPoint(FixedPointRequantizer(multipliers: [1 << 30], shifts: [0], outputZeroPoint: 0,
                                                                  activationMin: -128, activationMax: 127))
        XCTAssertThrowsError(try oneConv(input: .uint8, filter: [1, 1, 1, 1], filterType: .int4, output: .int4, requantizer: tflite))
        let shift32 = Requantizer.multiplyAddShift(MultiplyAddShiftRequantizer(multipliers: [3], addends: [0], shift: 32))
        XCTAssertThrowsError(try oneConv(input: .uint8, filter: [1, 1, 1, 1], filterType: .int4, output: .uint4, requantizer: shift32))
    }

    /// A model with 4-bit tensors is written as version 2 with its int4 weights packed, and reads back to
    /// the same bytes of output; models without version-2 features keep version 1.
    func testDSCMVersion2PacksFourBitWeights() throws {
        let model = try UltraNetSyntheticDesign(seed: 3).model()
        XCTAssertEqual(DSCMWriter.formatVersion(model), 2)
        let bytes = try DSCMWriter.serialize(model)
        XCTAssertEqual(bytes[8], 2, "header version")
        let loaded = try bytes.withUnsafeBytes { try Model.load(bytes: $0) }
        for (a, b) in zip(model.tensors, loaded.tensors) {
            XCTAssertEqual(a.signature, b.signature)
            XCTAssertEqual(a.data.map { [UInt8]($0.buffer) }, b.data.map { [UInt8]($0.buffer) }, a.name)
        }
        // The same model with its weights typed int8 (one byte each in the file) is larger by half the
        // weights, up to the 64-byte alignment of each tensor.
        let int4 = model.tensors.filter { $0.type == .int4 }
        let retyped = try Model(tensors: model.tensors.map { t in
            t.type == .int4 ? Tensor(name: t.name, type: .int8, shape: t.shape, data: t.data) : t
        }, operations: model.operations, inputs: model.inputs, outputs: model.outputs, metadata: model.metadata, format: "builtin")
        let saved = try DSCMWriter.serialize(retyped).count - bytes.count
        let half = int4.reduce(0) { $0 + $1.elementCount / 2 }
        XCTAssertTrue(abs(saved - half) <= 64 * int4.count, "packing saved \(saved) bytes for \(2 * half) weights")
        var g = SeededGenerator(seed: 9)
        let frame = g.bytes(360 * 640 * 3)
        XCTAssertEqual(try runAll(model, input: frame).output, try runAll(loaded, input: frame).output)
        XCTAssertEqual(DSCMWriter.formatVersion(try BuiltinTopology.skynet.build()), 1)

        // Version-2 features in a file that says version 1 are errors (the CRCs are not checked here).
        var v1 = bytes
        v1[8] = 1
        let storage = try v1.withUnsafeBytes { try ByteStorage(copying: $0) }
        XCTAssertThrowsError(try DSCMFormat.importModel(storage, verifyChecksums: false)) {
            XCTAssertTrue("\($0)".contains("needs format version 2; the file is version 1"), "\($0)")
        }
        // A version this build does not know.
        var newer = bytes
        newer[8] = UInt8(DSCMFormat.version + 1)
        XCTAssertThrowsError(try DSCMFormat.importModel(try newer.withUnsafeBytes { try ByteStorage(copying: $0) }, verifyChecksums: false))
    }
}
