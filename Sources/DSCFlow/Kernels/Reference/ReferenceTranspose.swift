/// Reference Transpose of a tensor of rank ≤ 6 (validated): the output is walked in order, the input
/// index advanced by the permuted strides.
enum ReferenceTranspose {
    static func run(_ perm: [Int], input: UnsafeRawPointer, shape: [Int], output: UnsafeMutableRawPointer,
                    elementSize: Int) {
        let rank = shape.count
        var inStrides = [Int](repeating: 1, count: rank)
        for d in stride(from: rank - 2, through: 0, by: -1) { inStrides[d] = inStrides[d + 1] &* shape[d + 1] }
        let outShape = perm.map { shape[$0] }
        let strides = perm.map { inStrides[$0] }
        let count = shape.reduce(1, &*)
        guard count > 0 else { return }
        var index = [Int](repeating: 0, count: rank)
        var src = 0
        for o in 0..<count {
            (output + o &* elementSize).copyMemory(from: input + src &* elementSize, byteCount: elementSize)
            var d = rank - 1
            while d >= 0 {
                index[d] &+= 1
                src &+= strides[d]
                if index[d] < outShape[d] { break }
                src &-= strides[d] &* outShape[d]
                index[d] = 0
                d -= 1
            }
        }
    }
}
