import CDSCFlowSIMD
import DSCFlow
@testable import DSCFlowAccelerator
import XCTest

/// Every ap_fixed microkernel of every ISA build this CPU runs, byte for byte against the Swift
/// reference (`APFixedReferenceKernels`) on many random shapes, strides and codes (edge codes
/// included); and the scalar `APFixed` definitions on hand-checked values.
final class APFixedKernelTests: XCTestCase {
    /// The ISA builds to check (portable always).
    private var builds: [(isa: Int32, kernels: dscsimd_apfixed_kernels)] {
        [DSCSIMD_ISA_PORTABLE, DSCSIMD_ISA_AVX2, DSCSIMD_ISA_AVXVNNI, DSCSIMD_ISA_AVX512VNNI].compactMap { isa in
            dscsimd_apfixed_kernels_find(Int32(isa)).map { (Int32(isa), $0.pointee) }
        }
    }

    /// A code in [lo, hi], the ends a quarter of the time.
    private func code(_ g: inout SeededGenerator, _ lo: Int, _ hi: Int) -> Int16 {
        switch Int.random(in: 0..<8, using: &g) {
        case 0: return Int16(lo)
        case 1: return Int16(hi)
        default: return Int16(Int.random(in: lo...hi, using: &g))
        }
    }

    private func codes(_ n: Int, _ g: inout SeededGenerator, _ lo: Int, _ hi: Int) -> [Int16] {
        (0..<n).map { _ in code(&g, lo, hi) }
    }

    func testAPFixedScalarRules() {
        // Round half up, also for negative values: −0.5 LSB → 0, −1.5 → −1.
        XCTAssertEqual(APFixed.roundHalfUp(-1, shift: 1), 0)
        XCTAssertEqual(APFixed.roundHalfUp(-3, shift: 1), -1)
        XCTAssertEqual(APFixed.roundHalfUp(3, shift: 1), 2)
        XCTAssertEqual(APFixed.convert(-1023, from: APFixed.wt, to: APFixed.fm), -256)  // −511.5 → −511, saturated
        XCTAssertEqual(APFixed.convert(511, from: APFixed.wt, to: APFixed.fm), 255)
        XCTAssertEqual(APFixed.convert(300, from: APFixed.wt, to: APFixed.acc), 600)
        XCTAssertEqual(APFixed.convert(-6, from: APFixed.acc, to: APFixed.fm), -1)      // −1.5 → −1
        XCTAssertEqual(APFixed.depthwiseTap(10, weight: 1, input: 64), 11)               // 10 + 0.5 → 11
        XCTAssertEqual(APFixed.depthwiseTap(10, weight: -1, input: 64), 10)              // 10 − 0.5 → 10
        XCTAssertEqual(APFixed.depthwiseTap(250, weight: 1023, input: 255), 255)
        XCTAssertEqual(APFixed.pointwiseBlock(2047, sum: 1 << 20), 2047)
        XCTAssertEqual(APFixed.pointwiseBlock(0, sum: -16), 0)
        XCTAssertEqual(APFixed.pointwiseBlock(0, sum: -17), -1)
        // Weight lanes: 11-bit codes zero-extended in 16 bits; bits 15…11 ignored.
        XCTAssertEqual(APFixed.weightCode(lane: 0x07FF), -1)
        XCTAssertEqual(APFixed.weightCode(lane: 0x0400), -1024)
        XCTAssertEqual(APFixed.weightCode(lane: 0xF3FF), 1023)
        // The input table has no code 0; gray 127 is −1.
        XCTAssertEqual((0...255).map { APFixed.inputCode(UInt8($0)) }.filter { $0 == 0 }.count, 0)
        XCTAssertEqual(APFixed.inputCode(127), -1)
        XCTAssertEqual(APFixed.inputCode(128), 1)
        XCTAssertEqual(APFixed.inputCode(0), -128)
        XCTAssertEqual(APFixed.inputCode(255), 128)
    }

    func testDepthwiseKernelsMatchTheReferenceOnRandomShapes() {
        var g = SeededGenerator(seed: 0xD3)
        for trial in 0..<120 {
            let lanes = 16 * Int.random(in: 1...4, using: &g)
            let rows = Int.random(in: 1...7, using: &g), cols = Int.random(in: 1...13, using: &g)
            let srcStride = (cols + 2 + Int.random(in: 0...3, using: &g)) * lanes
            let dstStride = (cols + Int.random(in: 0...3, using: &g)) * lanes
            let src = codes((rows + 2) * srcStride, &g, -256, 255)
            let weights = codes(9 * lanes, &g, -1024, 1023)
            let preset = codes(rows * dstStride, &g, -256, 255)
            let relu: Int32 = Bool.random(using: &g) ? 1 : 0
            func run(_ kernel: (UnsafeMutablePointer<dscsimd_apfixed_dw>) -> Void) -> [Int16] {
                var dst = preset
                src.withUnsafeBufferPointer { s in
                    weights.withUnsafeBufferPointer { w in
                        dst.withUnsafeMutableBufferPointer { d in
                            var a = dscsimd_apfixed_dw(src: s.baseAddress! + srcStride + lanes, dst: d.baseAddress!, rows: Int32(rows),
                                                       cols: Int32(cols), lanes: Int32(lanes), src_row_stride: Int32(srcStride),
                                                       dst_row_stride: Int32(dstStride), weights: w.baseAddress!, relu: relu)
                            kernel(&a)
                        }
                    }
                }
                return dst
            }
            let expected = run { APFixedReferenceKernels.depthwise($0) }
            for (isa, k) in builds {
                XCTAssertEqual(run { k.dw!($0) }, expected, "\(String(cString: k.dw_name)) isa \(isa) trial \(trial): \(rows)x\(cols)x\(lanes)")
            }
        }
    }

