import XCTest
@testable import DSCFlow

/// The published figures the accelerator model must reproduce within ±10 % (DESIGN.md, issue #6).
final class PublishedFiguresTests: XCTestCase {
    func within(_ value: Double, _ published: Double, _ what: String, tolerance: Double = 0.10,
                file: StaticString = #filePath, line: UInt = #line) {
        let err = (value - published) / published
        print("\(what): model \(value), published \(published), error \(String(format: "%+.2f", err * 100)) %")
        XCTAssertLessThanOrEqual(abs(err), tolerance, "\(what): model \(value) vs published \(published)", file: file, line: line)
    }

    func testSkyNetCyclesOnISmart3AndSkrSkr() throws {
        let model = try BuiltinTopology.skynet.build()
        let i3 = try AcceleratorReport.make(model: model, config: .ismart3)
        let sk = try AcceleratorReport.make(model: model, config: .skrskr)
        for l in sk.layers { print("skrskr", l.name, l.cycles) }
        for l in i3.layers { print("ismart3", l.name, l.cycles) }
        within(Double(i3.totalCycles), 18.88e6, "SkyNet on ismart3, cycles per batch of 4")
        within(Double(sk.totalCycles), 10.58e6, "SkyNet on skrskr, cycles per batch of 4")
    }
}
