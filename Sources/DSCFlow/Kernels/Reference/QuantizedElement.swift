/// The integer element types kernels are specialised for.
public protocol QuantizedElement: FixedWidthInteger {}
extension Int8: QuantizedElement {}
extension UInt8: QuantizedElement {}
extension Int16: QuantizedElement {}
extension Int32: QuantizedElement {}

/// A 4-D NHWC shape; lower-rank tensors are extended with leading 1s.
package struct Shape4: Sendable {
    package var n: Int, h: Int, w: Int, c: Int

    package init(_ n: Int, _ h: Int, _ w: Int, _ c: Int) {
        self.n = n; self.h = h; self.w = w; self.c = c
    }

    /// Extends a shape of rank ≤ 6 with leading 1s; dimensions before the last three fold into n.
    package init(extending shape: [Int]) {
        let d = Dims6(shape)
        self.init(d[0] &* d[1] &* d[2], d[3], d[4], d[5])
    }

    @inline(__always)
    package func offset(_ b: Int, _ y: Int, _ x: Int, _ ch: Int) -> Int {
        ((b &* h &+ y) &* w &+ x) &* c &+ ch
    }

    package var count: Int { n &* h &* w &* c }
}
