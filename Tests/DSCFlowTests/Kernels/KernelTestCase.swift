import Foundation
import XCTest
import CDSCFlowSIMD
@testable import DSCFlow
@testable import DSCFlowAccelerator
@testable import DSCFlowVision

/// A small deterministic generator (SplitMix64), so a failing case can be replayed from its seed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The fast paths this CPU can run (the reference path is the oracle).
let fastPaths = KernelPath.supported.filter { $0 != .reference }

/// Runs `model` on `input` with `path` and returns every operator's output bytes.
func runAll(_ model: Model, _ input: [UInt8], path: KernelPath, rounding: RoundingMode = .double) throws -> [[UInt8]] {
    let s = try Session(model: model, options: SessionOptions(rounding: rounding, kernels: path))
    let inBuf = s.inputBytes(0)
    precondition(inBuf.count == input.count)
    input.withUnsafeBytes { inBuf.copyMemory(from: $0) }
    var outs: [[UInt8]] = []
    s.run { _, bytes in outs.append([UInt8](bytes)) }
    return outs
}

/// Random extreme-leaning values for the requantization stress.
extension SeededGenerator {
    mutating func multiplier() -> Int32 {
        switch Int.random(in: 0..<8, using: &self) {
        case 0: return Int32.max
        case 1: return Int32.min
        case 2: return Int32.max - Int32.random(in: 0..<1000, using: &self)
        case 3: return Int32.random(in: Int32.min...Int32.max, using: &self)
        default: return Int32.random(in: (1 << 30)...Int32.max, using: &self)
        }
    }

    mutating func shift() -> Int32 {
        Int.random(in: 0..<4, using: &self) == 0 ? Int32.random(in: -31...31, using: &self)
                                                  : Int32.random(in: -12...2, using: &self)
    }

    mutating func bias() -> Int32 {
        switch Int.random(in: 0..<6, using: &self) {
        case 0: return Int32.random(in: Int32.min...Int32.max, using: &self)
        case 1: return Int32.max - Int32.random(in: 0..<100, using: &self)
        case 2: return Int32.min + Int32.random(in: 0..<100, using: &self)
        default: return Int32.random(in: -20000...20000, using: &self)
        }
    }

    mutating func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8.random(in: 0...255, using: &self) } }

    mutating func requantizer(channels: Int, output: ElementType) -> FixedPointRequantizer {
        let perChannel = Bool.random(using: &self)
        let n = perChannel ? channels : 1
        let r = output.range
        var lo = Int32.random(in: r, using: &self), hi = Int32.random(in: r, using: &self)
        if lo > hi { swap(&lo, &hi) }
        if Bool.random(using: &self) { lo = r.lowerBound; hi = r.upperBound }
        let zp = Bool.random(using: &self) ? Int32.random(in: r, using: &self) : Int32.random(in: -100_000...100_000, using: &self)
        return FixedPointRequantizer(multipliers: (0..<n).map { _ in multiplier() }, shifts: (0..<n).map { _ in shift() },
                                     outputZeroPoint: zp, activationMin: lo, activationMax: hi)
    }
}

/// What every kernel test shares: one-operator models, the comparison of every fast path with the
/// reference kernel (optionally with one microkernel forced and checked to have run), random windows
/// and requantizers.
class KernelTestCase: XCTestCase {
    /// Threads of the fast sessions `assertSame` compares with the reference (tests of threading raise it).
    var threads = 1
    /// Kernel choices of the fast sessions `assertSame` runs (tests turn them to reach one microkernel).
    var tuning = KernelTuning()

    /// Builds a one-operator model; input 0 is tensor 0, output is the last tensor.
    func oneOp(_ kind: OperatorKind, input: Tensor, constants: [Tensor], output: Tensor, second: Tensor? = nil) throws -> Model {
        var tensors = [input]
        var inputs = [0]
        if let second { tensors.append(second); inputs.append(1) }
        for c in constants { inputs.append(tensors.count); tensors.append(c) }
        tensors.append(output)
        let modelInputs = second == nil ? [0] : [0, 1]
        return try Model(tensors: tensors, operations: [Operator(kind: kind, inputs: inputs, outputs: [tensors.count - 1])],
                         inputs: modelInputs, outputs: [tensors.count - 1], format: "builtin")
    }

    /// Compares every fast path with the reference on `model` for `inputs` (all model inputs in order).
    /// With `kernel` (DSCSIMD_KERNEL_*), only the paths whose build has that microkernel run, and each
    /// must have chosen it for the operator (so a test of one microkernel cannot pass without running it).
    func assertSame(_ model: Model, _ inputs: [[UInt8]], rounding: RoundingMode, kernel: Int? = nil,
                    _ what: @autoclosure () -> String, file: StaticString = #filePath, line: UInt = #line) throws {
        func run(_ path: KernelPath) throws -> [UInt8]? {
            var options = SessionOptions(rounding: rounding, kernels: path, threads: path == .reference ? 1 : threads)
            options.tuning = tuning
            let prepared = try PreparedModel(model: model, options: options)
            if let kernel, path != .reference {
                guard let isa = path.isa, let k = dscsimd_kernel_find(isa, Int32(kernel)) else { return nil }
                let name = String(cString: k.pointee.name)
                XCTAssertEqual(prepared.kernels[0], .fast(name), "\(path.rawValue): \(what())", file: file, line: line)
            }
            let s = try Session(prepared: prepared)
            for (i, bytes) in inputs.enumerated() {
                let buf = s.inputBytes(i)
                bytes.withUnsafeBytes { buf.copyMemory(from: $0) }
            }
            s.run()
            return [UInt8](s.outputBytes(0))
        }
        let expected = try run(.reference)!
        for path in fastPaths {
            guard let got = try run(path) else { continue }
            if got != expected {
                let i = (0..<min(got.count, expected.count)).first { got[$0] != expected[$0] } ?? -1
                XCTFail("\(path.rawValue) differs from the reference at byte \(i) (\(got.count) bytes): \(what())", file: file, line: line)
                return
            }
        }
    }

