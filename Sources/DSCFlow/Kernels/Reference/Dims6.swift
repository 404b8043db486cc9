/// Up to six dimensions in a fixed-size value (no heap), for kernels over tensors of any rank ≤ 6.
struct Dims6 {
    var v: (Int, Int, Int, Int, Int, Int) = (1, 1, 1, 1, 1, 1)

    /// Right-aligns `shape` (rank ≤ 6), filling leading dimensions with `fill`.
    init(_ shape: [Int], fill: Int = 1) {
        v = (fill, fill, fill, fill, fill, fill)
        let k = shape.count
        for i in 0..<k { self[6 - k + i] = shape[i] }
    }

    init() {}

    subscript(i: Int) -> Int {
        get {
            switch i {
            case 0: return v.0
            case 1: return v.1
            case 2: return v.2
            case 3: return v.3
            case 4: return v.4
            default: return v.5
            }
        }
        set {
            switch i {
            case 0: v.0 = newValue
            case 1: v.1 = newValue
            case 2: v.2 = newValue
            case 3: v.3 = newValue
            case 4: v.4 = newValue
            default: v.5 = newValue
            }
        }
    }

    /// Row-major strides of this shape.
    var strides: Dims6 {
        var s = Dims6()
        var acc = 1
        for i in stride(from: 5, through: 0, by: -1) {
            s[i] = acc
            acc = acc &* self[i]
        }
        return s
    }

    var product: Int { v.0 &* v.1 &* v.2 &* v.3 &* v.4 &* v.5 }

    @inline(__always)
    func dot(_ o: Dims6) -> Int {
        v.0 &* o.v.0 &+ v.1 &* o.v.1 &+ v.2 &* o.v.2 &+ v.3 &* o.v.3 &+ v.4 &* o.v.4 &+ v.5 &* o.v.5
    }

    /// Visits every index of the box `extent` in row-major order.
    @inline(__always)
    static func forEach(_ extent: Dims6, _ body: (Dims6) -> Void) {
        if extent.product == 0 { return }
        var i = Dims6(fill0: ())
        while true {
            body(i)
            var d = 5
            while d >= 0 {
                i[d] &+= 1
                if i[d] < extent[d] { break }
                i[d] = 0
                d &-= 1
            }
            if d < 0 { return }
        }
    }

    init(fill0: ()) { v = (0, 0, 0, 0, 0, 0) }
}
