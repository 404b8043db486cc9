import Foundation
import XCTest
@testable import DSCFlow
@testable import DSCFlowVision

/// Files of hostile sizes end in a clear `DSCError`, decided before anything of the file's size is read
/// or allocated (issue 17): the size limit after one `fstat`, the format after the first bytes, a
/// failed allocation as `outOfMemory`, never a trap.
final class FileLimitTests: XCTestCase {
    /// A sparse file of `size` bytes starting with `header` (no disk space used).
    func sparseFile(_ name: String, size: Int64, header: [UInt8] = []) throws -> String {
        let path = try temporaryDirectory(self).appendingPathComponent(name).path
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(header)))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: UInt64(size))
        try handle.close()
        return path
    }

    /// Throws, checking the error is `DSCError` and `check` accepts it.
    func expect(_ body: () throws -> Void, _ check: (DSCError) -> Bool, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { e in
            guard let d = e as? DSCError else { return XCTFail("not a DSCError: \(e)", file: file, line: line) }
            XCTAssertTrue(check(d), "\(d)", file: file, line: line)
        }
    }

    func testAModelFileAboveTheLimitIsRefusedBeforeItIsRead() throws {
        let path = try sparseFile("big.tflite", size: 2 << 30)
        let start = Date()
        expect({ _ = try Model.load(path: path) }) {
            if case .io(_, let why) = $0 { return why.contains("above the limit of 1073741824 bytes") }
            return false
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 1, "the file was read, not refused after fstat")
        XCTAssertEqual(Model.defaultMaxFileBytes, 1 << 30)
        // A lower limit refuses a real model; the default takes it.
        let fixture = TestPaths.fixtures.appendingPathComponent("tflite/add_same_shape/model.tflite").path
        expect({ _ = try Model.load(path: fixture, maxFileBytes: 2687) }) { "\($0)".contains("2688 bytes is above the limit of 2687") }
        XCTAssertEqual(try Model.load(path: fixture, maxFileBytes: 2688).operations.count, 3)
    }

    /// With the limit lifted, a terabyte of zeros is rejected by its first bytes (malformed), not by an
    /// allocation of a terabyte (which would be out of memory) or by reading it.
    func testTheFormatIsCheckedBeforeTheFileIsAllocated() throws {
        let path = try sparseFile("zeros.tflite", size: 1 << 40)
        expect({ _ = try Model.load(path: path, maxFileBytes: .max) }) {
            if case .malformedModel(let why) = $0 { return why.contains("unrecognised model format") }
            return false
        }
        let tiny = try sparseFile("tiny.tflite", size: 3, header: [1, 2, 3])
        expect({ _ = try Model.load(path: tiny) }) { $0 == .malformedModel("3 bytes is too short to be a model") }
    }

    /// A file that looks like a model and is larger than memory: the allocation fails into
    /// `outOfMemory`. (Skipped where the kernel grants any allocation: vm.overcommit_memory = 1.)
    func testAnAllocationThatFailsIsOutOfMemory() throws {
        let overcommit = (try? String(contentsOfFile: "/proc/sys/vm/overcommit_memory", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        if overcommit == "1" { throw XCTSkip("vm.overcommit_memory is 1: a terabyte allocation would succeed") }
        let path = try sparseFile("huge.tflite", size: 1 << 40, header: [0, 0, 0, 0, 0x54, 0x46, 0x4C, 0x33])
        expect({ _ = try Model.load(path: path, maxFileBytes: .max) }) { "\($0)".contains("out of memory: cannot allocate 1099511627776 bytes") }
    }

    func testDirectoriesAndFIFOsAreIOErrorsWithoutBlocking() throws {
        let dir = try temporaryDirectory(self)
        expect({ _ = try Model.load(path: dir.path) }) { "\($0)".contains("directory") }
        let fifo = dir.appendingPathComponent("fifo").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        expect({ _ = try Model.load(path: fifo) }) { if case .io = $0 { return true } else { return false } }
        expect({ _ = try ImageFile.read(path: fifo) }) { if case .io = $0 { return true } else { return false } }
        expect({ _ = try Model.load(path: dir.appendingPathComponent("missing").path) }) { "\($0)".contains("No such file") }
    }

    func testAnImageFileAboveTheLimitIsRefusedBeforeItIsRead() throws {
        let path = try sparseFile("big.png", size: 1 << 30, header: RawPNG.signature)
        for read in [{ _ = try PNGCodec.read(path: path) }, { _ = try ImageFile.read(path: path) }, { _ = try JPEGCodec.read(path: path) }] {
            expect(read) { "\($0)".contains("image file of 1073741824 bytes is above the limit of 536870912 bytes") }
        }
        let notImage = try sparseFile("zeros.png", size: 100 << 20)
        expect({ _ = try ImageFile.read(path: notImage) }) { "\($0)".contains("not a PNG or JPEG file") }
        expect({ _ = try PNGCodec.read(path: notImage) }) { "\($0)".contains("not a PNG file (bad signature)") }
        expect({ _ = try JPEGCodec.read(path: notImage) }) { "\($0)".contains("not a JPEG file") }
    }

    /// A header declaring more than 256 MiB of pixels is an I/O error (as dscflow.h documents for
    /// dsc_png_read), and the declared size is reported although decoding failed.
    func testAPNGHeaderAboveThePixelLimitIsAnIOErrorThatReportsItsSize() throws {
        let png = RawPNG.file(width: 65536, height: 65536, bitDepth: 8, colorType: 6, rows: [])
        var seen: (Int, Int, Int)?
        expect({ _ = try png.withUnsafeBytes { try PNGCodec.decode($0) { seen = ($0, $1, $2) } } }) {
            if case .io(_, let why) = $0 { return why.contains("65536×65536×4 is above the limit of 268435456 bytes of pixels") }
            return false
        }
        XCTAssertTrue(seen.map { $0 == (65536, 65536, 4) } ?? false, "\(String(describing: seen))")
    }

    func testAJPEGHeaderAboveThePixelLimitIsAnIOErrorThatReportsItsSize() throws {
        var jpeg = [UInt8](try Data(contentsOf: TestPaths.fixtures.appendingPathComponent("jpeg/baseline_420.jpg")))
        let sof = try XCTUnwrap((0..<jpeg.count - 1).first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xC0 })
        jpeg[sof + 5] = 0x3E; jpeg[sof + 6] = 0x80  // height 16000
        jpeg[sof + 7] = 0x3E; jpeg[sof + 8] = 0x80  // width 16000
        var seen: (Int, Int, Int)?
        expect({ _ = try jpeg.withUnsafeBytes { try JPEGCodec.decode($0) { seen = ($0, $1, $2) } } }) {
            if case .io(_, let why) = $0 { return why.contains("16000×16000×3 is above the limit") }
            return false
        }
        XCTAssertTrue(seen.map { $0 == (16000, 16000, 3) } ?? false, "\(String(describing: seen))")
    }
}

