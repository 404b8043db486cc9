import CDSCFlowCAPI
import DSCFlow

/// `dsc_session_create`: a session with default options in a library-allocated arena.
@c(dsc_session_create)
public func dscSessionCreate(_ model: UnsafePointer<dsc_model>?, _ out: UnsafeMutablePointer<UnsafeMutablePointer<dsc_session>?>?) -> Int32 {
    dscSessionCreateEx(model, 0, out)
}

/// `dsc_session_create_ex`: a session with `DSC_SESSION_*` flags in a library-allocated arena.
@c(dsc_session_create_ex)
public func dscSessionCreateEx(_ model: UnsafePointer<dsc_model>?, _ flags: UInt32,
                               _ out: UnsafeMutablePointer<UnsafeMutablePointer<dsc_session>?>?) -> Int32 {
    Status.guarded { () throws(DSCError) in
        let lease = try Lease<ModelHandle>(model); defer { lease.end() }
        let owner = lease.object
        let out = try required(out, "out")
        let handle = try SessionHandle(owner: owner, flags: flags)
        out.pointee = try handle.retainedPointer()
    }
}

/// `dsc_session_create_in_arena`: a session in the caller's arena; no heap allocation after this.
@c(dsc_session_create_in_arena)
public func dscSessionCreateInArena(_ model: UnsafePointer<dsc_model>?, _ flags: UInt32, _ arena: UnsafeMutableRawPointer?,
                                    _ arenaSize: UInt, _ out: UnsafeMutablePointer<UnsafeMutablePointer<dsc_session>?>?) -> Int32 {
    Status.guarded { () throws(DSCError) in
        let lease = try Lease<ModelHandle>(model); defer { lease.end() }
        let owner = lease.object
        let arena = try required(arena, "arena")
        let out = try required(out, "out")
        let handle = try SessionHandle(owner: owner, flags: flags, arena: arena, size: arenaSize)
        out.pointee = try handle.retainedPointer()
    }
}

/// `dsc_session_free`: frees a session; NULL is ignored.
@c(dsc_session_free)
public func dscSessionFree(_ session: UnsafeMutablePointer<dsc_session>?) {
    SessionHandle.free(session)
}

/// `dsc_session_run`: copies the input in, runs, copies the output out (sizes must match exactly).
@c(dsc_session_run)
public func dscSessionRun(_ session: UnsafeMutablePointer<dsc_session>?, _ input: UnsafeRawPointer?, _ inputSize: UInt,
                          _ output: UnsafeMutableRawPointer?, _ outputSize: UInt) -> Int32 {
    Status.guarded { () throws(DSCError) in
        let lease = try Lease<SessionHandle>(session); defer { lease.end() }
        let h = lease.object
        let input = try required(input, "input")
        let output = try required(output, "output")
        let model = h.session.model
        guard model.inputs.count == 1, model.outputs.count == 1 else {
            throw DSCError.wrongState("the model has \(model.inputs.count) inputs and \(model.outputs.count) outputs; use dsc_session_input, dsc_session_invoke and dsc_session_output")
        }
        let inBuf = h.session.inputBytes(0)
        let outBuf = h.session.outputBytes(0)
        guard inputSize == UInt(inBuf.count) else {
            throw DSCError.invalidArgument("input_size is \(inputSize); input \(model.tensors[model.inputs[0]].signature) needs \(inBuf.count) bytes")
        }
        guard outputSize == UInt(outBuf.count) else {
            throw DSCError.invalidArgument("output_size is \(outputSize); output \(model.tensors[model.outputs[0]].signature) needs \(outBuf.count) bytes")
        }
        try h.session.run(input: UnsafeRawBufferPointer(start: input, count: inBuf.count),
                          output: UnsafeMutableRawBufferPointer(start: output, count: outBuf.count))
        h.hasRun = true
    }
}

/// Hands a session buffer to C: checks `session`, `data` and `size` for NULL, lets `body` pick the
/// buffer, then writes its address and byte count.
private func bufferQuery<Address>(_ session: UnsafePointer<dsc_session>?, _ data: UnsafeMutablePointer<Address?>?,
                                  _ size: UnsafeMutablePointer<UInt>?,
                                  _ body: (SessionHandle) throws(DSCError) -> (Address?, Int)) -> Int32 {
    Status.guarded { () throws(DSCError) in
        let lease = try Lease<SessionHandle>(session); defer { lease.end() }
        let h = lease.object
        let data = try required(data, "data")
        let size = try required(size, "size")
        let (address, count) = try body(h)
        data.pointee = address
        size.pointee = UInt(count)
    }
}