    func testPointwiseKernelsMatchTheReferenceOnRandomShapes() {
        var g = SeededGenerator(seed: 0x9E)
        for trial in 0..<120 {
            let inLanes = 16 * Int.random(in: 1...4, using: &g), outLanes = 16 * Int.random(in: 1...4, using: &g)
            let rows = Int.random(in: 1...5, using: &g), cols = Int.random(in: 1...19, using: &g)
            let srcStride = (cols + Int.random(in: 0...2, using: &g)) * inLanes
            let accStride = (cols + Int.random(in: 0...2, using: &g)) * outLanes
            let x = codes(rows * srcStride, &g, trial % 3 == 0 ? 0 : -256, 255)
            var w = codes(inLanes * outLanes, &g, -1024, 1023)
            // Zero 16×16 quarters (one, or a whole output chunk): the kernels skip those blocks.
            if trial % 3 != 0 {
                let oc = Int.random(in: 0..<(outLanes / 16), using: &g), b = Int.random(in: 0..<(inLanes / 16), using: &g)
                for k in 0..<inLanes where trial % 3 == 2 || k / 16 == b {
                    for o in (16 * oc)..<(16 * oc + 16) { w[k * outLanes + o] = 0 }
                }
            }
            let preset = codes(rows * accStride, &g, -2048, 2047)
            func run(_ kernel: (UnsafeMutablePointer<dscsimd_apfixed_pw>) -> Void) -> [Int16] {
                var acc = preset
                x.withUnsafeBufferPointer { s in
                    w.withUnsafeBufferPointer { wp in
                        acc.withUnsafeMutableBufferPointer { e in
                            var a = dscsimd_apfixed_pw(src: s.baseAddress!, acc: e.baseAddress!, rows: Int32(rows), cols: Int32(cols),
                                                       in_lanes: Int32(inLanes), out_lanes: Int32(outLanes),
                                                       src_row_stride: Int32(srcStride), acc_row_stride: Int32(accStride),
                                                       weights: wp.baseAddress!)
                            kernel(&a)
                        }
                    }
                }
                return acc
            }
            let expected = run { APFixedReferenceKernels.pointwise($0) }
            for (isa, k) in builds {
                XCTAssertEqual(run { k.pw!($0) }, expected, "\(String(cString: k.pw_name)) isa \(isa) trial \(trial): \(rows)x\(cols) \(inLanes)->\(outLanes)")
            }
        }
    }