/// The session memory limit: checked before anything is allocated, exact, covering the packed
/// constants, documented default (issue 17).
final class MemoryLimitTests: XCTestCase {
    /// The add_same_shape fixture (2,688 bytes) with every [1, 8, 8, 4] tensor made [1, 16384, 16384, 4]:
    /// a valid model whose session needs more than 4 GiB.
    static func hugeAddModel() throws -> Model {
        var bytes = [UInt8](try Data(contentsOf: TestPaths.fixtures.appendingPathComponent("tflite/add_same_shape/model.tflite")))
        let small: [Int32] = [1, 8, 8, 4], large: [Int32] = [1, 16384, 16384, 4]
        let pattern = small.flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) }
        let replacement = large.flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) }
        var i = 0, patched = 0
        while i + 16 <= bytes.count {
            if Array(bytes[i..<i + 16]) == pattern { bytes.replaceSubrange(i..<i + 16, with: replacement); patched += 1 }
            i += 4
        }
        XCTAssertEqual(patched, 4)
        return try bytes.withUnsafeBytes { try Model.load(bytes: $0) }
    }

    func testAModelAboveTheLimitIsRefusedBeforeAnythingIsAllocated() throws {
        let model = try Self.hugeAddModel()
        let start = Date()
        XCTAssertThrowsError(try Session(model: model)) { e in
            XCTAssertTrue("\(e)".contains("a session needs 3221225472 bytes of arena for the model's tensors alone, above its memory limit of 268435456 bytes"), "\(e)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 1, "something of the arena's size was touched")
        let need = try PreparedModel(model: model, options: SessionOptions(memoryLimit: .max)).memory
        XCTAssertGreaterThan(need.arena, 4 << 30)
        XCTAssertEqual(need.total, need.arena + need.packedConstants + need.tables)
        XCTAssertEqual(SessionOptions().memoryLimit, 256 << 20)
        XCTAssertThrowsError(try Session.requiredArenaSize(for: model))
    }

    /// A session takes exactly the memory `PreparedModel.memory` says: that limit passes, one byte less
    /// is refused, for every option that changes it.
    func testTheLimitIsExact() throws {
        let model = try Model.load(path: TestPaths.fixtures.appendingPathComponent("tflite/mobilenet_tiny/model.tflite").path)
        for options in [SessionOptions(), SessionOptions(preserveAllTensors: true), SessionOptions(threads: 2),
                        SessionOptions(kernels: .reference), SessionOptions(profile: true)] {
            var o = options
            o.memoryLimit = .max
            let need = try PreparedModel(model: model, options: o).memory.total
            o.memoryLimit = need
            XCTAssertNoThrow(try Session(model: model, options: o))
            o.memoryLimit = need - 1
            XCTAssertThrowsError(try Session(model: model, options: o)) { e in
                XCTAssertTrue("\(e)".contains("above its memory limit of \(need - 1) bytes") || "\(e)".contains("packing"), "\(e)")
            }
        }
    }

    /// The packed constants count: a limit that leaves the tensors room but not the packed weights stops
    /// the packing, naming it, instead of quietly running the reference kernels.
    func testPackedConstantsCountTowardsTheLimit() throws {
        let model = try Model.load(path: TestPaths.fixtures.appendingPathComponent("tflite/mobilenet_tiny/model.tflite").path)
        let prepared = try PreparedModel(model: model, options: SessionOptions(memoryLimit: .max))
        XCTAssertGreaterThan(prepared.memory.packedConstants, 1000)
        XCTAssertThrowsError(try PreparedModel(model: model, options: SessionOptions(memoryLimit: prepared.plan.size + 100))) { e in
            XCTAssertTrue("\(e)".contains("packing an operator's constants"), "\(e)")
        }
        XCTAssertThrowsError(try PreparedModel(model: model, options: SessionOptions(memoryLimit: -1))) { e in
            XCTAssertEqual(e as? DSCError, .invalidArgument("memory limit -1 is negative"))
        }
    }
}
