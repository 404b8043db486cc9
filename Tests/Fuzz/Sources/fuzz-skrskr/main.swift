import DSCFlow
import FuzzSupport

/// SkrSkr / SEUer B parameter files: the input is SkyNet.bin (the .wt bytes then the .bm bytes; other
/// sizes are split 97 % / 3 % and go through the two-file import, which refuses them before hashing).
/// One input in 32 has the imported SkyNet (464 M MACs) prepared for the fast path (its weights
/// packed), not run: those whose SHA-256, which the import records, starts with a multiple of 32.
/// Mutations rarely touch any one byte, so a byte of the input would pick the same seeds' descendants
/// every time. The packing depends on the bytes only through the channel counts the import decides;
/// packing every input held the target to about 20 executions a second.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSkrSkr(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    Fuzz.expectingOnlyDSCErrors {
        let bytes = UnsafeRawBufferPointer(start: data, count: size)
        let model: Model
        if size == SkrSkrImporter.combinedFileBytes {
            model = try SkrSkrImporter.importModel(combined: bytes)
        } else {
            let split = size / 100 * 97
            model = try SkrSkrImporter.importModel(weights: UnsafeRawBufferPointer(rebasing: bytes[..<split]),
                                                   biasMultipliers: UnsafeRawBufferPointer(rebasing: bytes[split...]))
        }
        if let digest = model.metadata["dscflow.source"]?.split(separator: "(sha256 ").dropFirst().first?.prefix(2),
           let first = UInt8(digest, radix: 16), first % 32 == 0 {
            _ = try PreparedModel(model: model, options: SessionOptions(memoryLimit: Fuzz.memoryLimit))
        }
    }
    return 0
}
