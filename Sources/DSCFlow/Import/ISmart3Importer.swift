/// Builds the iSmart3-SkyNet accelerator program model (DAC-SDC 2019) from the parameter file the
/// board loads (`FPGA/Deploy/SkyNet.bin`, or the HLS testbench's `weights_fixed.bin`; facts:
/// ../shared/ismart3/FACTS.md §3). The file is 64-byte words of 32 little-endian 16-bit lanes:
/// 413 pointwise blocks of 32 words, 64 depthwise groups of 9 words, 106 bias words. Each lane's
/// bits 10…0 are an `ap_fixed<11,4>` WT code (`APFixed.weightCode`).
///
/// The model is a carrier (`Model.acceleratorProgramKey`): three int16 constant tensors hold the WT
/// codes in the file's order, the input is the stitched batch the accelerator reads (uint8
/// [1, 3, 324, 644], planar R, G, B), and the metadata says how to run it (`dscflow.program`), how the
/// host prepares images (`dscflow.preprocess`) and decodes boxes (`dscflow.detection`), and where the
/// parameters came from (`dscflow.source`: the file's base name and SHA-256, never a path).
public enum ISmart3Importer {
    /// Lanes per 64-byte word.
    public static let lanes = 32
    /// 1x1 blocks (32 words each), 3x3 groups (9 words each) and bias words in the file.
    public static let pointwiseBlocks = 413, depthwiseGroups = 64, biasWords = 106
    /// Bytes of the parameter file: (413·32 + 64·9 + 106) words of 64 bytes.
    public static let fileBytes = (pointwiseBlocks * 32 + depthwiseGroups * 9 + biasWords) * 64
    /// Names of the constant tensors: int16 [413, 32, 32] (block, input word k, output lane),
    /// [64, 3, 3, 32] (group, ky, kx, lane) and [106, 32] (word, lane), WT codes.
    public static let pointwiseTensor = "ismart3.pointwise", depthwiseTensor = "ismart3.depthwise", biasTensor = "ismart3.bias"
    /// The model input: the stitched 4-image batch, uint8 [1, 3, 324, 644].
    public static let inputTensor = "stitched"
    /// `design=` of the program record.
    public static let design = "ismart3-skynet"
    /// The host's anchors (w0, h0, w1, h1) in grid cells (`FPGA/Deploy/SkyNet.py`).
    public static let anchors = [1.4940052559648322, 2.3598481287086823, 4.0113013115312155, 5.760873975661669]

    /// Imports a parameter file. `name` is recorded by its base name only.
    public static func importModel(bytes: UnsafeRawBufferPointer, name: String = "SkyNet.bin") throws(DSCError) -> Model {
        let base = String(name.split(separator: "/", omittingEmptySubsequences: false).last ?? Substring(name))
        guard bytes.count == fileBytes else {
            throw DSCError.malformedModel("\(base): \(bytes.count) bytes; an iSmart3 SkyNet parameter file has exactly \(fileBytes) (\(pointwiseBlocks)×32 1x1 words, \(depthwiseGroups)×9 3x3 words, \(biasWords) bias words, 64 bytes each)")
        }
        let storage = try ByteStorage(zeroedCount: fileBytes)
        let codes = UnsafeMutableRawPointer(mutating: storage.base).bindMemory(to: Int16.self, capacity: fileBytes / 2)
        var highBits = 0
        for i in 0..<(fileBytes / 2) {
            let lane = UInt16(bytes[2 * i]) | UInt16(bytes[2 * i + 1]) << 8
            if lane >> 11 != 0 { highBits += 1 }
            codes[i] = Int16(APFixed.weightCode(lane: lane)).littleEndian
        }
        let pwBytes = pointwiseBlocks * 32 * lanes * 2, dwBytes = depthwiseGroups * 9 * lanes * 2
        let tensors = [
            Tensor(name: inputTensor, type: .uint8, shape: [1, 3, 324, 644]),
            Tensor(name: pointwiseTensor, type: .int16, shape: [pointwiseBlocks, 32, lanes],
                   data: ConstantData(storage: storage, offset: 0, count: pwBytes)),
            Tensor(name: depthwiseTensor, type: .int16, shape: [depthwiseGroups, 3, 3, lanes],
                   data: ConstantData(storage: storage, offset: pwBytes, count: dwBytes)),
            Tensor(name: biasTensor, type: .int16, shape: [biasWords, lanes],
                   data: ConstantData(storage: storage, offset: pwBytes + dwBytes, count: biasWords * lanes * 2)),
        ]
        var source = MetadataRecord(["file": base, "sha256": SHA256.hex(bytes)])
        if highBits > 0 { source["ignored-high-bits"] = "\(highBits) lanes had bits 15-11 set; the accelerator reads bits 10-0 only" }
        let metadata = [
            Model.acceleratorProgramKey: MetadataRecord([
                "design": design, "version": "1", "batch": "4", "canvas": "644x324", "heads": "4x10x20x40",
                "fm": APFixed.fm.name, "acc": APFixed.acc.name, "wt": APFixed.wt.name,
            ]).text,
            "dscflow.preprocess": MetadataRecord([
                "color": "rgb", "resize": "nearest", "range": "raw", "size": "320x160", "source": "640x360",
                "layout": "chw", "stitch": "2x2", "border": "127", "canvas": "644x324",
            ]).text,
            "dscflow.detection": MetadataRecord([
                "head": "ismart3", "anchors": anchors.map { "\($0)" }.joined(separator: ","), "grid": "40x20",
                "image": "640x360", "argmax": "raster-first-strict", "anchor-tie": "anchor0", "decode": "SkyNet.py-numpy1",
            ]).text,
            "dscflow.source": source.text,
        ]
        return try Model(tensors: tensors, operations: [], inputs: [0], outputs: [0], metadata: metadata, format: "ismart3")
    }
}
