import CDSCFlowSIMD
import DSCFlow

/// The executable specification of the ap_fixed microkernels (`dscsimd_apfixed.h`): straightforward
/// scalar loops over `APFixed`'s definitions, taking the same argument structs as the C kernels.
/// The program machine runs these on the `reference` kernel path; tests compare every C build
/// against them byte for byte.
package enum APFixedReferenceKernels {
    /// `dscsimd_apfixed_dw`: per-tap rounded and saturated FM accumulation, then ReLU if asked.
    package static func depthwise(_ a: UnsafePointer<dscsimd_apfixed_dw>) {
        let a = a.pointee
        let lanes = Int(a.lanes), srs = Int(a.src_row_stride), drs = Int(a.dst_row_stride)
        for r in 0..<Int(a.rows) {
            for c in 0..<Int(a.cols) {
                let y = a.dst + r * drs + c * lanes
                let x = a.src + r * srs + c * lanes
                for l in 0..<lanes {
                    var acc = Int32(y[l])
                    for t in 0..<9 {
                        let v = x[(t / 3 - 1) * srs + (t % 3 - 1) * lanes + l]
                        acc = APFixed.depthwiseTap(acc, weight: Int32(a.weights[t * lanes + l]), input: Int32(v))
                    }
                    y[l] = Int16(a.relu != 0 ? max(acc, 0) : acc)
                }
            }
        }
    }

    /// `dscsimd_apfixed_pw`: ACC accumulation rounded and saturated after every 16 input lanes.
    package static func pointwise(_ a: UnsafePointer<dscsimd_apfixed_pw>) {
        let a = a.pointee
        let il = Int(a.in_lanes), ol = Int(a.out_lanes)
        for r in 0..<Int(a.rows) {
            for c in 0..<Int(a.cols) {
                let x = a.src + r * Int(a.src_row_stride) + c * il
                let e = a.acc + r * Int(a.acc_row_stride) + c * ol
                for o in 0..<ol {
                    var acc = Int32(e[o])
                    for b in stride(from: 0, to: il, by: 16) {
                        var s: Int64 = 0
                        for k in b..<(b + 16) { s += Int64(a.weights[k * ol + o]) * Int64(x[k]) }
                        acc = APFixed.pointwiseBlock(acc, sum: s)
                    }
                    e[o] = Int16(acc)
                }
            }
        }
    }

    /// `dscsimd_apfixed_fill`.
    package static func fill(_ dst: UnsafeMutablePointer<Int16>, rows: Int, cols: Int, lanes: Int, rowStride: Int,
                             value: UnsafePointer<Int16>) {
        for r in 0..<rows { for c in 0..<cols { for l in 0..<lanes { dst[r * rowStride + c * lanes + l] = value[l] } } }
    }

    /// `dscsimd_apfixed_relu`.
    package static func relu(_ dst: UnsafeMutablePointer<Int16>, _ src: UnsafePointer<Int16>, count: Int) {
        for i in 0..<count { dst[i] = max(src[i], 0) }
    }

    /// ACC code → FM code through ReLU.
    static func accumulatorToFeature(_ e: Int16) -> Int16 {
        Int16(max(APFixed.convert(Int32(e), from: APFixed.acc, to: APFixed.fm), 0))
    }

    /// `dscsimd_apfixed_acc_to_fm_relu`.
    package static func accumulatorToFeatureReLU(_ dst: UnsafeMutablePointer<Int16>, _ src: UnsafePointer<Int16>, count: Int) {
        for i in 0..<count { dst[i] = accumulatorToFeature(src[i]) }
    }

    /// `dscsimd_apfixed_truncate`.
    package static func truncate(_ dst: UnsafeMutablePointer<Int16>, _ src: UnsafePointer<Int16>, count: Int, bits: Int) {
        for i in 0..<count { dst[i] = Int16(APFixed.signExtend(Int32(src[i]), bits: bits)) }
    }

    /// `dscsimd_apfixed_maxpool`.
    package static func maxPool(_ dst: UnsafeMutablePointer<Int16>, _ src: UnsafePointer<Int16>, rows: Int, cols: Int,
                                lanes: Int, dstRowStride: Int, srcRowStride: Int) {
        for i in 0..<rows {
            for j in 0..<cols {
                for l in 0..<lanes {
                    var m = Int16.min
                    for dy in 0..<2 {
                        for dx in 0..<2 { m = max(m, accumulatorToFeature(src[(2 * i + dy) * srcRowStride + (2 * j + dx) * lanes + l])) }
                    }
                    dst[i * dstRowStride + j * lanes + l] = m
                }
            }
        }
    }

    /// `dscsimd_apfixed_load_image` with the table of `APFixed.inputCode`.
    package static func loadImage(_ dst: UnsafeMutablePointer<Int16>, rows: Int, cols: Int, lanes: Int, dstRowStride: Int,
                                  src: UnsafePointer<UInt8>, channels: Int, planeStride: Int, srcRowStride: Int) {
        for r in 0..<rows {
            for ch in 0..<channels {
                for c in 0..<cols {
                    dst[r * dstRowStride + c * lanes + ch] = Int16(APFixed.inputCode(src[ch * planeStride + r * srcRowStride + c]))
                }
            }
        }
    }

    /// `dscsimd_apfixed_reorg2x2`.
    package static func reorg(_ a: UnsafePointer<dscsimd_apfixed_reorg>) {
        let a = a.pointee
        let dst = [a.dst.0, a.dst.1, a.dst.2, a.dst.3]
        let strides = [a.dst_row_stride.0, a.dst_row_stride.1, a.dst_row_stride.2, a.dst_row_stride.3].map(Int.init)
        let fields = [a.field_bits.0, a.field_bits.1, a.field_bits.2, a.field_bits.3].map(Int.init)
        let widths = [a.width_bits.0, a.width_bits.1, a.width_bits.2, a.width_bits.3].map(Int.init)
        for j in 0..<4 {
            guard let d = dst[j] else { continue }
            let mask = fields[j] >= 16 ? Int32(0xFFFF) : (Int32(1) << Int32(fields[j])) - 1
            for y in 0..<Int(a.rows) {
                for x in 0..<Int(a.cols) {
                    for dy in 0..<2 {
                        for dx in 0..<2 {
                            let row = (2 * y + dy) * Int(a.src_row_stride)
                            let s = a.src + row + (2 * x + dx) * 32 + 8 * j
                            for l in 0..<8 {
                                let cell = d + y * strides[j] + x * 32 + 4 * l + 2 * dy + dx
                                let old = Int32(UInt16(bitPattern: cell.pointee)), v = Int32(UInt16(bitPattern: s[l]))
                                let merged = (old & ~mask) | (v & mask)
                                cell.pointee = Int16(truncatingIfNeeded: APFixed.signExtend(merged, bits: widths[j]))
                            }
                        }
                    }
                }
            }
        }
    }
}
