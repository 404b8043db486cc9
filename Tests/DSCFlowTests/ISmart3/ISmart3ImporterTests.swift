import DSCFlow
import DSCFlowAccelerator
import DSCFlowVision
import Foundation
import XCTest

/// `ISmart3Importer`, the `.dscm` it makes, and what refuses to run it.
final class ISmart3ImporterTests: XCTestCase {
    func testRejectsFilesOfTheWrongSize() {
        for n in [0, 1, ISmart3Importer.fileBytes - 64, ISmart3Importer.fileBytes + 1] {
            let bytes = [UInt8](repeating: 0, count: n)
            XCTAssertThrowsError(try bytes.withUnsafeBytes { try ISmart3Importer.importModel(bytes: $0, name: "/some/dir/x.bin") }) { e in
                XCTAssertTrue("\(e)".contains("x.bin") && "\(e)".contains("889472") && !"\(e)".contains("/some/dir"), "\(e)")
            }
        }
    }

    func testMetadataRecordsTheBaseNameAndDigestNotThePath() throws {
        let dir = try ISmart3TestData.dirOrSkip()
        let bin = try SkrSkrTestData.bytes(dir + "/SkyNet.bin")
        let m = try bin.withUnsafeBytes { try ISmart3Importer.importModel(bytes: $0, name: dir + "/SkyNet.bin") }
        XCTAssertEqual(m.acceleratorProgramDesign, "ismart3-skynet")
        let source = try MetadataRecord(parsing: m.metadata["dscflow.source"] ?? "", name: "source")
        XCTAssertEqual(source["file"], "SkyNet.bin")
        XCTAssertEqual(source["sha256"], "fcef96e01c973fea43ce2666b0cb50a04d202fc144ca0a8aac10d792835698e7")
        XCTAssertNil(source["ignored-high-bits"])
        XCTAssertFalse(m.metadata.values.contains { $0.contains(dir) }, "no absolute path in the metadata")
        let written = try DSCMWriter.serialize(m)
        XCTAssertFalse(written.split(separator: 0).contains { String(decoding: $0, as: UTF8.self).contains(dir) })
    }

    func testDSCMRoundTripRunsIdentically() throws {
        let dir = try ISmart3TestData.dirOrSkip()
        let model = try ISmart3TestData.model()
        let bytes = try DSCMWriter.serialize(model)
        let loaded = try bytes.withUnsafeBytes { try Model.load(bytes: $0) }
        XCTAssertEqual(bytes, try DSCMWriter.serialize(loaded), "deterministic")
        XCTAssertEqual(loaded.acceleratorProgramDesign, "ismart3-skynet")
        let stitched = try SkrSkrTestData.bytes(dir + "/cases/batch000.stitched.bin")
        let path = ISmart3TestData.paths.last ?? .portable
        let a = try stitched.withUnsafeBytes { try ISmart3TestData.accelerator(path).run(stitched: $0) }
        let b = try stitched.withUnsafeBytes { try ISmart3Accelerator(model: loaded, kernels: path).run(stitched: $0) }
        XCTAssertEqual(a.heads, b.heads)
        XCTAssertEqual(a.outputs, b.outputs)
        // weights_fixed.bin differs only in lanes pw2 multiplies by zero (FACTS §3.4): same results.
        let fixed = try SkrSkrTestData.bytes(dir + "/weights_fixed.bin")
        let f = try fixed.withUnsafeBytes { try ISmart3Importer.importModel(bytes: $0, name: "weights_fixed.bin") }
        let c = try stitched.withUnsafeBytes { try ISmart3Accelerator(model: f, kernels: path).run(stitched: $0) }
        XCTAssertEqual(a.heads, c.heads)
        XCTAssertEqual(try MetadataRecord(parsing: f.metadata["dscflow.source"]!, name: "s")["file"], "weights_fixed.bin")
    }

    func testSessionAndOtherModelsRefuseEachOther() throws {
        let model = try ISmart3TestData.model()
        XCTAssertThrowsError(try Session(model: model)) { e in XCTAssertTrue("\(e)".contains("accelerator program"), "\(e)") }
        let plain = try TinyModels.detector()
        XCTAssertThrowsError(try ISmart3Accelerator(model: plain)) { e in XCTAssertTrue("\(e)".contains("not an iSmart3"), "\(e)") }
        let a = try ISmart3TestData.accelerator(ISmart3TestData.paths.last ?? .portable)
        XCTAssertThrowsError(try [UInt8](repeating: 0, count: 100).withUnsafeBytes { try a.run(stitched: $0) })
    }

    func testCanvasAndDecoderMatchTheHost() throws {
        let dir = try ISmart3TestData.dirOrSkip()
        // Decode alone: the 50 PL results of the C model give its 50 boxes.
        let decoder = try ISmart3BoxDecoder(model: try ISmart3TestData.model())
        for p in try ISmart3TestData.predictions() {
            let b = decoder.box(anchor: p.anchor, x: p.x, y: p.y, codes: p.codes, width: 640, height: 360)
            XCTAssertEqual([b.x1, b.x2, b.y1, b.y2], p.box, p.name)
        }
        // Stitching: image 001 alone in slot 0 is the same pixels as in slot 1 of batch 000; the rest is gray.
        let full = try SkrSkrTestData.bytes(dir + "/cases/batch000.stitched.bin")
        let partial = try ISmart3TestData.stitch([try ISmart3TestData.imagePath(1), nil])
        var expected = [UInt8](repeating: 127, count: full.count)
        for p in 0..<3 {
            for y in 0..<160 {
                for x in 0..<320 { expected[(p * 324 + 1 + y) * 644 + 1 + x] = full[(p * 324 + 1 + y) * 644 + 323 + x] }
            }
        }
        XCTAssertEqual(partial, expected)
        XCTAssertThrowsError(try ISmart3Canvas.stitch([Image?](repeating: nil, count: 5)))
        try ISmart3Canvas.checkPreprocessing(of: try ISmart3TestData.model())
    }
}