    /// The fast paths whose build has microkernel `kernel`.
    func paths(having kernel: Int) -> [KernelPath] {
        fastPaths.filter { p in p.isa.map { dscsimd_kernel_find($0, Int32(kernel)) != nil } ?? false }
    }

    func randomWindow(_ g: inout SeededGenerator, h: Int, w: Int, maxKernel: Int) -> Window2D? {
        let kh = Int.random(in: 1...maxKernel, using: &g), kw = Int.random(in: 1...maxKernel, using: &g)
        let sh = Int.random(in: 1...3, using: &g), sw = Int.random(in: 1...3, using: &g)
        let dh = Int.random(in: 0..<5, using: &g) == 0 ? 2 : 1, dw = Int.random(in: 0..<5, using: &g) == 0 ? 2 : 1
        let mode: PaddingMode = Bool.random(using: &g) ? .same : .valid
        guard let y = Window2D.resolve(input: h, kernel: kh, stride: sh, dilation: dh, mode: mode),
              let x = Window2D.resolve(input: w, kernel: kw, stride: sw, dilation: dw, mode: mode) else { return nil }
        return Window2D(kernelHeight: kh, kernelWidth: kw, strideHeight: sh, strideWidth: sw, dilationHeight: dh,
                        dilationWidth: dw, padding: mode, padTop: y.before, padLeft: x.before, padBottom: y.after,
                        padRight: x.after)
    }

    /// A requantizer and biases that satisfy DSCSIMD_RQ_NARROW for an input offset of 128 (the kernels'
    /// bias is then the operator's bias): multipliers >= 0 (half of them 2^30, for rounding ties), right
    /// shifts 1...30 as far as the zero point allows, and for two thirds of the channels a bias that puts
    /// the largest accumulator right at the flag's limit. `weights(c)` gives channel c's weights.
    func narrowRequantizer(_ g: inout SeededGenerator, channels: Int, output: ElementType,
                           weights: (Int) -> [Int]) -> (FixedPointRequantizer, [Int32]) {
        let r = output.range
        let zp = Int32.random(in: r, using: &g)
        var lo = Int32.random(in: r, using: &g), hi = Int32.random(in: r, using: &g)
        if lo > hi { swap(&lo, &hi) }
        if Bool.random(using: &g) { hi = r.upperBound }
        // A fused ReLU (lo = zp, where the kernels drop the negative-rounding term) and one below it.
        switch Int.random(in: 0..<4, using: &g) {
        case 0: lo = zp
        case 1: lo = max(zp - 1, r.lowerBound)
        default: break
        }
        if lo > hi { hi = lo }
        var multipliers: [Int32] = [], shifts: [Int32] = [], bias: [Int32] = []
        for c in 0..<channels {
            let m: Int32 = Bool.random(using: &g) ? 1 << 30 : Int32.random(in: 0...Int32.max, using: &g)
            // The flag needs (|zp| + 1) * 2^r well under 2^31: the largest shift this zero point allows.
            var maxShift = 30
            while (Int(zp.magnitude) + 1) << maxShift >= 1 << 30 { maxShift -= 1 }
            let rs = Int.random(in: 0..<4, using: &g) == 0 ? Int.random(in: 1...maxShift, using: &g)
                                                           : Int.random(in: 1...min(12, maxShift), using: &g)
            multipliers.append(m)
            shifts.append(Int32(-rs))
            let w = weights(c)
            let positive = w.filter { $0 > 0 }.reduce(0, +), negative = w.filter { $0 < 0 }.reduce(0, +)
            let limit = (1 << 31) - (1 << (rs - 1)) - Int(zp.magnitude) << rs - 3
            let b: Int
            switch Int.random(in: 0..<3, using: &g) {
            case 0: b = limit - 255 * positive
            case 1: b = -limit - 255 * negative
            default: b = Int.random(in: -100_000...100_000, using: &g)
            }
            if let b32 = Int32(exactly: b), abs(b + 255 * positive) <= limit, abs(b + 255 * negative) <= limit {
                bias.append(b32)
            } else {
                bias.append(0)
            }
        }
        return (FixedPointRequantizer(multipliers: multipliers, shifts: shifts, outputZeroPoint: zp,
                                      activationMin: lo, activationMax: hi), bias)
    }

    /// The directory of the shared models and goldens, or nil (the test then skips, saying why).
    static var sharedDirectory: URL? {
        let env = ProcessInfo.processInfo.environment["DSCFLOW_SHARED"]
        let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidates = [env.map { URL(fileURLWithPath: $0) }, here.appendingPathComponent("../shared")].compactMap { $0 }
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("models").path) }
    }

    static let sharedModels = ["person_detect", "vww_96_int8", "kws_ref_model", "pretrainedResnet_quant"]

}
