import CDSCFlowCAPI
import DSCFlow
import DSCFlowVision

/// "key=value" lines from C (NULL → none).
private func overrides(_ text: UnsafePointer<CChar>?, _ name: String) throws -> [String: String] {
    guard let text else { return [:] }
    return try MetadataRecord(parsing: String(cString: text), name: name).values
}

/// An image from C pixels, with every size checked before reading.
private func image(_ pixels: UnsafePointer<UInt8>?, _ width: UInt, _ height: UInt, _ channels: UInt) throws -> Image {
    let pixels = try required(pixels, "pixels")
    guard width >= 1, height >= 1, width <= 1 << 16, height <= 1 << 16, [1, 3, 4].contains(channels) else {
        throw DSCError.invalidArgument("image \(width)×\(height)×\(channels): sides must be 1…65536 and channels 1, 3 or 4")
    }
    let n = Int(width) * Int(height) * Int(channels)
    return try Image(width: Int(width), height: Int(height), channels: Int(channels),
                     pixels: Array(UnsafeBufferPointer(start: pixels, count: n)))
}

/// Decodes the file at `path` with `decode`, reports its size and, with `pixels` non-NULL, copies
/// the pixels (shared by `dsc_png_read` and `dsc_image_read`). The size outputs are written whatever
/// happens: 0 until the file's header is read, then the image's size (so a caller learns the size of
/// an image refused as too large).
private func readImage(_ path: UnsafePointer<CChar>?, _ pixels: UnsafeMutablePointer<UInt8>?, _ capacity: UInt,
                       _ width: UnsafeMutablePointer<UInt>?, _ height: UnsafeMutablePointer<UInt>?,
                       _ channels: UnsafeMutablePointer<UInt>?,
                       _ decode: (String, @escaping (Int, Int, Int) -> Void) throws -> Image) -> Int32 {
    for p in [width, height, channels] { p?.pointee = 0 }
    return Status.guarded {
        let w = try required(width, "width"), h = try required(height, "height"), c = try required(channels, "channels")
        let path = try required(path, "path")
        let img = try decode(String(cString: path)) { iw, ih, ic in
            w.pointee = UInt(iw)
            h.pointee = UInt(ih)
            c.pointee = UInt(ic)
        }
        guard let pixels else { return }
        guard capacity >= UInt(img.pixels.count) else {
            throw DSCError.invalidArgument("capacity \(capacity) is below the \(img.pixels.count) bytes of a \(img.width)×\(img.height)×\(img.channels) image")
        }
        img.pixels.withUnsafeBufferPointer { pixels.update(from: $0.baseAddress!, count: $0.count) }
    }
}

/// `dsc_png_read`: decodes a PNG file; with `pixels` NULL only reports the size.
@c(dsc_png_read)
public func dscPNGRead(_ path: UnsafePointer<CChar>?, _ pixels: UnsafeMutablePointer<UInt8>?, _ capacity: UInt,
                       _ width: UnsafeMutablePointer<UInt>?, _ height: UnsafeMutablePointer<UInt>?,
                       _ channels: UnsafeMutablePointer<UInt>?) -> Int32 {
    readImage(path, pixels, capacity, width, height, channels) { try PNGCodec.read(path: $0, sizeSeen: $1) }
}

/// `dsc_image_read`: decodes a PNG or JPEG file; with `pixels` NULL only reports the size.
@c(dsc_image_read)
public func dscImageRead(_ path: UnsafePointer<CChar>?, _ pixels: UnsafeMutablePointer<UInt8>?, _ capacity: UInt,
                         _ width: UnsafeMutablePointer<UInt>?, _ height: UnsafeMutablePointer<UInt>?,
                         _ channels: UnsafeMutablePointer<UInt>?) -> Int32 {
    readImage(path, pixels, capacity, width, height, channels) { try ImageFile.read(path: $0, sizeSeen: $1) }
}

/// `dsc_preprocess`: image → the bytes of model input 0.
@c(dsc_preprocess)
public func dscPreprocess(_ model: UnsafePointer<dsc_model>?, _ overrideText: UnsafePointer<CChar>?,
                          _ pixels: UnsafePointer<UInt8>?, _ width: UInt, _ height: UInt, _ channels: UInt,
                          _ input: UnsafeMutableRawPointer?, _ inputSize: UInt) -> Int32 {
    Status.guarded {
        let lease = try Lease<ModelHandle>(model); defer { lease.end() }
        let handle = lease.object
        let input = try required(input, "input")
        let pre = try Preprocessor(model: handle.model, overrides: try overrides(overrideText, "overrides"))
        guard inputSize == UInt(pre.byteCount) else {
            throw DSCError.invalidArgument("input_size is \(inputSize); the model's input needs \(pre.byteCount) bytes")
        }
        _ = try pre.preprocess(try image(pixels, width, height, channels),
                               into: UnsafeMutableRawBufferPointer(start: input, count: pre.byteCount))
    }
}

