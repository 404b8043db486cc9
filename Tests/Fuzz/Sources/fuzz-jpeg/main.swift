import DSCFlow
import DSCFlowVision
import FuzzSupport

/// JPEG bytes through libjpeg-turbo (signature, header, colour space, size limits, decode with every warning an error), then the
/// preprocessing for the default detector (`FuzzPreprocessing`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJPEG(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    Fuzz.expectingOnlyDSCErrors {
        var seen: (Int, Int, Int)?
        let image = try JPEGCodec.decode(UnsafeRawBufferPointer(start: data, count: size)) { seen = ($0, $1, $2) }
        guard let s = seen, s == (image.width, image.height, image.channels),
              image.pixels.count == image.width * image.height * image.channels else {
            fatalError("decoded size \(image.width)×\(image.height)×\(image.channels) differs from the header's \(String(describing: seen))")
        }
        let options = FuzzPreprocessing.overrides[size % FuzzPreprocessing.overrides.count]
        _ = try Preprocessor(model: FuzzPreprocessing.detector, overrides: options).preprocess(image)
    }
    return 0
}
