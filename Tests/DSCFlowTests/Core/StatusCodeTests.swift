import XCTest
@testable import DSCFlow

/// Parameters that contradict their tensors are `DSCError.malformedModel` (DSC_ERR_MALFORMED_MODEL), not
/// `unsupported`: a project fixture with one operator's parameters changed to something no converter
/// makes (issue 17, point 6). Limits DSCFlow sets itself stay `unsupported`.
final class StatusCodeTests: XCTestCase {
    func fixture(_ name: String) throws -> Model {
        try Model.load(path: TestPaths.fixtures.appendingPathComponent("tflite/\(name)/model.tflite").path)
    }

    /// The model again, with the first operator `change` returns a new kind for changed.
    func changed(_ m: Model, _ change: (OperatorKind) -> OperatorKind?) throws -> Model {
        var ops = m.operations
        let i = try XCTUnwrap(ops.indices.first { change(ops[$0].kind) != nil }, "no operator to change")
        ops[i].kind = change(ops[i].kind)!
        return try Model(tensors: m.tensors, operations: ops, inputs: m.inputs, outputs: m.outputs, format: m.format)
    }

    func expect(_ name: String, _ message: String, _ change: (OperatorKind) -> OperatorKind?,
                file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertThrowsError(try changed(fixture(name), change), file: file, line: line) { e in
            guard case .malformedModel(let why)? = e as? DSCError else {
                return XCTFail("\(name): \(e) is not malformedModel", file: file, line: line)
            }
            XCTAssertTrue(why.contains(message), "\(name): \(why)", file: file, line: line)
        }
    }

    func testImpossibleParametersAreMalformed() throws {
        try expect("concat_axes", "axis 7 out of range for rank") {
            if case .concatenation = $0 { return .concatenation(axis: 7) } else { return nil }
        }
        try expect("mean_axis1", "axis 9 out of range for rank") {
            if case .mean(var p) = $0 { p.axes = [9]; return .mean(p) } else { return nil }
        }
        try expect("space_to_depth", "does not divide") {
            if case .spaceToDepth(var p) = $0 { p.blockSize = 7; return .spaceToDepth(p) } else { return nil }
        }
        try expect("conv_1x1_relu", "larger than the padded input") {
            if case .conv2D(var p) = $0 {
                p.window = Window2D(kernelHeight: 99, kernelWidth: 1, strideHeight: 1, strideWidth: 1, padding: .valid)
                return .conv2D(p)
            } else { return nil }
        }
        try expect("conv_1x1_relu", "below their minimum") {
            if case .conv2D(var p) = $0 {
                p.window = Window2D(kernelHeight: 1, kernelWidth: 1, strideHeight: 0, strideWidth: 1, padding: .valid)
                return .conv2D(p)
            } else { return nil }
        }
    }

    /// A block size beyond what DSCFlow supports (but possible) stays unsupported.
    func testLimitsOfDSCFlowStayUnsupported() throws {
        XCTAssertThrowsError(try changed(fixture("space_to_depth")) {
            if case .spaceToDepth(var p) = $0 { p.blockSize = 1 << 13; return .spaceToDepth(p) } else { return nil }
        }) { e in
            guard case .unsupported? = e as? DSCError else { return XCTFail("\(e) is not unsupported") }
        }
    }
}
