import DSCFlow
import DSCFlowAccelerator
import DSCFlowVision
import Foundation
import XCTest

/// Truncated, corrupted and hostile model files give a DSCError, never a trap. Any mutated file
/// that still loads must also run without trapping.
final class MalformedModelTests: XCTestCase {
    /// Models to mutate: the project's fixtures (always) and person_detect when ../shared is present.
    func sampleModels() -> [URL] {
        var urls: [URL] = []
        let dir = TestPaths.fixtures.appendingPathComponent("tflite")
        if let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) {
            for n in names.sorted() {
                let u = dir.appendingPathComponent(n).appendingPathComponent("model.tflite")
                if FileManager.default.fileExists(atPath: u.path) { urls.append(u) }
            }
        }
        if let s = TestPaths.shared { urls.append(s.appendingPathComponent("models/person_detect.tflite")) }
        return urls.filter { FileManager.default.fileExists(atPath: $0.path) }
    }

    /// Loads `bytes`; if they load, runs them on zeros. Returns the error text, or nil if it loaded.
    @discardableResult
    func loadAndMaybeRun(_ bytes: [UInt8], run: Bool) -> String? {
        do {
            let model = try bytes.withUnsafeBytes { try Model.load(bytes: $0) }
            if run {
                let s = try Session(model: model)
                s.run()
            }
            return nil
        } catch let e as DSCError {
            let text = e.description
            XCTAssertFalse(text.isEmpty)
            return text
        } catch {
            XCTFail("non-DSCError \(error)")
            return "\(error)"
        }
    }

    func testEmptyAndTinyInputsAreRejected() {
        for n in 0..<16 {
            XCTAssertNotNil(loadAndMaybeRun([UInt8](repeating: 0, count: n), run: false))
            XCTAssertNotNil(loadAndMaybeRun([UInt8](repeating: 0xFF, count: n), run: false))
        }
        // A TFLite identifier with nothing behind it.
        XCTAssertNotNil(loadAndMaybeRun([0, 0, 0, 0, 0x54, 0x46, 0x4C, 0x33], run: false))
        XCTAssertNotNil(loadAndMaybeRun([255, 255, 255, 127, 0x54, 0x46, 0x4C, 0x33, 0, 0, 0, 0], run: false))
    }

    func testEveryTruncationIsRejectedWithAnError() throws {
        let models = sampleModels()
        if models.isEmpty { throw XCTSkip("no models to mutate") }
        for url in models {
            let bytes = try readBytes(url)
            var cuts = Set((0..<min(bytes.count, 256)).map { $0 })
            for k in 0..<200 { cuts.insert(bytes.count * k / 200) }
            for cut in cuts.sorted() where cut < bytes.count {
                // Truncated models may still parse if only trailing padding is lost; they must not trap.
                loadAndMaybeRun(Array(bytes[0..<cut]), run: false)
            }
            XCTAssertNotNil(loadAndMaybeRun(Array(bytes[0..<(bytes.count / 2)]), run: false), "\(url.lastPathComponent) cut in half")
        }
    }

    func testRandomCorruptionNeverTraps() throws {
        let models = sampleModels()
        if models.isEmpty { throw XCTSkip("no models to mutate") }
        var rng = SplitMix64(seed: 0xD5CF_10)
        for url in models {
            let original = try readBytes(url)
            var runs = 0
            for trial in 0..<300 {
                var bytes = original
                let flips = 1 + Int(rng.next() % 8)
                for _ in 0..<flips {
                    let at = Int(rng.next() % UInt64(bytes.count))
                    switch trial % 3 {
                    case 0: bytes[at] = UInt8(truncatingIfNeeded: rng.next())
                    case 1: bytes[at] ^= 0x80
                    default:
                        // Plant an extreme 32-bit word (absurd offsets, counts, shapes).
                        let word: [UInt32] = [0xFFFF_FFFF, 0x7FFF_FFFF, 0x8000_0000, 0x0001_0000, 0]
                        let w = word[Int(rng.next() % UInt64(word.count))]
                        let p = at & ~3
                        if p + 4 <= bytes.count {
                            for k in 0..<4 { bytes[p + k] = UInt8(truncatingIfNeeded: w >> (8 * UInt32(k))) }
                        }
                    }
                }
                let loaded = loadAndMaybeRun(bytes, run: false) == nil
                if loaded && runs < 8 {
                    runs += 1
                    loadAndMaybeRun(bytes, run: true)
                }
            }
        }
    }

    func testFloatModelIsRejectedNamingTheTensorType() throws {
        // The shared person_detect model with its input tensor type patched to FLOAT32 is refused
        // with a message naming the type.
        let url = try TestPaths.requireShared("models/person_detect.tflite")
        let bytes = try readBytes(url)
        let model = try Model.load(path: url.path)
        XCTAssertEqual(model.tensors[model.inputs[0]].type, .int8)
        // Find the input tensor's `type` byte: the byte value 9 (INT8) located by trying each
        // candidate and keeping the one whose change produces a type error on the input.
        var found = false
        for i in 0..<bytes.count where bytes[i] == 9 {
            var b = bytes
            b[i] = 0
            if let msg = loadAndMaybeRun(b, run: false), msg.contains("FLOAT32"), msg.contains("model input") {
                found = true
                break
            }
        }
        XCTAssertTrue(found, "no single-byte change produced a FLOAT32 input error")
    }
}

/// The tests' deterministic PRNG (defined in Kernels/KernelTestCase.swift).
typealias SplitMix64 = SeededGenerator
