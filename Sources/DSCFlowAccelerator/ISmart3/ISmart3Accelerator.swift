import DSCFlow

/// What the iSmart3 PL reports for one image (`compute_bounding_box`, FACTS §9): the winning anchor,
/// its grid cell, and the anchor's tx, ty, tw, th and confidence as ACC codes (value = code/256).
public struct ISmart3PLOutput: Sendable, Equatable {
    /// 0 or 1.
    public var anchor: Int
    /// Column 0…39 and row 0…19 of the winning cell.
    public var x: Int, y: Int
    /// tx, ty, tw, th, conf as ACC codes.
    public var codes: [Int]

    /// A PL result.
    public init(anchor: Int, x: Int, y: Int, codes: [Int]) {
        self.anchor = anchor
        self.x = x
        self.y = y
        self.codes = codes
    }
}

/// One batch through the accelerator: the 4 heads and the PL's 4 results, in slot order.
public struct ISmart3BatchResult: Sendable {
    /// int16 ACC codes, [4][10][20][40] (slot, channel, row, column).
    public var heads: [Int16]
    /// The PL's result per slot.
    public var outputs: [ISmart3PLOutput]
}

/// Runs iSmart3-SkyNet models (`ISmart3Importer`) on batches of 4 stitched images, either as the board
/// does (`Mode.accelerator`: the design's program on its buffers, FACTS §6–§9) or layer by layer with
/// clean padding (`Mode.layered`, to see what the ring effect costs).
///
/// By default every batch starts from the all-zero state (what the board computes for the first batch
/// after loading the bitstream, and what the shared results assume); with `carryState` the buffers keep
/// what the previous batch left, as on the board for later batches (FACTS §7.1).
public final class ISmart3Accelerator {
    /// How the network is computed.
    public enum Mode: String, Sendable, CaseIterable {
        /// The accelerator's schedule on its buffers: the board's bytes.
        case accelerator
        /// Each image alone, layer by layer, every 3×3 layer padded with zeros except dw1, which sees
        /// the gray border of the host's canvas (code −1) as on the board.
        case layered
    }

    /// The mode.
    public let mode: Mode
    /// Keep the buffers from batch to batch (accelerator mode only).
    public let carryState: Bool
    /// The machine executing the program (the accelerator's, or the layered network's).
    public let machine: ProgramMachine
    /// Index of the last step of stage 3 in the accelerator program (see `ISmart3Schedule.program`).
    let pw3Complete: Int
    /// The buffer holding the PL results.
    private let outBuffer: Int

    /// Prepares a model made by `ISmart3Importer` (or loaded from its `.dscm`). Throws if the model is
    /// not one, or `kernels` cannot run here.
    public init(model: Model, mode: Mode = .accelerator, kernels: KernelPath = .auto, carryState: Bool = false,
                config: AcceleratorConfig = .ismart3) throws {
        let parameters = try Self.parameters(of: model)
        self.mode = mode
        self.carryState = carryState && mode == .accelerator
        switch mode {
        case .accelerator:
            let (program, pw3) = try ISmart3Schedule.program(parameters: parameters, config: config)
            machine = try ProgramMachine(program: program, kernels: kernels)
            pw3Complete = pw3
            outBuffer = ISmart3Schedule.out
        case .layered:
            machine = try ProgramMachine(program: try ISmart3LayeredNetwork.program(parameters: parameters, config: config),
                                         kernels: kernels)
            pw3Complete = -1
            outBuffer = ISmart3LayeredNetwork.buffers.count - 1
        }
    }

