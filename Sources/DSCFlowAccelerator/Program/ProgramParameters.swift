import CDSCFlowSIMD
import DSCFlow

/// The parameter words an accelerator program's compute primitives read: pointwise blocks
/// (`lanes` words of `lanes` weights: word k = input lane k, lane l = output lane l), depthwise groups
/// (9 words, tap 3·ky + kx, of one weight per lane) and bias words (one value per lane), as integer
/// codes of the program's weight type. Immutable; shared by every machine running the program.
public final class ProgramParameters: @unchecked Sendable {
    /// Lanes per word.
    public let lanes: Int
    /// Number of pointwise blocks, depthwise groups and bias words.
    public let pointwiseBlocks: Int, depthwiseGroups: Int, biasWords: Int
    let pointwise: UnsafeMutablePointer<Int16>
    let depthwise: UnsafeMutablePointer<Int16>
    let bias: UnsafeMutablePointer<Int16>

    /// Copies the codes; the arrays must hold whole blocks, groups and words of `lanes` (16…64, a
    /// multiple of 16) lanes.
    public init(lanes: Int, pointwise: [Int16], depthwise: [Int16], bias: [Int16]) throws {
        guard lanes >= 16, lanes <= Int(DSCSIMD_APFIXED_MAX_LANES), lanes % 16 == 0 else {
            throw DSCError.invalidArgument("program parameters: \(lanes) lanes; expected 16, 32, 48 or 64")
        }
        let block = lanes * lanes, group = 9 * lanes
        guard pointwise.count % block == 0, depthwise.count % group == 0, bias.count % lanes == 0 else {
            throw DSCError.invalidArgument("program parameters: \(pointwise.count) pointwise, \(depthwise.count) depthwise and \(bias.count) bias codes are not whole blocks of \(block), groups of \(group) and words of \(lanes)")
        }
        self.lanes = lanes
        pointwiseBlocks = pointwise.count / block
        depthwiseGroups = depthwise.count / group
        biasWords = bias.count / lanes
        func owned(_ a: [Int16]) -> UnsafeMutablePointer<Int16> {
            let p = UnsafeMutablePointer<Int16>.allocate(capacity: max(a.count, 1))
            a.withUnsafeBufferPointer { if let b = $0.baseAddress { p.initialize(from: b, count: a.count) } }
            return p
        }
        self.pointwise = owned(pointwise)
        self.depthwise = owned(depthwise)
        self.bias = owned(bias)
    }

    /// The first code outside `format`'s range, with where it is, or nil (the kernels are exact for
    /// codes of the weight type only).
    func firstCode(outside format: APFixed.Format) -> String? {
        for (what, p, n) in [("pointwise", pointwise, pointwiseBlocks * lanes * lanes), ("depthwise", depthwise, depthwiseGroups * 9 * lanes),
                             ("bias", bias, biasWords * lanes)] {
            for i in 0..<n where Int32(p[i]) < format.minCode || Int32(p[i]) > format.maxCode {
                return "\(what) code \(p[i]) at index \(i) is not an \(format.name) code"
            }
        }
        return nil
    }

    deinit {
        pointwise.deallocate()
        depthwise.deallocate()
        bias.deallocate()
    }

    /// Pointwise block `b` ([lanes][lanes]).
    func pointwiseBlock(_ b: Int) -> UnsafePointer<Int16> { UnsafePointer(pointwise + b * lanes * lanes) }
    /// Depthwise group `g` ([9][lanes]).
    func depthwiseGroup(_ g: Int) -> UnsafePointer<Int16> { UnsafePointer(depthwise + g * 9 * lanes) }
    /// Bias word `n` ([lanes]).
    func biasWord(_ n: Int) -> UnsafePointer<Int16> { UnsafePointer(bias + n * lanes) }

    /// Pointwise weight of input lane `k`, output lane `l` of block `b`.
    public func pointwiseWeight(block b: Int, input k: Int, output l: Int) -> Int16 { pointwise[(b * lanes + k) * lanes + l] }
    /// Depthwise weight of lane `l` at tap `t` (3·ky + kx) of group `g`.
    public func depthwiseWeight(group g: Int, tap t: Int, lane l: Int) -> Int16 { depthwise[(g * 9 + t) * lanes + l] }
    /// Lane `l` of bias word `n`.
    public func bias(word n: Int, lane l: Int) -> Int16 { bias[n * lanes + l] }
}

