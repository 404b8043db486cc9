import DSCFlow
import DSCFlowAccelerator
import DSCFlowVision
import Foundation
import XCTest

/// The deterministic pattern of tools/make_resize_expectations.py (`test_image`).
func resizePatternImage(width: Int, height: Int, channels: Int) throws -> Image {
    var px = [UInt8](repeating: 0, count: width * height * channels)
    for y in 0..<height {
        for x in 0..<width {
            for k in 0..<channels {
                px[(y * width + x) * channels + k] = UInt8((x * 37 + y * 91 + k * 53 + (x * y) % 7 * 11) % 256)
            }
        }
    }
    return try Image(width: width, height: height, channels: channels, pixels: px)
}

/// A fresh temporary directory, removed when the test ends.
func temporaryDirectory(_ test: XCTestCase) throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dscflow-images-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
    return dir
}

/// Writes PNG files chunk by chunk (stored, uncompressed deflate blocks), so tests can make any
/// bit depth or colour type — and any corruption — without an encoder we did not write.
enum RawPNG {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            c ^= UInt32(b)
            for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        }
        return ~c
    }

    static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return be32(UInt32(data.count)) + body + be32(crc32(body))
    }

    /// zlib stream of stored blocks.
    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var i = 0
        repeat {
            let n = min(65535, data.count - i)
            let final: UInt8 = i + n == data.count ? 1 : 0
            out += [final, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
            out += data[i..<i + n]
            i += n
        } while i < data.count
        var a: UInt32 = 1, b: UInt32 = 0
        for v in data { a = (a + UInt32(v)) % 65521; b = (b + a) % 65521 }
        return out + be32(b << 16 | a)
    }

    /// A PNG with the given IHDR fields, filter-0 rows (`rows` = raw scanline bytes without the
    /// filter byte) and optional PLTE.
    static func file(width: UInt32, height: UInt32, bitDepth: UInt8, colorType: UInt8, rows: [[UInt8]],
                     palette: [UInt8]? = nil) -> [UInt8] {
        let ihdr = be32(width) + be32(height) + [bitDepth, colorType, 0, 0, 0]
        var raw: [UInt8] = []
        for r in rows { raw.append(0); raw += r }
        var f = signature + chunk("IHDR", ihdr)
        if let palette { f += chunk("PLTE", palette) }
        return f + chunk("IDAT", zlibStored(raw)) + chunk("IEND", [])
    }
}

/// The `dscflow` executable built beside the tests, if any.
func dscflowExecutable() -> URL? {
    // The CLI of the build these tests belong to first (a sanitizer build's own, under .build/asan),
    // then the package's default builds.
    let testBinary = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0]).resolvingSymlinksInPath()
    let candidates = [testBinary.deletingLastPathComponent().appendingPathComponent("dscflow"),
                      TestPaths.packageRoot.appendingPathComponent(".build/debug/dscflow"),
                      TestPaths.packageRoot.appendingPathComponent(".build/release/dscflow")]
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
}

/// Runs the CLI (with `environment` added to the test's own); returns (status, stdout, stderr).
func runDSCFlow(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, out: String, err: String) {
    guard let exe = dscflowExecutable() else {
        print("SKIP: the dscflow executable is not built (swift build)")
        throw XCTSkip("dscflow executable not built")
    }
    let p = Process()
    p.executableURL = exe
    p.arguments = arguments
    if !environment.isEmpty { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
}
