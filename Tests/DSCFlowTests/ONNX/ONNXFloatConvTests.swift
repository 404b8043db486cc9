import CDSCFlowSIMD
@testable import DSCFlow
import Foundation
import XCTest

/// The float32 sums of FLOAT_CONV's reference kernel against ONNX Runtime's float Conv output bits
/// (Fixtures/onnx/float_conv, made by tools/onnx_float_conv_goldens.py) on every algorithm the importer
/// picks: MLAS's generic im2col + SGEMM Conv (depthwise on 3, 5, 6, 7, 10, 13, 18 channels, strides 1 and 2,
/// 3x3 and 5x5, multipliers 2, groups, group-1 convs with two SGEMM K blocks) and the NCHWc kernels. A
/// bit decides a quantized byte only at a rounding tie, so these compare the floats themselves: a wrong
/// order of the multiply-adds fails here even where no fixture byte changes.
final class ONNXFloatConvTests: XCTestCase {
    static let root = TestPaths.fixtures.appendingPathComponent("onnx/float_conv")

    func testFloatSumsEqualONNXRuntimesBits() throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("cases.tsv"), encoding: .utf8)
        let block = Int(dscsimd_ort_nchwc_block_size())
        var compared = 0, algorithms: [String: Int] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            let f = line.split(separator: "\t").map(String.init)
            let name = f[0]
            guard let c = Int(f[1]), let m = Int(f[2]), let groups = Int(f[3]), let k = Int(f[4]), let stride = Int(f[5]),
                  let pad = Int(f[6]), let h = Int(f[7]), let w = Int(f[8]), let scale = Float(f[9]), let zp = Int32(f[10]) else {
                return XCTFail("bad row \(line)")
            }
            let signed = f[11] == "1"
            let cg = c / groups
            let win = Window2D(kernelHeight: k, kernelWidth: k, strideHeight: stride, strideWidth: stride, padding: .explicit,
                               padTop: pad, padLeft: pad, padBottom: pad, padRight: pad)
            let (oh, ow) = win.outputSize(inputHeight: h, inputWidth: w)
            guard let algorithm = ONNXGraphBuilder.floatAlgorithm(channels: c, outputs: m, groups: groups, kernel: (k, k),
                                                                  window: win, block: block) else {
                return XCTFail("\(name): no algorithm")
            }
            algorithms[algorithm.name, default: 0] += 1
            let x = ONNXFixtureTests.toNHWC(try readBytes(Self.root.appendingPathComponent("\(name).x.bin")), [1, c, h, w])
            let oihw = try floats(Self.root.appendingPathComponent("\(name).w.bin"))
            let bias = try floats(Self.root.appendingPathComponent("\(name).b.bin"))
            let want = try floats(Self.root.appendingPathComponent("\(name).y.bin"))
            XCTAssertEqual(oihw.count, m * cg * k * k, name)
            XCTAssertEqual(want.count, m * oh * ow, name)
            var ohwi = [Float](repeating: 0, count: oihw.count)
            for o in 0..<m { for i in 0..<cg { for t in 0..<(k * k) { ohwi[(o * k * k + t) * cg + i] = oihw[(o * cg + i) * k * k + t] } } }
            let p = ORTFloatConvParameters(window: win, groups: groups, algorithm: algorithm, blockSize: block,
                                           input: LinearQuantizationParameters(scale: scale, zeroPoint: zp),
                                           output: LinearQuantizationParameters(scale: 1, zeroPoint: 0), bias: bias)
            var got = [Float](repeating: .nan, count: m * oh * ow)
            x.withUnsafeBytes { xb in
                ohwi.withUnsafeBufferPointer { wb in
                    ReferenceORTFloatConv.floatOutputs(p, input: xb.baseAddress!, inputShape: Shape4(1, h, w, c), signed: signed,
                                                       weights: wb.baseAddress!, weightShape: [m, k, k, cg],
                                                       outputShape: Shape4(1, oh, ow, m)) { offset, v in got[offset] = v }
                }
            }
            var wrong = 0
            for o in 0..<m { for y in 0..<oh { for xx in 0..<ow where got[(y * ow + xx) * m + o].bitPattern != want[(o * oh + y) * ow + xx].bitPattern {
                wrong += 1
            } } }
            XCTAssertEqual(wrong, 0, "\(name) (\(algorithm.name)): \(wrong) of \(want.count) float outputs differ from ONNX Runtime's")
            compared += want.count
        }
        print("float conv: \(compared) float32 outputs bit-equal to ONNX Runtime's; algorithms \(algorithms.sorted { $0.key < $1.key })")
        XCTAssertGreaterThan(algorithms["generic", default: 0], 20)
    }

    private func floats(_ url: URL) throws -> [Float] {
        let b = try readBytes(url)
        return b.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }
}
