import DSCFlow
import DSCFlowVision
import Foundation
import XCTest

/// `UltraNetImporter` on project-made headers (`UltraNetSyntheticDesign`): the packing rule of FACTS.md §4
/// read back to the values written, the layer table from config.h, and clear errors (file:line, what
/// was expected) on every kind of malformed input, never a trap.
final class UltraNetImporterTests: XCTestCase {
    let design = UltraNetSyntheticDesign(seed: 20)

    private func importing(_ param: String, config: String? = nil, lastBias: [UInt8]? = nil) throws -> Model {
        let p = Array(param.utf8)
        return try p.withUnsafeBytes { p in
            try (config.map { Array($0.utf8) } ?? []).withUnsafeBytes { c in
                try (lastBias ?? []).withUnsafeBytes { b in
                    try UltraNetImporter.importModel(parameters: p, config: config == nil ? nil : c, lastBias: lastBias == nil ? nil : b)
                }
            }
        }
    }

    /// `body` must throw a malformed-model error whose message contains `expected`.
    private func assertRejects(_ expected: String, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Model) {
        do {
            _ = try body()
            XCTFail("accepted; expected an error containing '\(expected)'", file: file, line: line)
        } catch let e as DSCError {
            guard case .malformedModel(let m) = e else { return XCTFail("\(e)", file: file, line: line) }
            XCTAssertTrue(m.contains(expected), "'\(m)' does not say '\(expected)'", file: file, line: line)
        } catch {
            XCTFail("\(error)", file: file, line: line)
        }
    }

    func testPackedWordsUnpackToTheWeightsWritten() throws {
        let model = try design.model()
        let convs = model.operations.filter { if case .conv2D = $0.kind { return true } else { return false } }
        XCTAssertEqual(convs.count, 9)
        for (i, op) in convs.enumerated() {
            let l = UltraNetSyntheticDesign.layers[i]
            let f = model.tensors[op.inputs[1]]
            XCTAssertEqual(f.type, .int4)
            XCTAssertEqual(f.shape, [l.outC, l.k, l.k, l.inC])
            XCTAssertEqual((0..<f.elementCount).map { Int(f.data!.element($0, as: .int4)) }, design.weights[i], "conv_\(i) weights")
            guard case .conv2D(let p) = op.kind else { continue }
            XCTAssertEqual(p.window.padTop, (l.k - 1) / 2)
            XCTAssertEqual(p.bias, [])
            if l.head {
                guard case .none = p.requantizer else { return XCTFail("conv_8 should be raw") }
                XCTAssertEqual(model.tensors[op.outputs[0]].type, .int32)
            } else {
                guard case .multiplyAddShift(let q) = p.requantizer else { return XCTFail("conv_\(i) requantizer") }
                XCTAssertEqual(q.multipliers.map(Int.init), design.inc[i], "conv_\(i) inc")
                XCTAssertEqual(q.addends.map(Int.init), design.bias[i], "conv_\(i) bias")
                XCTAssertEqual(q.shift, i == 0 ? 19 : 15)
                XCTAssertEqual(q.outputMax, 15)
                XCTAssertEqual(model.tensors[op.outputs[0]].type, .uint4)
            }
        }
        let folding = try MetadataRecord(parsing: model.metadata["dscflow.folding"] ?? "", name: "folding")
        XCTAssertEqual(folding["simd"], UltraNetSyntheticDesign.layers.map { String($0.simd) }.joined(separator: ","))
        XCTAssertEqual(folding["pe"], UltraNetSyntheticDesign.layers.map { String($0.pe) }.joined(separator: ","))
        XCTAssertEqual(model.tensors[model.inputs[0]].signature, "uint8[1,360,640,3]")
        XCTAssertEqual(model.tensors[model.outputs[0]].signature, "int32[1,2,4,36]")
        XCTAssertNotNil(try DetectionHeads.make(for: model) as? UltraNetHead)
    }

