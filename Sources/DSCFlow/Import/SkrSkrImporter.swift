/// Builds SkyNet for the DAC-SDC 2020 SkrSkr accelerator (and SEUer B, its channel-enhanced
/// derivative) from the accelerator's parameter files, in the accelerator's own integer arithmetic:
/// uint8 activations, 6-bit weights, a 19-bit accumulator saturated after every 16 input channels,
/// int16 bias added without saturation, ReLU before the int16 multiplier, `>> 17`, clamp to [0, 255];
/// the first layer pads with 128; the last layer's raw 19-bit accumulators are the output
/// (int32 [1, 20, 40, 10]). Facts: ../shared/skrskr/FACTS.md §1–§7.
///
/// Real channel counts are used (3, 48, … instead of the accelerator's 32-lane padding) only where the
/// importer proves from the weights that the padding lanes cannot change a byte; otherwise it keeps the
/// padded lanes (or rejects the file when the accelerator itself would read undefined data).
public enum SkrSkrImporter {
    /// Bytes of a `.wt` file: 13792 words of 32 one-byte weights.
    public static let weightFileBytes = 441_344
    /// Bytes of a `.bm` file: 428 words of 16 int16 (biases and multipliers).
    public static let biasMultiplierFileBytes = 13_696
    /// Bytes of `SkyNet.bin` (= `.wt` followed by `.bm`).
    public static let combinedFileBytes = weightFileBytes + biasMultiplierFileBytes
    /// The largest weight file worth reading (16 MiB, far above every file the importer takes): callers
    /// reading one from disk pass it to `ByteStorage(contentsOfFile:maxBytes:)`.
    public static let maxFileBytes = 16 << 20

    /// Imports `SkyNet.bin` (the `.wt` bytes followed by the `.bm` bytes). `name` is the file's name;
    /// the model's `dscflow.source` records its last path component and the bytes' SHA-256 (never a
    /// directory), so the same file gives the same `.dscm` bytes on every machine.
    public static func importModel(combined bytes: UnsafeRawBufferPointer, name: String = "SkyNet.bin") throws(DSCError) -> Model {
        guard bytes.count == combinedFileBytes else {
            throw DSCError.malformedModel("\(name): \(bytes.count) bytes; a SkrSkr SkyNet.bin has exactly \(combinedFileBytes) (\(weightFileBytes) of weights + \(biasMultiplierFileBytes) of biases and multipliers)")
        }
        let wt = UnsafeRawBufferPointer(rebasing: bytes[0..<weightFileBytes])
        let bm = UnsafeRawBufferPointer(rebasing: bytes[weightFileBytes...])
        return try build(weights: wt, biasMultipliers: bm, source: provenance(name, bytes))
    }

    /// Imports a `.wt` (weights) and `.bm` (biases, multipliers) pair, SkrSkr's or SEUer B's. The names
    /// are recorded as for `importModel(combined:name:)`: last path component and SHA-256.
    public static func importModel(weights wt: UnsafeRawBufferPointer, biasMultipliers bm: UnsafeRawBufferPointer,
                                   weightsName: String = "SkyNet.wt", biasMultipliersName: String = "SkyNet.bm") throws(DSCError) -> Model {
        // The sizes first: a wrong file is refused before it is hashed.
        try checkSizes(weights: wt, biasMultipliers: bm)
        return try build(weights: wt, biasMultipliers: bm,
                         source: provenance(weightsName, wt) + " + " + provenance(biasMultipliersName, bm))
    }

    /// How many bytes, read as int8, are outside [−32, 31], i.e. whose b + 32 (mod 256) is 64 or more:
    /// eight bytes at a time (each lane gets b + 32 without carries into the next; a lane is counted
    /// when bit 7 or bit 6 of its sum is set), the last few one by one.
    package static func countOutsideSixBits(_ bytes: UnsafeRawBufferPointer) -> Int {
        let n = bytes.count
        var count = 0, i = 0
        while n - i >= 8 {
            let x = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let y = ((x & 0x7f7f_7f7f_7f7f_7f7f) &+ 0x2020_2020_2020_2020) ^ (x & 0x8080_8080_8080_8080)
            count &+= ((y | y &<< 1) & 0x8080_8080_8080_8080).nonzeroBitCount
            i &+= 8
        }
        while i < n {
            let b = Int8(bitPattern: bytes[i])
            if b < -32 || b > 31 { count += 1 }
            i += 1
        }
        return count
    }

