import DSCFlow
import DSCFlowAccelerator
import DSCFlowVision
import Foundation
import XCTest

/// Paths the tests read from.
enum TestPaths {
    /// The package root (three levels above this file).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The project's own fixtures (always present).
    static let fixtures = packageRoot.appendingPathComponent("Tests/DSCFlowTests/Fixtures")

    /// `../shared` beside the checkout (or $DSCFLOW_SHARED), if present.
    static var shared: URL? {
        let candidates = [ProcessInfo.processInfo.environment["DSCFLOW_SHARED"].map { URL(fileURLWithPath: $0) },
                          packageRoot.deletingLastPathComponent().appendingPathComponent("shared")]
        for c in candidates.compactMap({ $0 }) where FileManager.default.fileExists(atPath: c.appendingPathComponent("DESIGN.md").path) {
            return c
        }
        return nil
    }

    /// `../shared/<sub>`, or an XCTSkip naming what is missing.
    static func requireShared(_ sub: String) throws -> URL {
        guard let s = shared else {
            print("SKIP: ../shared is absent; third-party data \(sub) cannot be checked")
            throw XCTSkip("../shared is absent")
        }
        let u = s.appendingPathComponent(sub)
        guard FileManager.default.fileExists(atPath: u.path) else {
            print("SKIP: ../shared/\(sub) is absent")
            throw XCTSkip("../shared/\(sub) is absent")
        }
        return u
    }
}

func readBytes(_ url: URL) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: url))
}

/// Runs `model` on `input` with `options`, returning every operator's output bytes and the output.
func runAll(_ model: Model, input: [UInt8], options: SessionOptions = SessionOptions()) throws -> (ops: [[UInt8]], output: [UInt8]) {
    let s = try Session(model: model, options: options)
    let inBuf = s.inputBytes()
    XCTAssertEqual(inBuf.count, input.count, "input size")
    guard inBuf.count == input.count else { return ([], []) }
    input.withUnsafeBytes { inBuf.copyMemory(from: $0) }
    var ops: [[UInt8]] = []
    s.run { _, out in ops.append([UInt8](out)) }
    return (ops, [UInt8](s.outputBytes()))
}

/// A golden case directory: input.bin, opNNN_<NAME>.bin, output.bin.
struct GoldenCase {
    let directory: URL

    func opFiles() throws -> [(index: Int, name: String, url: URL)] {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix("op") && $0.hasSuffix(".bin") }
        return files.compactMap { f in
            let stem = f.dropFirst(2).dropLast(4)
            guard let us = stem.firstIndex(of: "_"), let i = Int(stem[..<us]) else { return nil }
            return (i, String(stem[stem.index(after: us)...]), directory.appendingPathComponent(f))
        }.sorted { $0.index < $1.index }
    }

    /// Checks every operator's bytes and the output against the goldens; returns the number of ops checked.
    @discardableResult
    func check(_ model: Model, options: SessionOptions = SessionOptions(), file: StaticString = #filePath, line: UInt = #line) throws -> Int {
        let input = try readBytes(directory.appendingPathComponent("input.bin"))
        let (ops, output) = try runAll(model, input: input, options: options)
        let files = try opFiles()
        XCTAssertEqual(files.count, model.operations.count, "\(directory.lastPathComponent): golden files vs operators", file: file, line: line)
        for (i, name, url) in files {
            guard i < ops.count else { XCTFail("no operator \(i)", file: file, line: line); continue }
            XCTAssertEqual(name, model.operations[i].name, "operator \(i) name", file: file, line: line)
            let golden = try readBytes(url)
            if golden != ops[i] {
                let diffs = zip(golden, ops[i]).filter { $0 != $1 }.count
                XCTFail("\(directory.path): op \(i) \(name): \(diffs) of \(golden.count) bytes differ (sizes \(golden.count) vs \(ops[i].count))", file: file, line: line)
            }
        }
        XCTAssertEqual(output, try readBytes(directory.appendingPathComponent("output.bin")), "\(directory.path): output", file: file, line: line)
        return files.count
    }
}

/// The sanitizer this test process (and the CLI built with it) runs under, if any: ASan and TSan reserve
/// terabytes of shadow address space at start-up, so a child run under `ulimit -v` cannot start.
let runningSanitizer: String? = {
    let rtldDefault = UnsafeMutableRawPointer(bitPattern: 0)
    if dlsym(rtldDefault, "__asan_init") != nil { return "AddressSanitizer" }
    if dlsym(rtldDefault, "__tsan_init") != nil { return "ThreadSanitizer" }
    return nil
}()