    /// The resize table is FACTS.md §2's integer form: row r reads rows ⌊(36r+10)/16⌋ and the next with
    /// weight k/8, k = ((36r+10) mod 16)/2; column c reads columns 2c and 2c+1, each with weight ½.
    func testResizeTablesAreTheHLSIntegerForm() throws {
        let p = try XCTUnwrap(ResizeBilinearParameters.hlsLinear(inputHeight: 360, inputWidth: 640, outputHeight: 160, outputWidth: 320))
        XCTAssertEqual(p.rowFractionBits, 3)
        XCTAssertEqual(p.columnFractionBits, 1)
        for r in 0..<160 {
            let sy = (36 * r + 10) / 16, k = (36 * r + 10) % 16 / 2
            XCTAssertEqual(p.rows[r], ResizeTap(low: Int32(sy), high: Int32(sy + 1), weight: Int32(k)), "row \(r)")
        }
        for c in 0..<320 { XCTAssertEqual(p.columns[c], ResizeTap(low: Int32(2 * c), high: Int32(2 * c + 1), weight: 1)) }
        XCTAssertNil(ResizeBilinearParameters.hlsLinearAxis(source: 160, destination: 360), "upscaling")
        XCTAssertNil(ResizeBilinearParameters.hlsLinearAxis(source: 360, destination: 7), "rate 360/7 is not exact in 16 fraction bits")
        XCTAssertEqual(ResizeBilinearParameters.hlsLinearAxis(source: 5, destination: 5)?.taps.map(\.weight), [0, 0, 0, 0, 0])
    }

    func testTheSameFilesGiveTheSameDSCMBytes() throws {
        let a = try DSCMWriter.serialize(try design.model()), b = try DSCMWriter.serialize(try design.model())
        XCTAssertEqual(a, b)
        let model = try design.model()
        XCTAssertFalse(model.metadata["dscflow.source"]!.contains("/"), "no directories in the provenance")
        XCTAssertTrue(model.metadata["dscflow.source"]!.contains("param.h (sha256 "))
    }

    func testWithoutConfigTheDesignTableMustMatch() {
        assertRejects("conv_0_w is ap_uint<12> [4][9]; the layer table needs ap_uint<12> conv_0_w[16][9]") {
            try importing(design.parameterHeader)
        }
    }

    func testMalformedParameterHeadersAreRejectedWithTheirLine() {
        let good = design.parameterHeader, config = design.configHeader
        let cases: [(String, String)] = [
            ("int x = 3;\n" + good, "param.h:1: expected a 'const ap_int<…>' or 'const ap_uint<…>' array declaration, found 'int'"),
            (good.replacingOccurrences(of: "const ap_uint<12> conv_0_w", with: "const ap_float<12> conv_0_w"), "expected ap_int or ap_uint, found 'ap_float'"),
            (good.replacingOccurrences(of: "\"0x", with: "\"0q"), "is not a hex value"),
            (good.replacingOccurrences(of: "conv_0_w[4][9] = {\n{\"", with: "conv_0_w[4][9] = {\n{\"0x1000\", \""), "does not fit ap_uint<12>"),
            (good.replacingOccurrences(of: "conv_1_w[2][36]", with: "conv_1_w[2][37]"), "expected ',' between values of conv_1_w, found '}'"),
            (good + "const ap_int<4> conv_9_w[1][1] = {{\"0x1\"}};\n", "array conv_9_w (line"),
            (good + good, "array conv_0_w is declared twice"),
            (String(good.dropLast(2)), "expected ';' after conv_8_w"),
            (good + "/* unterminated", "unterminated /* comment"),
            (good.replacingOccurrences(of: "\"0x", with: "\"0x\n", options: [], range: good.range(of: "\"0x")), "unsupported character in a string literal"),
        ]
        for (text, expected) in cases { assertRejects(expected) { try importing(text, config: config) } }
        // A missing array (conv_3_bias cut out), and an out-of-range BN value.
        let start = good.range(of: "/* conv_3_bias */")!
        let end = good.range(of: "};\n", range: start.upperBound..<good.endIndex)!
        assertRejects("no array conv_3_bias") { try importing(String(good[..<start.lowerBound] + good[end.upperBound...]), config: config) }
        let signedTooWide = good.replacingOccurrences(of: "const ap_int<13> conv_1_inc[2][4] = {\n{\"", with: "const ap_int<13> conv_1_inc[2][4] = {\n{\"0x1000\", \"")
        assertRejects("does not fit ap_int<13>") { try importing(signedTooWide, config: config) }
    }