/// `dsc_session_input`: the session's buffer for model input `index`.
@c(dsc_session_input)
public func dscSessionInput(_ session: UnsafeMutablePointer<dsc_session>?, _ index: UInt,
                            _ data: UnsafeMutablePointer<UnsafeMutableRawPointer?>?, _ size: UnsafeMutablePointer<UInt>?) -> Int32 {
    bufferQuery(session.map { UnsafePointer($0) }, data, size) { (h) throws(DSCError) in
        let buffer = h.session.inputBytes(try checkedIndex(index, below: h.session.model.inputs.count, "input index"))
        return (buffer.baseAddress, buffer.count)
    }
}

/// `dsc_session_invoke`: runs the model on what its input buffers hold.
@c(dsc_session_invoke)
public func dscSessionInvoke(_ session: UnsafeMutablePointer<dsc_session>?) -> Int32 {
    Status.guarded { () throws(DSCError) in
        let lease = try Lease<SessionHandle>(session); defer { lease.end() }
        let h = lease.object
        h.session.run()
        h.hasRun = true
    }
}

/// `dsc_session_output`: the session's buffer for model output `index` after a run.
@c(dsc_session_output)
public func dscSessionOutput(_ session: UnsafePointer<dsc_session>?, _ index: UInt,
                             _ data: UnsafeMutablePointer<UnsafeRawPointer?>?, _ size: UnsafeMutablePointer<UInt>?) -> Int32 {
    bufferQuery(session, data, size) { (h) throws(DSCError) in
        let i = try checkedIndex(index, below: h.session.model.outputs.count, "output index")
        try h.requireRun("dsc_session_output")
        let buffer = h.session.outputBytes(i)
        return (buffer.baseAddress, buffer.count)
    }
}

/// `dsc_session_op_output`: operator `op`'s output from the last run (preserve-all-tensors sessions).
@c(dsc_session_op_output)
public func dscSessionOpOutput(_ session: UnsafePointer<dsc_session>?, _ op: UInt,
                               _ data: UnsafeMutablePointer<UnsafeRawPointer?>?, _ size: UnsafeMutablePointer<UInt>?) -> Int32 {
    bufferQuery(session, data, size) { (h) throws(DSCError) in
        let model = h.session.model
        let i = try checkedIndex(op, below: model.operations.count, "operator index")
        guard h.session.options.preserveAllTensors else {
            throw DSCError.wrongState("dsc_session_op_output needs a session created with DSC_SESSION_PRESERVE_ALL_TENSORS")
        }
        try h.requireRun("dsc_session_op_output")
        guard let buffer = h.session.tensorBytes(model.operations[i].outputs[0]) else {
            throw DSCError.wrongState("operator \(i) has no output bytes in the arena")
        }
        return (UnsafeRawPointer(buffer.baseAddress), buffer.count)
    }
}

/// `dsc_session_op_nanoseconds`: operator `op`'s wall time in the last run (profiling sessions).
@c(dsc_session_op_nanoseconds)
public func dscSessionOpNanoseconds(_ session: UnsafePointer<dsc_session>?, _ op: UInt,
                                    _ nanoseconds: UnsafeMutablePointer<UInt64>?) -> Int32 {
    Status.guarded { () throws(DSCError) in
        let lease = try Lease<SessionHandle>(session); defer { lease.end() }
        let h = lease.object
        let out = try required(nanoseconds, "nanoseconds")
        let i = try checkedIndex(op, below: h.session.model.operations.count, "operator index")
        guard h.session.options.profile else {
            throw DSCError.wrongState("dsc_session_op_nanoseconds needs a session created with DSC_SESSION_PROFILE")
        }
        try h.requireRun("dsc_session_op_nanoseconds")
        out.pointee = h.session.operatorNanoseconds(i)
    }
}

/// `dsc_session_kernels`: the kernel path the session runs, as a `DSC_KERNELS_*` code.
@c(dsc_session_kernels)
public func dscSessionKernels(_ session: UnsafePointer<dsc_session>?, _ kernels: UnsafeMutablePointer<Int32>?) -> Int32 {
    Status.guarded { () throws(DSCError) in
        let lease = try Lease<SessionHandle>(session); defer { lease.end() }
        let h = lease.object
        let out = try required(kernels, "kernels")
        out.pointee = SessionFlags.code(of: h.session.kernelPath)
    }
}
