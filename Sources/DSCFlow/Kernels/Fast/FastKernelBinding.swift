import CDSCFlowSIMD
import CDSCFlowSupport

/// A session's fast operators: each packed operator's template with the session's arena addresses and
/// scratch filled in, and the per-session tables they point at (conv indirection). Freed with
/// `deallocate`.
struct FastKernelBinding {
    /// One `dscsimd_op` per operator (`run` NULL where the reference kernel runs).
    let ops: UnsafeMutablePointer<dscsimd_op>
    /// Per-session tables the ops point at.
    let tables: [UnsafeMutableRawPointer]

    /// Entries of the conv indirection table built at session creation for `conv` (0: none; the kernel
    /// then builds its pointers per run).
    static func indirectionEntries(_ conv: inout dscsimd_conv, tuning: KernelTuning) -> Int {
        let entries = Int(dscsimd_conv_indirection_count(&conv))
        return entries <= tuning.maxIndirectionBytes / MemoryLayout<UnsafeRawPointer>.stride ? entries : 0
    }

    /// Bytes a session allocates besides its arena: the bound operators, the indirection and concat
    /// tables `init` builds, the observer's staging buffer and the timings (`SessionMemory.tables`).
    static func sessionTableBytes(model: Model, packed: [PackedOperator?], inPlace: ConcatenationInPlace,
                                  tuning: KernelTuning) throws(DSCError) -> Int {
        let pointer = MemoryLayout<UnsafeRawPointer>.stride
        let n = max(model.operations.count, 1)
        var total = try checkedMul(n, MemoryLayout<dscsimd_op>.stride + 8, "session tables")
        for (i, p) in packed.enumerated() {
            guard var op = p?.template else { continue }
            if op.kind == Int32(DSCSIMD_OP_CONV) {
                total = try checkedAdd(total, indirectionEntries(&op.conv, tuning: tuning) * pointer, "session tables")
            } else if op.kind == Int32(DSCSIMD_OP_CONCAT) {
                total = try checkedAdd(total, max(model.operations[i].inputs.count, 1) * pointer, "session tables")
            }
        }
        let staged = inPlace.outputPixelStrides.keys.map { model.tensors[model.operations[$0].outputs[0]].byteCount }.max() ?? 0
        return try checkedAdd(total, staged, "session tables")
    }

    /// Binds every packed operator of `prepared` to the addresses of `bindings` and to `scratch`
    /// (operators' scratch, one thread's share). Throws `DSCError.outOfMemory` when a table cannot be
    /// allocated (nothing is left allocated then).
    init(_ prepared: PreparedModel, bindings: [OperatorBinding], scratch: UnsafeMutableRawPointer) throws(DSCError) {
        let n = max(prepared.model.operations.count, 1)
        guard let opsMemory = dsc_aligned_alloc(n * MemoryLayout<dscsimd_op>.stride, 64, 0) else {
            throw DSCError.outOfMemory("cannot allocate the session's \(n) bound operators")
        }
        ops = opsMemory.bindMemory(to: dscsimd_op.self, capacity: n)
        ops.initialize(repeating: dscsimd_op(), count: n)
        var tables: [UnsafeMutableRawPointer] = []
        func table(_ bytes: Int) throws(DSCError) -> UnsafeMutableRawPointer {
            guard let t = dsc_aligned_alloc(bytes, 64, 0) else {
                for t in tables { dsc_aligned_free(t) }
                dsc_aligned_free(opsMemory)
                throw DSCError.outOfMemory("cannot allocate a \(bytes)-byte kernel table")
            }
            tables.append(t)
            return t
        }
        let scratchBytes = scratch.assumingMemoryBound(to: UInt8.self)
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
                let entries = FastKernelBinding.indirectionEntries(&op.conv, tuning: prepared.options.tuning)
                if entries > 0 {
                    let table = try table(entries * MemoryLayout<UnsafeRawPointer>.stride)
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
            case Int32(DSCSIMD_OP_ORT):
                op.ort.a = input
                op.ort.b = b.inputs.count > 1 ? b.inputs[1].assumingMemoryBound(to: UInt8.self) : nil
                op.ort.output = output
            case Int32(DSCSIMD_OP_RESIZE):
                op.resize.input = input
                op.resize.output = output
                op.resize.scratch = scratchBytes
            case Int32(DSCSIMD_OP_MEAN):
                op.mean.input = input
                op.mean.output = output
            case Int32(DSCSIMD_OP_CONCAT):
                let n = b.inputs.count
                let table = try table(max(n, 1) * MemoryLayout<UnsafeRawPointer>.stride)
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
        dsc_aligned_free(ops)
        for t in tables { dsc_aligned_free(t) }
    }
}
