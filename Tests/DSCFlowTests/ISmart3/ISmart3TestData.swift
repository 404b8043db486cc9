import DSCFlow
import DSCFlowAccelerator
import DSCFlowVision
import Foundation
import XCTest

/// Locates ../shared/ismart3 (and ../shared/dacsdc) like `SkrSkrTestData` does, and caches what the
/// iSmart3 tests share: the imported model and one accelerator per kernel path. Tests skip, saying
/// why, when the shared data is absent.
enum ISmart3TestData {
    /// The shared folder holding ismart3/, or nil.
    static let shared: String? = {
        var candidates: [String] = []
        if let env = ProcessInfo.processInfo.environment["DSCFLOW_SHARED"] { candidates.append(env) }
        candidates.append(SkrSkrTestData.packageRoot + "/../shared")
        return candidates.first { FileManager.default.fileExists(atPath: $0 + "/ismart3/SkyNet.bin") }
    }()

    /// ../shared/ismart3, or an XCTSkip saying why the test cannot run.
    static func dirOrSkip() throws -> String {
        guard let s = shared else {
            print("SKIP: ../shared/ismart3 not found (set DSCFLOW_SHARED to the shared data folder)")
            throw XCTSkip("../shared/ismart3 not found (set DSCFLOW_SHARED)")
        }
        return s + "/ismart3"
    }

    /// The kernel paths whole-network tests run: every C build this CPU has (the Swift reference
    /// kernels are checked against them on random shapes in `APFixedKernelTests`).
    static let paths = KernelPath.supported.filter { $0 != .reference }

    nonisolated(unsafe) private static var cachedModel: Model?
    nonisolated(unsafe) private static var accelerators: [KernelPath: ISmart3Accelerator] = [:]

    /// The model imported from the shared SkyNet.bin (once per test process).
    static func model() throws -> Model {
        if let m = cachedModel { return m }
        let bin = try SkrSkrTestData.bytes(try dirOrSkip() + "/SkyNet.bin")
        let m = try bin.withUnsafeBytes { try ISmart3Importer.importModel(bytes: $0, name: "SkyNet.bin") }
        cachedModel = m
        return m
    }

    /// A fresh-state accelerator on `path` (shared between tests: each run starts from zero).
    static func accelerator(_ path: KernelPath) throws -> ISmart3Accelerator {
        if let a = accelerators[path] { return a }
        let a = try ISmart3Accelerator(model: try model(), kernels: path)
        accelerators[path] = a
        return a
    }

    /// int16 little-endian values of a file.
    static func int16s(_ path: String) throws -> [Int16] {
        let b = try SkrSkrTestData.bytes(path)
        return (0..<(b.count / 2)).map { Int16(bitPattern: UInt16(b[2 * $0]) | UInt16(b[2 * $0 + 1]) << 8) }
    }

    /// One line of ismart3_predict_000-049.txt: `NNN.jpg [x1, x2, y1, y2]  j x y  tx ty tw th conf`.
    struct Prediction {
        var name: String
        var box: [Int]
        var anchor: Int, x: Int, y: Int
        var codes: [Int]
    }

    static func predictions() throws -> [Prediction] {
        let text = String(decoding: try SkrSkrTestData.bytes(try dirOrSkip() + "/cases/ismart3_predict_000-049.txt"), as: UTF8.self)
        return text.split(separator: "\n").map { line in
            let name = String(line.split(separator: " ")[0])
            let numbers = line.split(whereSeparator: { " [],".contains($0) }).dropFirst().compactMap { Int($0) }
            return Prediction(name: name, box: Array(numbers[0..<4]), anchor: numbers[4], x: numbers[5], y: numbers[6],
                              codes: Array(numbers[7..<12]))
        }
    }

    /// The stitched buffer of the 4 PNGs at `paths` (nil: an empty, gray slot).
    static func stitch(_ paths: [String?]) throws -> [UInt8] {
        try ISmart3Canvas.stitch(try paths.map { try $0.map { try PNGCodec.read(path: $0) } })
    }

    /// The PNG of DAC-SDC image `n` (000–049 from ../shared/dacsdc, 050–051 from cases/batch012).
    static func imagePath(_ n: Int) throws -> String {
        let name = String(format: "%03d.png", n)
        return n < 50 ? try dirOrSkip() + "/../dacsdc/" + name : try dirOrSkip() + "/cases/batch012/" + name
    }
}
