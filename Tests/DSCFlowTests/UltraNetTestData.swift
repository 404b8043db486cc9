import DSCFlow
import DSCFlowVision
import Foundation
import XCTest

/// The shared UltraNet oracle (../shared/ultranet: the design's param.h, config.h and last_bias.npy, its
/// C model's blobs and cases; FACTS.md), located like the other shared data; tests skip with a printed
/// reason when it is absent.
enum UltraNetTestData {
    /// ../shared/ultranet, or an XCTSkip.
    static func directory() throws -> String {
        try TestPaths.requireShared("ultranet/param.h").deletingLastPathComponent().path
    }

    /// The images of `cases/` and `ultranet_predict_000-049.txt`.
    static let caseNames = (0..<50).map { String(repeating: "0", count: 3 - String($0).count) + String($0) }

    /// The model imported from the shared param.h, config.h and last_bias.npy (once per test process).
    nonisolated(unsafe) private static var cached: Model?
    static func model() throws -> Model {
        if let m = cached { return m }
        let dir = try directory()
        let p = try SkrSkrTestData.bytes(dir + "/param.h"), c = try SkrSkrTestData.bytes(dir + "/config.h")
        let b = try SkrSkrTestData.bytes(dir + "/last_bias.npy")
        let m = try p.withUnsafeBytes { p in try c.withUnsafeBytes { c in try b.withUnsafeBytes { b in
            try UltraNetImporter.importModel(parameters: p, config: c, lastBias: b)
        } } }
        cached = m
        return m
    }

    /// The C model's blob of operator `name` (resize → resized.u8, conv_8 → conv_8_out.i32, else NAME_out.u8).
    static func blobName(_ op: String) -> String {
        switch op {
        case "resize": return "resized.u8"
        case "conv_8": return "conv_8_out.i32"
        default: return op + "_out.u8"
        }
    }

    /// `ultranet_predict_000-049.txt`: per image the box, the chosen cell and the IoU printed.
    static func predictions() throws -> [(entry: DACSDCScore.Entry, cell: Int)] {
        let text = String(decoding: try SkrSkrTestData.bytes(try directory() + "/cases/ultranet_predict_000-049.txt"), as: UTF8.self)
        var out: [(DACSDCScore.Entry, Int)] = []
        for line in text.split(separator: "\n") where line.contains(".jpg") {
            let name = String(line.split(separator: " ")[0])
            let numbers = line.split(whereSeparator: { "[], =".contains($0) }).compactMap { Int($0) }
            let cell = line.split(separator: " ").first { $0.hasPrefix("cell=") }.flatMap { Int($0.dropFirst(5)) } ?? -1
            out.append((DACSDCScore.Entry(name: name, xmin: numbers[0], xmax: numbers[1], ymin: numbers[2], ymax: numbers[3]), cell))
        }
        return out
    }
}