    /// "NAME (sha256 HEX)" with NAME reduced to its last path component.
    static func provenance(_ name: String, _ bytes: UnsafeRawBufferPointer) -> String {
        let file = name.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init) ?? name
        return "\(file) (sha256 \(SHA256.hex(bytes)))"
    }

    private static func checkSizes(weights wt: UnsafeRawBufferPointer, biasMultipliers bm: UnsafeRawBufferPointer) throws(DSCError) {
        guard wt.count == weightFileBytes else {
            throw DSCError.malformedModel("SkrSkr weight file: \(wt.count) bytes; expected exactly \(weightFileBytes) (13792 words of 32 weights)")
        }
        guard bm.count == biasMultiplierFileBytes else {
            throw DSCError.malformedModel("SkrSkr bias/multiplier file: \(bm.count) bytes; expected exactly \(biasMultiplierFileBytes) (428 words of 16 int16)")
        }
    }

    private static func build(weights wt: UnsafeRawBufferPointer, biasMultipliers bm: UnsafeRawBufferPointer,
                              source: String) throws(DSCError) -> Model {
        try checkSizes(weights: wt, biasMultipliers: bm)
        let params = SkrSkrParameters(weights: wt, biasMultipliers: bm)
        var builder = SkrSkrGraphBuilder(params: params, source: source)
        return try builder.build()
    }
}

/// One convolution layer of the accelerator's parameter files (FACTS §3.1, §3.2).
struct SkrSkrLayer {
    let name: String
    let depthwise: Bool
    /// Padded (32-lane) channel counts, as the accelerator stores them.
    let inChannels: Int
    let outChannels: Int
    /// First 32-byte weight word, and the bias / multiplier offsets in 16-lane int16 words.
    let weightWord: Int
    let biasWord: Int
    let multiplierWord: Int

    /// The SkrSkr layer table (`SkyNet.h`).
    static let all: [SkrSkrLayer] = [
        .init(name: "conv1", depthwise: true, inChannels: 32, outChannels: 32, weightWord: 0, biasWord: 0, multiplierWord: 2),
        .init(name: "conv2", depthwise: false, inChannels: 32, outChannels: 64, weightWord: 9, biasWord: 4, multiplierWord: 8),
        .init(name: "conv3", depthwise: true, inChannels: 64, outChannels: 64, weightWord: 73, biasWord: 12, multiplierWord: 16),
        .init(name: "conv4", depthwise: false, inChannels: 64, outChannels: 96, weightWord: 91, biasWord: 20, multiplierWord: 26),
        .init(name: "conv5", depthwise: true, inChannels: 96, outChannels: 96, weightWord: 283, biasWord: 32, multiplierWord: 38),
        .init(name: "conv6", depthwise: false, inChannels: 96, outChannels: 192, weightWord: 310, biasWord: 44, multiplierWord: 56),
        .init(name: "conv7", depthwise: true, inChannels: 192, outChannels: 192, weightWord: 886, biasWord: 68, multiplierWord: 80),
        .init(name: "conv8", depthwise: false, inChannels: 192, outChannels: 384, weightWord: 940, biasWord: 92, multiplierWord: 116),
        .init(name: "conv9", depthwise: true, inChannels: 384, outChannels: 384, weightWord: 3244, biasWord: 140, multiplierWord: 164),
        .init(name: "conv10", depthwise: false, inChannels: 384, outChannels: 512, weightWord: 3352, biasWord: 188, multiplierWord: 220),
        .init(name: "conv11", depthwise: true, inChannels: 1280, outChannels: 1280, weightWord: 9496, biasWord: 252, multiplierWord: 332),
        .init(name: "conv12", depthwise: false, inChannels: 1280, outChannels: 96, weightWord: 9856, biasWord: 412, multiplierWord: 418),
        .init(name: "conv13", depthwise: false, inChannels: 96, outChannels: 32, weightWord: 13696, biasWord: 424, multiplierWord: 426),
    ]
}

