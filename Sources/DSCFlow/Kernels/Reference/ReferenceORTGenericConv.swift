/// The sums of MLAS's generic float Conv (`MlasConv` on x86-64, ONNX Runtime 1.32): the input expanded
/// im2col-style (k = (input channel · kernel height + row) · kernel width + column; padding taps are 0) and
/// multiplied by the filter row with MLAS's SGEMM kernels (`ORTFloatConvAlgorithm.generic`).
extension ReferenceORTFloatConv {
    /// MLAS's K stride for an SGEMM of `k` rows and `n` columns (`MlasConvOperation` / `MlasSgemmOperation`):
    /// 128, halved while half still covers K, or doubled while the N stride (128, halved) still covers N.
    static func sgemmStrideK(k: Int, n: Int) -> Int {
        var strideN = 128, strideK = 128
        if n >= k {
            while strideK / 2 >= k { strideK /= 2; strideN &*= 2 }
        } else {
            while strideN > 16 && strideN / 2 >= n { strideK &*= 2; strideN /= 2 }
        }
        return strideK
    }

    /// One output's sum over `k` im2col rows, `a(i)` the filter value and `b(i)` the column value of row i.
    /// `singleRow` (one output channel per group): `MlasSgemmKernelM1Avx`, products rounded, summed in groups
    /// of 4 then 2 then 1 (each group from its first product), each group's sum added to the running total.
    /// Otherwise the SGEMM kernel: per K block of `strideK` rows an FMA chain from 0, blocks added in order.
    @inline(__always)
    static func genericSum(k: Int, singleRow: Bool, strideK: Int, _ a: (Int) -> Float, _ b: (Int) -> Float) -> Float {
        var total: Float = 0
        var first = true
        if singleRow {
            var i = 0
            while i < k {
                let width = k &- i >= 4 ? 4 : (k &- i >= 2 ? 2 : 1)
                var t = a(i) * b(i)
                var j = 1
                while j < width { t = t + a(i &+ j) * b(i &+ j); j &+= 1 }
                total = first ? t : t + total
                first = false
                i &+= width
            }
            return total
        }
        var k0 = 0
        while k0 < k {
            let k1 = min(k0 &+ strideK, k)
            var acc: Float = 0
            for i in k0..<k1 { acc = acc.addingProduct(a(i), b(i)) }
            total = first ? acc : acc + total
            first = false
            k0 = k1
        }
        return total
    }
}