    /// The parameter words of an iSmart3 model: its three constant tensors, checked by name, type
    /// and shape (`ISmart3Importer`).
    public static func parameters(of model: Model) throws -> ProgramParameters {
        guard model.acceleratorProgramDesign == ISmart3Importer.design else {
            throw DSCError.invalidArgument("the model is not an iSmart3 accelerator program (its \(Model.acceleratorProgramKey) metadata does not say design=\(ISmart3Importer.design)); make one with `dscflow import ismart3`")
        }
        let lanes = ISmart3Importer.lanes
        func codes(_ name: String, _ shape: [Int]) throws -> [Int16] {
            guard let t = model.tensors.first(where: { $0.name == name }), let data = t.data else {
                throw DSCError.invalidTensor(op: -1, tensor: name, reason: "missing from the iSmart3 model")
            }
            guard t.type == .int16, t.shape == shape else {
                throw DSCError.invalidTensor(op: -1, tensor: name, reason: "\(t.signature); expected int16\(shape)")
            }
            return (0..<t.elementCount).map { Int16(data.element($0, as: .int16)) }
        }
        return try ProgramParameters(
            lanes: lanes,
            pointwise: try codes(ISmart3Importer.pointwiseTensor, [ISmart3Importer.pointwiseBlocks, 32, lanes]),
            depthwise: try codes(ISmart3Importer.depthwiseTensor, [ISmart3Importer.depthwiseGroups, 3, 3, lanes]),
            bias: try codes(ISmart3Importer.biasTensor, [ISmart3Importer.biasWords, lanes]))
    }

    /// Runs one batch. `stitched` is the uint8 [3, 324, 644] buffer the accelerator reads (4 images on
    /// the gray canvas, FACTS §4). `dump` (accelerator mode) receives the per-layer tensors.
    public func run(stitched: UnsafeRawBufferPointer, dump: ISmart3Dump? = nil) throws -> ISmart3BatchResult {
        guard stitched.count == ISmart3Schedule.inputBytes else {
            throw DSCError.invalidArgument("a stitched iSmart3 batch has \(ISmart3Schedule.inputBytes) bytes (uint8 3×324×644); got \(stitched.count)")
        }
        switch mode {
        case .accelerator:
            if !carryState { machine.reset() }
            machine.input.copyMemory(from: stitched)
            if let dump {
                machine.run { [pw3Complete, machine] step in if step == pw3Complete { dump.capturePW3(machine) } }
                dump.captureEnd(machine)
            } else {
                machine.run()
            }
            return result(from: BufferRef(ISmart3Schedule.e), outputs: Array(0..<4), slots: 4)
        case .layered:
            var heads: [Int16] = []
            var outputs: [ISmart3PLOutput] = []
            for q in 0..<4 {
                machine.reset()
                ISmart3LayeredNetwork.copyPaddedImage(slot: q, from: stitched, to: machine.input)
                machine.run()
                let one = result(from: BufferRef(ISmart3LayeredNetwork.head), outputs: [0], slots: 1)
                heads += one.heads
                outputs += one.outputs
            }
            return ISmart3BatchResult(heads: heads, outputs: outputs)
        }
    }

    /// The heads (channels 0–9 of each slot's 20×40 interior of `acc`) and the PL results in OUT.
    private func result(from acc: BufferRef, outputs cells: [Int], slots: Int) -> ISmart3BatchResult {
        let program = machine.program
        let e = machine.canvas(acc)!
        let cols = program.buffers[acc.buffer].cols
        var heads = [Int16](repeating: 0, count: slots * 10 * 800)
        for q in 0..<slots {
            let (r0, c0) = slots == 1 ? (1, 1) : ISmart3Schedule.origin(slot: q)
            for ch in 0..<10 {
                for y in 0..<20 {
                    for x in 0..<40 { heads[((q * 10 + ch) * 20 + y) * 40 + x] = e[((r0 + y) * cols + c0 + x) * 32 + ch] }
                }
            }
        }
        let out = machine.canvas(BufferRef(outBuffer))!
        let outputs = cells.map { q in
            ISmart3PLOutput(anchor: Int(out[q * 8]), x: Int(out[q * 8 + 1]), y: Int(out[q * 8 + 2]),
                            codes: (3..<8).map { Int(out[q * 8 + $0]) })
        }
        return ISmart3BatchResult(heads: heads, outputs: outputs)
    }
}