/// `dsc_preprocess_describe`: the preprocessing in effect as "key=value" lines (plus "assumed=...").
@c(dsc_preprocess_describe)
public func dscPreprocessDescribe(_ model: UnsafePointer<dsc_model>?, _ overrideText: UnsafePointer<CChar>?,
                                  _ text: UnsafeMutablePointer<CChar>?, _ capacity: UInt,
                                  _ length: UnsafeMutablePointer<UInt>?) -> Int32 {
    Status.guarded {
        let lease = try Lease<ModelHandle>(model); defer { lease.end() }
        let handle = lease.object
        let length = try required(length, "length")
        let pre = try Preprocessor(model: handle.model, overrides: try overrides(overrideText, "overrides"))
        var description = pre.record.text
        if let a = pre.assumption { description += "\nassumed=" + a.split(separator: "\n").joined(separator: " ") }
        let bytes = Array(description.utf8)
        length.pointee = UInt(bytes.count)
        guard let text else { return }
        guard capacity > UInt(bytes.count) else {
            throw DSCError.invalidArgument("capacity \(capacity) is below the \(bytes.count + 1) bytes of the description (with its NUL)")
        }
        bytes.withUnsafeBufferPointer { src in
            UnsafeMutableRawPointer(text).copyMemory(from: src.baseAddress!, byteCount: src.count)
        }
        text[bytes.count] = 0
    }
}

/// `dsc_classify`: preprocess, run and sort the classes of one image.
@c(dsc_classify)
public func dscClassify(_ model: UnsafePointer<dsc_model>?, _ overrideText: UnsafePointer<CChar>?,
                        _ pixels: UnsafePointer<UInt8>?, _ width: UInt, _ height: UInt, _ channels: UInt,
                        _ classes: UnsafeMutablePointer<dsc_class>?, _ capacity: UInt,
                        _ count: UnsafeMutablePointer<UInt>?) -> Int32 {
    Status.guarded {
        let lease = try Lease<ModelHandle>(model); defer { lease.end() }
        let handle = lease.object
        let count = try required(count, "count")
        if capacity > 0 { _ = try required(classes, "classes") }
        let classifier = try Classifier(model: handle.model, preprocessOverrides: try overrides(overrideText, "overrides"))
        let result = try classifier.classify(try image(pixels, width, height, channels))
        let n = min(Int(clamping: capacity), result.count)
        var filled: [dsc_class] = []
        for r in result.prefix(n) {
            filled.append(dsc_class(index: Int32(clamping: r.index), raw: Int32(clamping: r.raw), probability: r.probability,
                                    label: try handle.label(r.index)))
        }
        if let classes { for (i, c) in filled.enumerated() { classes[i] = c } }
        count.pointee = UInt(result.count)
    }
}

/// `dsc_detect_min_score`: the score below which a detection means "no object".
@c(dsc_detect_min_score)
public func dscDetectMinScore(_ model: UnsafePointer<dsc_model>?, _ detText: UnsafePointer<CChar>?,
                              _ minScore: UnsafeMutablePointer<Double>?) -> Int32 {
    Status.guarded {
        let lease = try Lease<ModelHandle>(model); defer { lease.end() }
        let handle = lease.object
        let out = try required(minScore, "min_score")
        out.pointee = try DetectionHeads.minScore(for: handle.model, overrides: try overrides(detText, "detection_overrides"))
    }
}

/// `dsc_detect`: preprocess, run and decode one image.
@c(dsc_detect)
public func dscDetect(_ model: UnsafePointer<dsc_model>?, _ preText: UnsafePointer<CChar>?,
                      _ detText: UnsafePointer<CChar>?, _ pixels: UnsafePointer<UInt8>?, _ width: UInt,
                      _ height: UInt, _ channels: UInt, _ box: UnsafeMutablePointer<dsc_box>?) -> Int32 {
    Status.guarded {
        let lease = try Lease<ModelHandle>(model); defer { lease.end() }
        let handle = lease.object
        let box = try required(box, "box")
        let detector = try Detector(model: handle.model, preprocessOverrides: try overrides(preText, "preprocess_overrides"),
                                    detectionOverrides: try overrides(detText, "detection_overrides"))
        let b = try detector.detect(try image(pixels, width, height, channels))
        var out = dsc_box()
        out.xmin = b.xmin; out.xmax = b.xmax; out.ymin = b.ymin; out.ymax = b.ymax
        out.score = b.score
        out.anchor = Int32(clamping: b.anchor); out.grid_x = Int32(clamping: b.gridX); out.grid_y = Int32(clamping: b.gridY)
        let n = min(b.raw.count, Int(DSC_BOX_MAX_RAW))
        out.raw_count = Int32(n)
        withUnsafeMutableBytes(of: &out.raw) { raw in
            let words = raw.bindMemory(to: Int32.self)
            for i in 0..<n { words[i] = Int32(clamping: b.raw[i]) }
        }
        box.pointee = out
    }
}
