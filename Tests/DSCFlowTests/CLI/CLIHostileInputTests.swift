import Foundation
import XCTest
@testable import DSCFlow

/// The issue 17 reproductions through the CLI, under `ulimit -v 2097152` (2 GiB of address space): each
/// ends in exit status 1 and a message, never in a signal.
final class CLIHostileInputTests: XCTestCase {
    /// Runs `dscflow arguments` under a 2 GiB address-space limit; (status, stderr).
    func limitedRun(_ arguments: [String]) throws -> (status: Int32, err: String, seconds: Double) {
        guard let exe = dscflowExecutable() else { throw XCTSkip("dscflow executable not built") }
        if let sanitizer = runningSanitizer {
            print("SKIP: \(sanitizer) cannot start under ulimit -v (it reserves terabytes of shadow memory)")
            throw XCTSkip("\(sanitizer) cannot start under ulimit -v")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "ulimit -v 2097152 && exec \"$0\" \"$@\"", exe.path] + arguments
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        let start = Date()
        try p.run()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationReason, .exit, "dscflow \(arguments) was killed by signal \(p.terminationStatus)")
        return (p.terminationStatus, String(decoding: e, as: UTF8.self), Date().timeIntervalSince(start))
    }

    func testATwoGiBModelFileIsRefused() throws {
        let path = try temporaryDirectory(self).appendingPathComponent("big.tflite").path
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: nil))
        try FileHandle(forWritingTo: URL(fileURLWithPath: path)).truncate(atOffset: 2 << 30)
        for command in [["info", path], ["run", path, "--input", path]] {
            let r = try limitedRun(command)
            XCTAssertEqual(r.status, 1, r.err)
            XCTAssertTrue(r.err.contains("above the limit of 1073741824 bytes"), r.err)
            print("dscflow \(command[0]) on a 2 GiB file under ulimit -v 2097152: exit \(r.status) in \(String(format: "%.2f", r.seconds)) s")
        }
    }

    /// The 2,688-byte ADD model whose session needs more than 4 GiB: `run` refuses it by the default
    /// memory limit, and with no limit (`--memory-limit 0`) the failed allocation is reported; `info`
    /// says what a session needs.
    func testAModelNeedingFourGiBIsRefused() throws {
        var bytes = try Data(contentsOf: TestPaths.fixtures.appendingPathComponent("tflite/add_same_shape/model.tflite"))
        let small = Data([Int32]([1, 8, 8, 4]).flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) })
        let large = Data([Int32]([1, 16384, 16384, 4]).flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) })
        var patched = 0
        while let r = bytes.range(of: small) { bytes.replaceSubrange(r, with: large); patched += 1 }
        XCTAssertEqual(patched, 4)
        let dir = try temporaryDirectory(self)
        let model = dir.appendingPathComponent("huge_add.tflite").path, input = dir.appendingPathComponent("in.bin").path
        try bytes.write(to: URL(fileURLWithPath: model))
        try Data(count: 16).write(to: URL(fileURLWithPath: input))
        let limited = try limitedRun(["run", model, "--input", input])
        XCTAssertEqual(limited.status, 1, limited.err)
        XCTAssertTrue(limited.err.contains("above its memory limit of 268435456 bytes"), limited.err)
        let unlimited = try limitedRun(["run", model, "--input", input, "--memory-limit", "0"])
        XCTAssertEqual(unlimited.status, 1, unlimited.err)
        XCTAssertTrue(unlimited.err.contains("out of memory"), unlimited.err)
        let info = try runDSCFlow(["info", model])
        XCTAssertEqual(info.status, 0, info.err)
        XCTAssertTrue(info.out.contains("ABOVE the memory limit of 268,435,456 bytes") || info.out.contains("ABOVE the memory limit"), info.out)
        print("dscflow run on the 4 GiB ADD model under ulimit -v 2097152: exit \(limited.status) (limit), \(unlimited.status) (no limit)")
    }
}