    func testBufferMovesMatchTheReference() {
        var g = SeededGenerator(seed: 0x51)
        typealias R = APFixedReferenceKernels
        for trial in 0..<40 {
            let n = Int.random(in: 1...300, using: &g)
            // Whole int16 range: the C conversions must not overflow where the reference computes in Int32.
            let src = codes(n, &g, -32768, 32767)
            func map(_ c: (UnsafeMutablePointer<Int16>, UnsafePointer<Int16>) -> Void) -> [Int16] {
                var d = [Int16](repeating: 7, count: n)
                src.withUnsafeBufferPointer { s in d.withUnsafeMutableBufferPointer { c($0.baseAddress!, s.baseAddress!) } }
                return d
            }
            XCTAssertEqual(map { dscsimd_apfixed_relu($0, $1, n) }, map { R.relu($0, $1, count: n) }, "relu \(trial)")
            XCTAssertEqual(map { dscsimd_apfixed_acc_to_fm_relu($0, $1, n) }, map { R.accumulatorToFeatureReLU($0, $1, count: n) }, "acc->fm \(trial)")
            let bits = Int.random(in: 1...16, using: &g)
            XCTAssertEqual(map { dscsimd_apfixed_truncate($0, $1, n, Int32(bits)) }, map { R.truncate($0, $1, count: n, bits: bits) }, "truncate \(bits) \(trial)")

            let lanes = Int.random(in: 1...40, using: &g), rows = Int.random(in: 1...5, using: &g), cols = Int.random(in: 1...6, using: &g)
            let value = codes(lanes, &g, -2048, 2047)
            let stride = (cols + Int.random(in: 0...2, using: &g)) * lanes
            func fill(_ c: (UnsafeMutablePointer<Int16>, UnsafePointer<Int16>) -> Void) -> [Int16] {
                var d = [Int16](repeating: 3, count: rows * stride)
                value.withUnsafeBufferPointer { v in d.withUnsafeMutableBufferPointer { c($0.baseAddress!, v.baseAddress!) } }
                return d
            }
            XCTAssertEqual(fill { dscsimd_apfixed_fill($0, Int32(rows), Int32(cols), Int32(lanes), Int32(stride), $1) },
                           fill { R.fill($0, rows: rows, cols: cols, lanes: lanes, rowStride: stride, value: $1) }, "fill \(trial)")

            let srcStride = (2 * cols + Int.random(in: 0...2, using: &g)) * lanes
            let pooled = codes(2 * rows * srcStride, &g, -32768, 32767)
            func pool(_ c: (UnsafeMutablePointer<Int16>, UnsafePointer<Int16>) -> Void) -> [Int16] {
                var d = [Int16](repeating: 5, count: rows * stride)
                pooled.withUnsafeBufferPointer { s in d.withUnsafeMutableBufferPointer { c($0.baseAddress!, s.baseAddress!) } }
                return d
            }
            XCTAssertEqual(pool { dscsimd_apfixed_maxpool($0, $1, Int32(rows), Int32(cols), Int32(lanes), Int32(stride), Int32(srcStride)) },
                           pool { R.maxPool($0, $1, rows: rows, cols: cols, lanes: lanes, dstRowStride: stride, srcRowStride: srcStride) },
                           "maxpool \(rows)x\(cols)x\(lanes) \(trial)")

            let channels = Int.random(in: 1...min(lanes, 4), using: &g), rowBytes = cols + Int.random(in: 0...3, using: &g)
            let plane = rows * rowBytes + Int.random(in: 0...5, using: &g)
            let bytes = (0..<(channels * plane)).map { _ in UInt8.random(in: 0...255, using: &g) }
            let table = ProgramKernels.inputTable
            func image(_ c: (UnsafeMutablePointer<Int16>, UnsafePointer<UInt8>) -> Void) -> [Int16] {
                var d = [Int16](repeating: 9, count: rows * stride)
                bytes.withUnsafeBufferPointer { s in d.withUnsafeMutableBufferPointer { c($0.baseAddress!, s.baseAddress!) } }
                return d
            }
            let viaC = image { dst, src in
                table.withUnsafeBufferPointer {
                    dscsimd_apfixed_load_image(dst, Int32(rows), Int32(cols), Int32(lanes), Int32(stride), src, Int32(channels),
                                               Int64(plane), Int32(rowBytes), $0.baseAddress!)
                }
            }
            XCTAssertEqual(viaC, image { R.loadImage($0, rows: rows, cols: cols, lanes: lanes, dstRowStride: stride, src: $1, channels: channels,
                                                     planeStride: plane, srcRowStride: rowBytes) }, "load image \(trial)")
        }
    }

    func testReorgMatchesTheReference() {
        var g = SeededGenerator(seed: 0x4E)
        for trial in 0..<30 {
            let rows = Int.random(in: 1...6, using: &g), cols = Int.random(in: 1...7, using: &g)
            let srcStride = (2 * cols + Int.random(in: 0...2, using: &g)) * 32
            let src = codes(2 * rows * srcStride, &g, -32768, 32767)
            let strides = (0..<4).map { _ in (cols + Int.random(in: 0...2, using: &g)) * 32 }
            let widths = (0..<4).map { _ in Int.random(in: 1...16, using: &g) }
            let fields = widths.map { Int.random(in: 1...$0, using: &g) }
            let old = (0..<4).map { codes(rows * strides[$0], &g, -32768, 32767) }
            func run(_ kernel: (UnsafeMutablePointer<dscsimd_apfixed_reorg>) -> Void) -> [[Int16]] {
                var d = old
                let p = (0..<4).map { j in UnsafeMutablePointer<Int16>.allocate(capacity: d[j].count) }
                defer { p.forEach { $0.deallocate() } }
                for j in 0..<4 { p[j].initialize(from: d[j], count: d[j].count) }
                src.withUnsafeBufferPointer { s in
                    var a = dscsimd_apfixed_reorg(src: s.baseAddress!, src_row_stride: Int32(srcStride), dst: (p[0], p[1], p[2], p[3]),
                                                  dst_row_stride: (Int32(strides[0]), Int32(strides[1]), Int32(strides[2]), Int32(strides[3])),
                                                  field_bits: (Int32(fields[0]), Int32(fields[1]), Int32(fields[2]), Int32(fields[3])),
                                                  width_bits: (Int32(widths[0]), Int32(widths[1]), Int32(widths[2]), Int32(widths[3])),
                                                  rows: Int32(rows), cols: Int32(cols))
                    kernel(&a)
                }
                for j in 0..<4 { d[j] = Array(UnsafeBufferPointer(start: p[j], count: d[j].count)) }
                return d
            }
            XCTAssertEqual(run { dscsimd_apfixed_reorg2x2($0) }, run { APFixedReferenceKernels.reorg($0) }, "reorg \(rows)x\(cols) \(fields)/\(widths) \(trial)")
        }
    }
}
