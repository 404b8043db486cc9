import DSCFlowVision
import FuzzSupport

/// PNG bytes through libpng's simplified API (signature, header, size limits, decode), then the
/// preprocessing for a model input (`FuzzPreprocessing`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPNG(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    FuzzPreprocessing.check(data, size) { try PNGCodec.decode($0, sizeSeen: $1) }
    return 0
}
