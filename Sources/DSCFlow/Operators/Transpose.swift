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
        .reference("transposes run on the reference kernel")
    }

    static func runReference(_ perm: [Int], _ b: OperatorBinding, rounding: RoundingMode) {
        ReferenceTranspose.run(perm, input: b.inputs[0], shape: b.inputShapes[0], output: b.output,
                               elementSize: b.inputType.byteSize)
    }

    static func encode(_ perm: [Int], into s: inout DSCMSink) { s.int32s(perm.map { Int32(truncatingIfNeeded: $0) }) }

    static func decode(_ c: inout DSCMCursor, index: Int) throws -> [Int] { try c.int32s().map { Int($0) } }
}
