import CDSCFlowSIMD

/// TRANSPOSE: output dimension d is input dimension `permutation[d]` (any element size); the ONNX
/// importer's layout changes between ONNX's NCHW and the IR's NHWC, and ONNX Transpose nodes.
enum Transpose: OperatorDefinition {
    typealias Parameters = [Int]
    static let dscmKind: UInt32 = 34

    static func validate(_ perm: [Int], _ c: OperatorContext) throws(DSCError) {
        try c.requireInputs(1...1)
        let x = c.input(), out = c.output
        guard perm.count == x.shape.count, Set(perm) == Set(0..<perm.count) else {
            throw c.unsupported("permutation \(perm) of a rank-\(x.shape.count) tensor")
        }
        guard out.type == x.type, out.shape == perm.map({ x.shape[$0] }) else {
            throw c.fail(out, "\(out.signature) is not \(x.signature) permuted by \(perm)")
        }
    }

    static func prepareFast(_ perm: [Int], _ c: OperatorContext, _ target: FastTarget) -> FastPreparation {
        let x = c.input()
        if x.isConstant { return .reference("constant input") }
        return ORTPacking.prepare(target, mode: Int32(DSCSIMD_ORT_TRANSPOSE), perISA: false) { a, _, _ in
            var strides = [Int](repeating: 1, count: x.shape.count)
            for d in stride(from: x.shape.count - 2, through: 0, by: -1) { strides[d] = strides[d + 1] * x.shape[d + 1] }
            a.rank = Int32(x.shape.count)
            a.elem_size = Int32(x.type.byteSize)
            a.count = Int64(x.elementCount)
            withUnsafeMutableBytes(of: &a.dims) { d in
                for (k, axis) in perm.enumerated() { d.storeBytes(of: Int64(x.shape[axis]), toByteOffset: 8 * k, as: Int64.self) }
            }
            withUnsafeMutableBytes(of: &a.strides) { d in
                for (k, axis) in perm.enumerated() { d.storeBytes(of: Int64(strides[axis]), toByteOffset: 8 * k, as: Int64.self) }
            }
        }
    }

    static func runReference(_ perm: [Int], _ b: OperatorBinding, rounding: RoundingMode) {
        ReferenceTranspose.run(perm, input: b.inputs[0], shape: b.inputShapes[0], output: b.output,
                               elementSize: b.inputType.byteSize)
    }

    static func encode(_ perm: [Int], into s: inout DSCMSink) { s.int32s(perm.map { Int32(truncatingIfNeeded: $0) }) }

    static func decode(_ c: inout DSCMCursor, index: Int) throws(DSCError) -> [Int] { try c.int32s().map { Int($0) } }
}
