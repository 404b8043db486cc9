import CDSCFlowSIMD

/// A session's fast operators: each packed operator's template with the session's arena addresses and
/// scratch filled in, and the per-session tables they point at (conv indirection). Freed with
/// `deallocate`.
struct FastKernelBinding {
    /// One `dscsimd_op` per operator (`run` NULL where the reference kernel runs).
    let ops: UnsafeMutablePointer<dscsimd_op>
    /// Per-session tables the ops point at.
    let tables: [UnsafeMutableRawPointer]

    /// Binds every packed operator of `prepared` to the addresses of `bindings` and to `scratch`
    /// (operators' scratch, one thread's share).
    init(_ prepared: PreparedModel, bindings: [OperatorBinding], scratch: UnsafeMutableRawPointer) {
        let n = max(prepared.model.operations.count, 1)
        ops = .allocate(capacity: n)
        ops.initialize(repeating: dscsimd_op(), count: n)
        var tables: [UnsafeMutableRawPointer] = []
        let scratchBytes = scratch.assumingMemoryBound(to: UInt8.self)
        let maxIndirection = prepared.options.tuning.maxIndirectionBytes
        for (i, packed) in prepared.packed.enumerated() {
            guard let packed else { continue }
            let b = bindings[i]
            var op = packed.template
            let input = b.inputs[0].assumingMemoryBound(to: UInt8.self)
            let output = b.output.assumingMemoryBound(to: UInt8.self)
            switch op.kind {
            case Int32(DSCSIMD_OP_CONV):
                op.conv.input = input
                op.conv.output = output
                if let stride = prepared.inPlace.outputPixelStrides[i] { op.conv.out_pixel_stride = Int32(stride) }
                op.conv.scratch = scratchBytes
                let entries = dscsimd_conv_indirection_count(&op.conv)
                if entries > 0 && entries <= maxIndirection / MemoryLayout<UnsafeRawPointer>.stride {
                    let table = UnsafeMutableRawPointer.allocate(byteCount: entries * MemoryLayout<UnsafeRawPointer>.stride,
                                                                 alignment: 64)
                    tables.append(table)
                    dscsimd_conv_prepare_indirection(&op.conv, op.isa,
                                                     table.bindMemory(to: UnsafePointer<UInt8>?.self, capacity: entries))
                }
            case Int32(DSCSIMD_OP_DWCONV):
                op.dw.input = input
                op.dw.output = output
                op.dw.scratch = scratchBytes
            case Int32(DSCSIMD_OP_POOL):
                op.pool.input = input
                op.pool.output = output
            case Int32(DSCSIMD_OP_ADD):
                op.add.a = input
                op.add.b = b.inputs[1].assumingMemoryBound(to: UInt8.self)
                op.add.output = output
            case Int32(DSCSIMD_OP_SOFTMAX):
                op.softmax.input = b.inputs[0].assumingMemoryBound(to: Int8.self)
                op.softmax.output = b.output.assumingMemoryBound(to: Int8.self)
            case Int32(DSCSIMD_OP_COPY):
                op.copy_from = b.inputs[0]
                op.copy_to = b.output
            case Int32(DSCSIMD_OP_S2D):
                op.s2d.input = input
                op.s2d.output = output
                if let stride = prepared.inPlace.outputPixelStrides[i] { op.s2d.out_pixel_stride = Int64(stride) }
            case Int32(DSCSIMD_OP_PAD):
                op.pad.input = input
                op.pad.output = output
            case Int32(DSCSIMD_OP_RESIZE):
                op.resize.input = input
                op.resize.output = output
                op.resize.scratch = scratchBytes
            case Int32(DSCSIMD_OP_MEAN):
                op.mean.input = input
                op.mean.output = output
            case Int32(DSCSIMD_OP_CONCAT):
                let n = b.inputs.count
                let table = UnsafeMutableRawPointer.allocate(byteCount: max(n, 1) * MemoryLayout<UnsafeRawPointer>.stride,
                                                             alignment: 64)
                tables.append(table)
                let sources = table.bindMemory(to: UnsafePointer<UInt8>?.self, capacity: n)
                let inputs = prepared.model.operations[i].inputs
                for k in 0..<n {
                    sources[k] = prepared.inPlace.aliases[inputs[k]] == nil ? b.inputs[k].assumingMemoryBound(to: UInt8.self) : nil
                }
                op.concat.sources = UnsafePointer(sources)
                op.concat.output = output
            default:
                continue
            }
            ops[i] = op
        }
        self.tables = tables
    }

    func deallocate() {
        ops.deallocate()
        for t in tables { t.deallocate() }
    }
}