    func testMalformedConfigHeadersAreRejected() {
        let p = design.parameterHeader, c = design.configHeader
        let cases: [(String, String)] = [
            (c.replacingOccurrences(of: "#define CONV_2_W_TILES 18", with: "#define CONV_2_W_TILES 19"), "conv_2: W_TILES 19; K²·IFM_CH·OFM_CH/(SIMD·PE) = 18"),
            (c.replacingOccurrences(of: "#define CONV_3_SIMD 8", with: "#define CONV_3_SIMD 7"), "conv_3: SIMD 7 must divide K²·IFM_CH = 72"),
            (c.replacingOccurrences(of: "#define CONV_5_IFM_ROW 2", with: "#define CONV_5_IFM_ROW 4")
                .replacingOccurrences(of: "#define CONV_5_OFM_ROW 2", with: "#define CONV_5_OFM_ROW 4"), "conv_5 reads 4x4x16; conv_4 give 2x4x16"),
            (c.replacingOccurrences(of: "#define CONV_1_K 3 ", with: ""), "no CONV_1_K"),
            (c.replacingOccurrences(of: "#define CONV_0_S 1 ", with: "#define CONV_0_S one"), "CONV_0_S = 'one' is not an integer"),
            (c + "int y;\n", "expected '#define NAME VALUE'"),
            (c + "#define CONV_0_K 3\n", "CONV_0_K is defined twice"),
            (c.replacingOccurrences(of: "#define CONV_0_W_BIT 4", with: "#define CONV_0_W_BIT 8"), "W_BIT/OUT_BIT must be 4"),
        ]
        for (text, expected) in cases { assertRejects(expected) { try importing(p, config: text) } }
    }

    func testMalformedLastBiasIsRejected() {
        let p = design.parameterHeader, c = design.configHeader
        let good = UltraNetSyntheticDesign.lastBiasNPY([Float](repeating: 0.5, count: 36))
        assertRejects("last_bias.npy: not a .npy file") { try importing(p, config: c, lastBias: [0, 1, 2] + good) }
        assertRejects("holds 36 finite floats") { try importing(p, config: c, lastBias: UltraNetSyntheticDesign.lastBiasNPY([1, 2, 3])) }
        assertRejects("bytes of data") { try importing(p, config: c, lastBias: Array(good.dropLast(2))) }
        var f8 = good
        if let i = f8.indices.first(where: { f8[$0] == UInt8(ascii: "f") && f8[$0 + 1] == UInt8(ascii: "4") }) { f8[i + 1] = UInt8(ascii: "8") }
        assertRejects("dtype is not little-endian float32") { try importing(p, config: c, lastBias: f8) }
        var nan = [Float](repeating: 0, count: 36)
        nan[7] = .nan
        assertRejects("holds 36 finite floats") { try importing(p, config: c, lastBias: UltraNetSyntheticDesign.lastBiasNPY(nan)) }
    }

    /// Every truncation and many single-byte corruptions of the headers either import or throw a
    /// DSCError (never a trap).
    func testCorruptedHeadersNeverTrap() {
        let p = Array(design.parameterHeader.utf8), c = design.configHeader
        var g = SeededGenerator(seed: 7)
        var rejected = 0, accepted = 0
        for trial in 0..<200 {
            var bytes = p
            if trial % 2 == 0 {
                bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &g)))
            } else {
                for _ in 0..<Int.random(in: 1...3, using: &g) {
                    bytes[Int.random(in: 0..<bytes.count, using: &g)] = UInt8.random(in: 0...255, using: &g)
                }
            }
            do {
                _ = try importing(String(decoding: bytes, as: UTF8.self), config: c)
                accepted += 1
            } catch is DSCError {
                rejected += 1
            } catch {
                XCTFail("not a DSCError: \(error)")
            }
        }
        XCTAssertGreaterThan(rejected, 150)
        print("corrupted UltraNet headers: \(rejected) rejected, \(accepted) still valid (a changed hex digit)")
    }
}
