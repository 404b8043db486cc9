import CDSCFlowSIMD
@testable import DSCFlow
import Foundation
import XCTest

/// The float32 outputs of the float pool reference kernel against ONNX Runtime's float AveragePool / MaxPool
/// output bits (Fixtures/onnx/float_pool, made by tools/onnx_float_pool_goldens.py), with the summation order
/// the importer picks: NCHWc and generic (row-major), MLAS's vector kernel (columns first) and its global
/// kernel (four lanes). A bit decides a quantized byte only at a rounding tie, so these compare the floats.
final class ONNXFloatPoolTests: XCTestCase {
    static let root = TestPaths.fixtures.appendingPathComponent("onnx/float_pool")

    func testFloatPoolEqualsONNXRuntimesBits() throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("cases.tsv"), encoding: .utf8)
        let block = Int(dscsimd_ort_nchwc_block_size())
        var compared = 0, orders: [String: Int] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            let f = line.split(separator: "\t").map(String.init)
            let name = f[0], maximum = f[1] == "MaxPool"
            let v = f[2...13].compactMap { Int($0) }
            guard v.count == 12, let scale = Float(f[14]), let zp = Int32(f[15]) else { return XCTFail("bad row \(line)") }
            let (c, h, w) = (v[0], v[1], v[2])
            let signed = f[16] == "1"
            let win = Window2D(kernelHeight: v[3], kernelWidth: v[4], strideHeight: v[5], strideWidth: v[6], padding: .explicit,
                               padTop: v[7], padLeft: v[8], padBottom: v[9], padRight: v[10])
            let (oh, ow) = win.outputSize(inputHeight: h, inputWidth: w)
            let order = ONNXGraphBuilder.floatPoolOrder(channels: c, height: h, width: w, window: win, block: block)
            if !maximum { orders["\(order)", default: 0] += 1 }
            let p = ORTFloatPoolParameters(window: win, maximum: maximum, countIncludePad: v[11] != 0, order: order)
            let q = ONNXFixtureTests.toNHWC(try readBytes(Self.root.appendingPathComponent("\(name).x.bin")), [1, c, h, w])
            // DequantizeLinear: Float(q - zp) * scale.
            let x = q.map { b in Float((signed ? Int32(Int8(bitPattern: b)) : Int32(b)) - zp) * scale }
            let want = try readBytes(Self.root.appendingPathComponent("\(name).y.bin")).withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
            XCTAssertEqual(want.count, c * oh * ow, name)
            var got = [Float](repeating: .nan, count: oh * ow * c)
            x.withUnsafeBufferPointer { xb in
                got.withUnsafeMutableBufferPointer { yb in
                    ReferenceORTFloatPool.pool(p, input: xb.baseAddress!, inputShape: Shape4(1, h, w, c),
                                               output: yb.baseAddress!, outputShape: Shape4(1, oh, ow, c))
                }
            }
            var wrong = 0
            for ch in 0..<c { for y in 0..<oh { for xx in 0..<ow where got[(y * ow + xx) * c + ch].bitPattern != want[(ch * oh + y) * ow + xx].bitPattern {
                wrong += 1
            } } }
            XCTAssertEqual(wrong, 0, "\(name) (\(f[1]) \(order)): \(wrong) of \(want.count) float outputs differ from ONNX Runtime's")
            compared += want.count
        }
        print("float pool: \(compared) float32 outputs bit-equal to ONNX Runtime's; average orders \(orders.sorted { $0.key < $1.key })")
        XCTAssertEqual(orders.count, 3, "every summation order is exercised")
    }
}
