import CDSCFlowSIMD

/// A session's fast operators and the memory they point into (freed with `deallocate`).
struct FastOperators {
    /// One `dscsimd_op` per operator (kind NONE where the reference kernel runs).
    let ops: UnsafeMutablePointer<dscsimd_op>
    /// Per-session tables the ops point at (conv indirection).
    let tables: [UnsafeMutableRawPointer]

    func deallocate() {
        ops.deallocate()
        for t in tables { t.deallocate() }
    }
}

/// Turns a model's prepared operators into a session's kernel calls: the packed template plus the
/// session's arena addresses, scratch, rounding and ISA. Done once at session creation.
enum FastOperatorBinder {
    /// Largest conv indirection table built at session creation (bytes); bigger ones are built per run.
    /// Mutable only so tests can force the per-run path on small shapes.
    nonisolated(unsafe) static var maxIndirectionBytes = 16 << 20
    /// Whether Add may use its byte-plane tables (AVX-512 with VBMI only). Mutable only so tests can
    /// also run the arithmetic Add on a VBMI machine.
    nonisolated(unsafe) static var addByteTables = true

    /// One `dscsimd_op` per operator (kind NONE where the reference kernel runs, and everywhere
    /// on the reference path), with conv indirection tables built for the session's addresses.
    static func bind(model: Model, bindings: [OperatorBinding], path: KernelPath, rounding: RoundingMode,
                     scratch: UnsafeMutableRawPointer) -> FastOperators {
        let n = max(model.operations.count, 1)
        let ops = UnsafeMutablePointer<dscsimd_op>.allocate(capacity: n)
        ops.initialize(repeating: dscsimd_op(), count: n)
        var tables: [UnsafeMutableRawPointer] = []
        guard let isa = path.isa else { return FastOperators(ops: ops, tables: tables) }
        let single: Int32 = rounding == .single ? 1 : 0
        let scratchBytes = scratch.assumingMemoryBound(to: UInt8.self)
        for i in 0..<model.operations.count {
            guard let packed = model.fastWeights.operators[i] else { continue }
            let b = bindings[i]
            var op = packed.template
            op.isa = isa
            let input = b.inputs[0].assumingMemoryBound(to: UInt8.self)
            let output = b.output.assumingMemoryBound(to: UInt8.self)
            switch op.kind {
            case Int32(DSCSIMD_OP_CONV):
                op.run = kernel(isa, op.conv.row_runs != 0 ? DSCSIMD_KERNEL_CONV_ROWRUNS : DSCSIMD_KERNEL_CONV_IGEMM)
                op.conv.input = input
                op.conv.output = output
                op.conv.scratch = scratchBytes
                op.conv.rq.single_rounding = single
                let entries = dscsimd_conv_indirection_count(&op.conv)
                if entries > 0 && entries <= maxIndirectionBytes / MemoryLayout<UnsafeRawPointer>.stride {
                    let table = UnsafeMutableRawPointer.allocate(byteCount: entries * MemoryLayout<UnsafeRawPointer>.stride,
                                                                 alignment: 64)
                    tables.append(table)
                    dscsimd_conv_prepare_indirection(&op.conv, isa,
                                                     table.bindMemory(to: UnsafePointer<UInt8>?.self, capacity: entries))
                }
            case Int32(DSCSIMD_OP_DWCONV):
                op.run = kernel(isa, depthwiseKernel(op.dw, isa: isa))
                op.dw.input = input
                op.dw.output = output
                op.dw.scratch = scratchBytes
                op.dw.rq.single_rounding = single
                op.dw.phase_rq.single_rounding = single
            case Int32(DSCSIMD_OP_POOL):
                op.run = kernel(isa, DSCSIMD_KERNEL_POOL)
                op.pool.input = input
                op.pool.output = output
            case Int32(DSCSIMD_OP_ADD):
                op.add.a = input
                op.add.b = b.inputs[1].assumingMemoryBound(to: UInt8.self)
                op.add.output = output
                op.add.single_rounding = single
                if !(addByteTables && isa == Int32(DSCSIMD_ISA_AVX512VNNI) && dscsimd_has_vbmi() == 1) {
                    op.add.planes1 = nil
                    op.add.planes2 = nil
                }
                if single == 1, let t1 = op.add.table1, let t2 = op.add.table2 {
                    op.add.table1 = t1 + 512
                    op.add.table2 = t2 + 512
                }
                // The float form's constants depend on the parameters and the rounding only: once here,
                // not in every run.
                var form = dscsimd_add_float()
                if dscsimd_add_float_prepare(&op.add, &form) == 1 {
                    op.add.float_form = form
                    op.run = kernel(isa, DSCSIMD_KERNEL_ADD_FLOAT)
                } else if dscsimd_add_planes_applicable(&op.add) == 1, let k = dscsimd_kernel_find(isa, Int32(DSCSIMD_KERNEL_ADD_PLANES)) {
                    op.run = k.pointee.run
                } else {
                    op.run = kernel(isa, DSCSIMD_KERNEL_ADD_EXACT)
                }
            case Int32(DSCSIMD_OP_SOFTMAX):
                op.run = kernel(isa, DSCSIMD_KERNEL_SOFTMAX)
                op.softmax.input = b.inputs[0].assumingMemoryBound(to: Int8.self)
                op.softmax.output = b.output.assumingMemoryBound(to: Int8.self)
            case Int32(DSCSIMD_OP_COPY):
                op.run = kernel(isa, DSCSIMD_KERNEL_COPY)
                op.copy_from = b.inputs[0]
                op.copy_to = b.output
            default:
                continue
            }
            ops[i] = op
        }
        return FastOperators(ops: ops, tables: tables)
    }

    private static func kernel(_ isa: Int32, _ id: Int) -> dscsimd_kernel_fn? {
        dscsimd_kernel_find(isa, Int32(id))?.pointee.run
    }

    private static func depthwiseKernel(_ d: dscsimd_dwconv, isa: Int32) -> Int {
        let c = Int(d.channels)
        if isa == Int32(DSCSIMD_ISA_AVX512VNNI) {
            if d.in_c == 1 && d.vnni_weights != nil && (16 % c == 0 || c % 16 == 0) { return DSCSIMD_KERNEL_DWCONV_IC1 }
            if d.phase_weights != nil { return DSCSIMD_KERNEL_DWCONV_PHASE }
            if d.vnni_weights != nil { return DSCSIMD_KERNEL_DWCONV_REGROUP }
        } else if isa == Int32(DSCSIMD_ISA_AVXVNNI) {
            if d.in_c == 1 && d.vnni_weights != nil && (8 % c == 0 || c % 8 == 0) { return DSCSIMD_KERNEL_DWCONV_IC1 }
            if d.phase_weights != nil { return DSCSIMD_KERNEL_DWCONV_PHASE }
        }
        return DSCSIMD_KERNEL_DWCONV_GENERIC
    }
}
