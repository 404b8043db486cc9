import DSCFlow
import DSCFlowVision

/// What every fuzz target does with what it loaded, and the one rule it checks: hostile input ends in a
/// `DSCError`, never in a trap, a crash, a sanitizer report or another error type.
public enum Fuzz {
    /// The most MACs a fuzzed model is run with (larger ones are prepared and bound, not run), so that
    /// an execution stays in the milliseconds.
    public static let maxRunMACs = 4_000_000

    /// The memory limit of fuzzed sessions (well under libFuzzer's 2 GB RSS limit).
    public static let memoryLimit = 64 << 20

    /// Runs `body`; a `DSCError` is an accepted outcome, anything else thrown stops the fuzzer.
    public static func expectingOnlyDSCErrors(_ body: () throws -> Void) {
        do {
            try body()
        } catch is DSCError {
        } catch {
            fatalError("a fuzz target threw a non-DSCError: \(error)")
        }
    }

    /// Prepares `model` for `kernels` (auto, or the reference kernels when `reference`), creates a
    /// session and, when the model is small enough, runs it on an input of `fill`. Checks what a run
    /// promises: every output buffer has its tensor's size.
    public static func prepareAndRun(_ model: Model, reference: Bool = false, fill: UInt8 = 0x5A) throws {
        let options = SessionOptions(kernels: reference ? .reference : .auto, memoryLimit: memoryLimit)
        let session = try Session(model: model, options: options)
        guard model.totalMACs <= maxRunMACs else { return }
        for i in model.inputs.indices {
            let b = session.inputBytes(i)
            if b.count > 0 { b.baseAddress!.initializeMemory(as: UInt8.self, repeating: fill, count: b.count) }
        }
        session.run()
        for (i, t) in model.outputs.enumerated() where session.outputBytes(i).count != model.tensors[t].byteCount {
            fatalError("output \(i) has \(session.outputBytes(i).count) bytes, its tensor \(model.tensors[t].byteCount)")
        }
    }

    /// The package root (three directories above this file's target).
    public static let packageRoot: String = {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(5)  // Tests/Fuzz/Sources/FuzzSupport/FuzzSupport.swift
        return parts.joined(separator: "/")
    }()
}

/// The image targets' second half: a decoded image preprocessed for the project's tiny SkyNet fixture
/// (32×16 RGB, range [0, 1] from its input quantization) the way one of six override sets says (resize,
/// fit, colour order), as `detect` would. The preprocessing code is the same for every input size; with
/// the default detector's 320×160 the image targets ran about 300 executions a second.
public enum FuzzPreprocessing {
    /// The project's tiny SkyNet fixture, loaded once.
    public static let model: Model = {
        let path = "Tests/DSCFlowTests/Fixtures/tflite/skynet_tiny/model.tflite"
        do {
            return try Model.load(path: Fuzz.packageRoot + "/" + path)
        } catch {
            fatalError("the fuzz targets need \(path): \(error)")
        }
    }()

    /// Decodes the input with `decode` (which reports the header's size), checks the image has that
    /// size, and preprocesses it for `model` with the override set the input's size picks.
    public static func check(_ data: UnsafePointer<UInt8>, _ size: Int,
                             decode: (UnsafeRawBufferPointer, @escaping (Int, Int, Int) -> Void) throws -> Image) {
        Fuzz.expectingOnlyDSCErrors {
            var seen: (Int, Int, Int)?
            let image = try decode(UnsafeRawBufferPointer(start: data, count: size)) { seen = ($0, $1, $2) }
            guard let s = seen, s == (image.width, image.height, image.channels),
                  image.pixels.count == image.width * image.height * image.channels else {
                fatalError("decoded size \(image.width)×\(image.height)×\(image.channels) differs from the header's \(String(describing: seen))")
            }
            _ = try Preprocessor(model: model, overrides: overrides[size % overrides.count]).preprocess(image)
        }
    }

    /// The override sets, picked by the input's size.
    public static let overrides: [[String: String]] = [
        [:],
        ["resize": "nearest"],
        ["fit": "letterbox", "pad": "114"],
        ["fit": "crop", "resize": "nearest", "color": "bgr"],
        ["fit": "letterbox", "range": "raw"],
        ["mean": "127.5", "std": "127.5", "fit": "crop"],
    ]
}
