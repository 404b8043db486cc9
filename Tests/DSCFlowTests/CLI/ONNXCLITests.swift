import DSCFlow
import Foundation
import XCTest

/// `dscflow` on `.onnx` files (issue 15): `run` takes and writes the graph's own inputs and outputs as
/// ONNX Runtime does, `convert` keeps every byte, and the accelerator commands (`profile`, `--emulate`,
/// `ablate`, `explore`) take an ONNX model as they take a `.tflite`.
final class ONNXCLITests: XCTestCase {
    /// The model outputs of a fixture case, in graph order: (file, dtype) from its manifest.
    func outputs(_ name: String) throws -> [String] {
        let manifest = ONNXFixtureTests.root.appendingPathComponent("\(name)/rand0/manifest.tsv")
        return try String(contentsOf: manifest, encoding: .utf8).split(separator: "\n").dropFirst()
            .map { $0.split(separator: "\t").map(String.init) }.filter { $0.count == 5 && $0[4] == "output" }.map { $0[0] }
    }

    /// Every fixture through `run`: its float32 NCHW (QDQ) or 8-bit (QOperator) input file in, the
    /// output file equal to ONNX Runtime's output bytes; the `.dscm` from `convert` gives the same bytes.
    func testRunWritesONNXRuntimesOutputBytesForEveryFixture() throws {
        let dir = try temporaryDirectory(self)
        let names = ONNXModelTests.fixtureNames
        XCTAssertGreaterThanOrEqual(names.count, 12)
        for name in names {
            let fixture = ONNXFixtureTests.root.appendingPathComponent(name)
            let model = fixture.appendingPathComponent("model.onnx").path
            let input = fixture.appendingPathComponent("rand0/input.bin").path
            let files = try outputs(name)
            XCTAssertFalse(files.isEmpty, name)
            let dscm = dir.appendingPathComponent("\(name).dscm").path
            let c = try runDSCFlow(["convert", model, "-o", dscm])
            XCTAssertEqual(c.status, 0, "\(name): \(c.err)")
            for path in [model, dscm] {
                let outs = files.indices.map { dir.appendingPathComponent("\(name)_\($0).bin").path }
                let r = try runDSCFlow(["run", path, "--input", input] + outs.flatMap { ["--output", $0] })
                XCTAssertEqual(r.status, 0, "\(name): \(r.err)")
                for (o, f) in zip(outs, files) {
                    let want = try Data(contentsOf: fixture.appendingPathComponent("rand0/\(f)"))
                    XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: o)), want, "\(path): \(f)")
                }
            }
        }
    }

    func testRunRefusesMoreOutputsThanTheGraphHasInOneLine() throws {
        let fixture = ONNXFixtureTests.root.appendingPathComponent("mobilenet_qdq_u8")
        let dir = try temporaryDirectory(self)
        let r = try runDSCFlow(["run", fixture.appendingPathComponent("model.onnx").path,
                                "--input", fixture.appendingPathComponent("rand0/input.bin").path,
                                "--output", dir.appendingPathComponent("a.bin").path,
                                "--output", dir.appendingPathComponent("b.bin").path])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.err.contains("1 output(s); 2 --output given"), r.err)
        XCTAssertEqual(r.err.trimmingCharacters(in: .newlines).split(separator: "\n").count, 1, r.err)
    }

    /// The accelerator commands on an ONNX model: `profile --emulate` runs the emulator (whose bytes and
    /// cycles ONNXModelTests checks) and prints the same cycles as the cost model; `ablate` and `explore` run.
    func testAcceleratorCommandsTakeAnONNXModel() throws {
        let model = ONNXFixtureTests.root.appendingPathComponent("residual_qdq_s8_pc/model.onnx").path
        func cycles(_ text: String) -> String? {
            text.split(separator: "\n").first { $0.hasPrefix("cycles per run:") }.map(String.init)
        }
        for accel in ["skrskr", "ismart3"] {
            let p = try runDSCFlow(["profile", model, "--accel", accel])
            XCTAssertEqual(p.status, 0, p.err)
            XCTAssertTrue(p.out.contains("FLOAT_CONV"), p.out)  // ONNX Runtime's unfused convs are layers too
            let e = try runDSCFlow(["profile", model, "--accel", accel, "--emulate"])
            XCTAssertEqual(e.status, 0, e.err)
            XCTAssertNotNil(cycles(p.out), p.out)
            XCTAssertEqual(cycles(e.out), cycles(p.out), e.out)
        }
        let a = try runDSCFlow(["ablate", model, "--accel", "skrskr"])
        XCTAssertEqual(a.status, 0, a.err)
        XCTAssertTrue(a.out.contains("preload"), a.out)
        let x = try runDSCFlow(["explore", model, "--budget", "dsp=360,bram=216,lut=70560", "--clock", "214"])
        XCTAssertEqual(x.status, 0, x.err)
        XCTAssertFalse(x.out.isEmpty)
    }
}
