import DSCFlowVision
import FuzzSupport

/// JPEG bytes through libjpeg-turbo (signature, header, colour space, size limits, decode with every
/// warning an error), then the preprocessing for a model input (`FuzzPreprocessing`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJPEG(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    FuzzPreprocessing.check(data, size) { try JPEGCodec.decode($0, sizeSeen: $1) }
    return 0
}
