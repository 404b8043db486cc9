import Foundation
import XCTest

/// The release `dscflow` the evaluation tests run through (`make test` builds it first), and running it.
enum ReleaseCLI {
    /// $DSCFLOW_CLI, or .build/release/dscflow unless it is missing or older than a source file (then
    /// it would test stale code; the reason is printed).
    static var path: String? {
        if let p = ProcessInfo.processInfo.environment["DSCFLOW_CLI"] { return p }
        let p = SkrSkrTestData.packageRoot + "/.build/release/dscflow"
        let fm = FileManager.default
        guard fm.isExecutableFile(atPath: p),
              let built = (try? fm.attributesOfItem(atPath: p))?[.modificationDate] as? Date else { return nil }
        let sources = SkrSkrTestData.packageRoot + "/Sources"
        for file in fm.enumerator(atPath: sources)?.compactMap({ $0 as? String }) ?? [] {
            if let m = (try? fm.attributesOfItem(atPath: sources + "/" + file))?[.modificationDate] as? Date, m > built {
                print("release CLI: \(p) is older than Sources/\(file); not using it")
                return nil
            }
        }
        return p
    }

    /// Runs `exe` with `args`, asserts it exits with 0, and returns its standard output.
    /// `environment` entries are added to this process's environment.
    static func run(_ exe: String, _ args: [String], environment: [String: String] = [:],
                    file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        if !environment.isEmpty {
            p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, "\(exe) \(args.joined(separator: " "))", file: file, line: line)
        return String(decoding: data, as: UTF8.self)
    }
}
