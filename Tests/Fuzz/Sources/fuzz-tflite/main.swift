import DSCFlow
import FuzzSupport

/// A .tflite model: import (no copy), validation, preparation for the fast path (every fourth size: the
/// reference kernels), session creation and a run.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTFLite(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    Fuzz.expectingOnlyDSCErrors {
        let storage = ByteStorage(borrowing: UnsafeRawBufferPointer(start: data, count: size))
        let model = try TFLiteImporter.importModel(storage)
        try Fuzz.prepareAndRun(model, reference: size % 4 == 0)
    }
    return 0
}