/// The decoded parameter files: weights (6-bit rule applied), biases and multipliers, by layer.
struct SkrSkrParameters {
    let wt: UnsafeRawBufferPointer
    let bm: UnsafeRawBufferPointer
    /// Weight bytes outside [−32, 31], which the accelerator's 6-bit registers truncate.
    private(set) var outOfRangeWeights = 0

    init(weights: UnsafeRawBufferPointer, biasMultipliers: UnsafeRawBufferPointer) {
        wt = weights
        bm = biasMultipliers
        outOfRangeWeights = SkrSkrImporter.countOutsideSixBits(weights)
    }

    /// The accelerator loads a byte into a signed 6-bit register: the low 6 bits, sign-extended
    /// (`WBUF[…] = DATA.range(8l+7, 8l)` in `Load_WBUF3x3` / `Load_WBUF1x1`).
    static func sixBit(_ byte: UInt8) -> Int8 {
        Int8((Int(byte) & 63) ^ 32) - 32
    }

    /// Depthwise weight of channel `c` at tap (ky, kx): lane c % 32 of word first + 9·(c / 32) + 3·ky + kx.
    func depthwiseWeight(_ l: SkrSkrLayer, channel c: Int, ky: Int, kx: Int) -> Int8 {
        let word = l.weightWord + 9 * (c / 32) + 3 * ky + kx
        return Self.sixBit(wt[word * 32 + c % 32])
    }

    /// Pointwise weight (output `co`, input `ci`): lane co % 32 of word first + (co / 32)·IC + ci.
    func pointwiseWeight(_ l: SkrSkrLayer, output co: Int, input ci: Int) -> Int8 {
        let word = l.weightWord + (co / 32) * l.inChannels + ci
        return Self.sixBit(wt[word * 32 + co % 32])
    }

    private func int16(at index: Int) -> Int32 {
        Int32(Int16(bitPattern: UInt16(bm[2 * index]) | UInt16(bm[2 * index + 1]) << 8))
    }

    func bias(_ l: SkrSkrLayer, channel k: Int) -> Int32 { int16(at: 16 * l.biasWord + k) }
    func multiplier(_ l: SkrSkrLayer, channel k: Int) -> Int32 { int16(at: 16 * l.multiplierWord + k) }

    /// The value a requantized channel outputs whatever its input, if that is decidable from the
    /// parameters alone: 0 when M ≤ 0 (ReLU comes first); the bias alone when the accumulator is 0.
    func constantOutput(_ l: SkrSkrLayer, channel c: Int, accumulatorIsZero: Bool) -> Int32? {
        let m = Int64(multiplier(l, channel: c))
        if m <= 0 { return 0 }
        guard accumulatorIsZero else { return nil }
        // The kernels' own requantizer applied to the bias alone.
        let rq = Requantizer.mulShift(MulShiftRequantizer(multipliers: [Int32(m)], shift: 17))
        return ChannelRequantizer.with(rq, rounding: .double) { $0.apply(bias(l, channel: c), channel: 0) }
    }

    func depthwiseWeightsAreZero(_ l: SkrSkrLayer, channel c: Int) -> Bool {
        for ky in 0..<3 { for kx in 0..<3 where depthwiseWeight(l, channel: c, ky: ky, kx: kx) != 0 { return false } }
        return true
    }

    func pointwiseWeightsAreZero(_ l: SkrSkrLayer, inputs: Range<Int>, outputs: Range<Int>) -> Bool {
        for co in outputs { for ci in inputs where pointwiseWeight(l, output: co, input: ci) != 0 { return false } }
        return true
    }

    /// SEUer B's channel enhancement (FACTS §3.4): conv1's 3 weight, bias and multiplier lanes repeated
    /// in lanes 0–11.
    var isChannelEnhanced: Bool {
        let l = SkrSkrLayer.all[0]
        for c in 3..<12 {
            if bias(l, channel: c) != bias(l, channel: c % 3) || multiplier(l, channel: c) != multiplier(l, channel: c % 3) {
                return false
            }
            for ky in 0..<3 {
                for kx in 0..<3 where depthwiseWeight(l, channel: c, ky: ky, kx: kx) != depthwiseWeight(l, channel: c % 3, ky: ky, kx: kx) {
                    return false
                }
            }
        }
        return depthwiseWeightsAreZero(l, channel: 0) == false
    }
}
