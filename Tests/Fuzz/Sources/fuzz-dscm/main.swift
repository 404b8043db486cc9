import DSCFlow
import FuzzSupport

/// A .dscm model: its structural checks with the checksums skipped (so mutations get past them; the
/// CRC check itself is a comparison), then preparation, session and run as for .tflite. Every eighth
/// size the checksums are verified, as `Model.load` does.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDSCM(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    Fuzz.expectingOnlyDSCErrors {
        let storage = ByteStorage(borrowing: UnsafeRawBufferPointer(start: data, count: size))
        let model = try DSCMFormat.importModel(storage, verifyChecksums: size % 8 == 0)
        try Fuzz.prepareAndRun(model, reference: size % 4 == 1)
    }
    return 0
}
