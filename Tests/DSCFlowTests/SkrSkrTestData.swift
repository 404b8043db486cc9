import DSCFlow
import DSCFlowAccelerator
import DSCFlowVision
import Foundation
import XCTest

/// Locates the shared SkrSkr and DAC-SDC data (../shared relative to the package root, or
/// $DSCFLOW_SHARED) and reads it; tests skip with a printed reason when it is absent.
enum SkrSkrTestData {
    static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static let shared: String? = {
        var candidates: [String] = []
        if let env = ProcessInfo.processInfo.environment["DSCFLOW_SHARED"] { candidates.append(env) }
        candidates.append(packageRoot + "/../shared")
        candidates.append("/work/shared")
        return candidates.first { FileManager.default.fileExists(atPath: $0 + "/skrskr/SkyNet.bin") }
    }()

    /// The shared folder, or an XCTSkip saying why the test cannot run.
    static func sharedOrSkip() throws -> String {
        guard let s = shared else {
            print("SKIP: ../shared/skrskr not found (set DSCFLOW_SHARED to the shared data folder)")
            throw XCTSkip("../shared/skrskr not found (set DSCFLOW_SHARED)")
        }
        return s
    }

    static func bytes(_ path: String) throws -> [UInt8] {
        guard let d = FileManager.default.contents(atPath: path) else {
            throw DSCError.io(path: path, reason: "cannot be read")
        }
        return [UInt8](d)
    }

    /// The SkyNet model imported from the shared SkyNet.bin (imported once per test process).
    nonisolated(unsafe) private static var cachedModel: Model?
    static func model() throws -> Model {
        if let m = cachedModel { return m }
        let dir = try sharedOrSkip()
        let bin = try bytes(dir + "/skrskr/SkyNet.bin")
        let m = try bin.withUnsafeBytes { try SkrSkrImporter.importModel(combined: $0) }
        cachedModel = m
        return m
    }

    /// Converts a CHW byte blob with `channels` planes to HWC keeping the first `keep` channels.
    static func chwToHWC(_ chw: [UInt8], channels: Int, height: Int, width: Int, keep: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: height * width * keep)
        for c in 0..<keep {
            for y in 0..<height {
                for x in 0..<width {
                    out[(y * width + x) * keep + c] = chw[(c * height + y) * width + x]
                }
            }
        }
        return out
    }

    /// RGB bytes of interleaved RGBA bytes (the case inputs are the accelerator's RGBA words).
    static func rgb(fromRGBA rgba: [UInt8]) -> [UInt8] {
        var rgb = [UInt8](repeating: 0, count: rgba.count / 4 * 3)
        for p in 0..<(rgba.count / 4) { for c in 0..<3 { rgb[3 * p + c] = rgba[4 * p + c] } }
        return rgb
    }

    /// Reads whitespace-separated integers from a text file.
    static func integers(_ path: String) throws -> [Int] {
        let text = String(decoding: try bytes(path), as: UTF8.self)
        return text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }).compactMap { Int($0) }
    }
}
