import CDSCFlowCAPI
import DSCFlow

/// `dsc_model_load_file`: loads a model file (at most 1 GiB) into memory the model owns.
@c(dsc_model_load_file)
public func dscModelLoadFile(_ path: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<UnsafeMutablePointer<dsc_model>?>?) -> Int32 {
    dscModelLoadFileEx(path, 0, out)
}

/// `dsc_model_load_file_ex`: loads a model file of at most `max_bytes` (0: the default, 1 GiB).
@c(dsc_model_load_file_ex)
public func dscModelLoadFileEx(_ path: UnsafePointer<CChar>?, _ maxBytes: UInt64,
                               _ out: UnsafeMutablePointer<UnsafeMutablePointer<dsc_model>?>?) -> Int32 {
    Status.guarded { () throws(DSCError) in
        let path = try required(path, "path")
        let out = try required(out, "out")
        let limit = maxBytes == 0 ? Model.defaultMaxFileBytes : Int(clamping: maxBytes)
        let model = try Model.load(path: String(cString: path), maxFileBytes: limit)
        out.pointee = try ModelHandle(model).retainedPointer()
    }
}

/// `dsc_model_load_memory`: loads a model in place from caller memory (weights are not copied).
@c(dsc_model_load_memory)
public func dscModelLoadMemory(_ data: UnsafeRawPointer?, _ size: UInt, _ out: UnsafeMutablePointer<UnsafeMutablePointer<dsc_model>?>?) -> Int32 {
    Status.guarded { () throws(DSCError) in
        let data = try required(data, "data")
        let out = try required(out, "out")
        guard size <= UInt(Int.max) else { throw DSCError.invalidArgument("size \(size) is too large") }
        let model = try Model.load(bytes: UnsafeRawBufferPointer(start: data, count: Int(size)), copy: false)
        out.pointee = try ModelHandle(model).retainedPointer()
    }
}

/// `dsc_model_free`: releases the caller's reference; NULL is ignored.
@c(dsc_model_free)
public func dscModelFree(_ model: UnsafeMutablePointer<dsc_model>?) {
    ModelHandle.free(model)
}

/// Runs `body` on the model behind `model` and stores its result in `out`, with NULL checks.
private func query<T>(_ model: UnsafePointer<dsc_model>?, _ out: UnsafeMutablePointer<T>?,
                      _ body: (ModelHandle) throws(DSCError) -> T) -> Int32 {
    Status.guarded { () throws(DSCError) in
        let lease = try Lease<ModelHandle>(model); defer { lease.end() }
        let handle = lease.object
        let out = try required(out, "output pointer")
        out.pointee = try body(handle)
    }
}

/// `dsc_model_input_count`: number of model inputs.
@c(dsc_model_input_count)
public func dscModelInputCount(_ model: UnsafePointer<dsc_model>?, _ count: UnsafeMutablePointer<UInt>?) -> Int32 {
    query(model, count) { UInt($0.model.inputs.count) }
}

/// `dsc_model_output_count`: number of model outputs.
@c(dsc_model_output_count)
public func dscModelOutputCount(_ model: UnsafePointer<dsc_model>?, _ count: UnsafeMutablePointer<UInt>?) -> Int32 {
    query(model, count) { UInt($0.model.outputs.count) }
}

/// Describes the model input or output (`list` picks which) at C index `index`.
private func ioInfo(_ model: UnsafePointer<dsc_model>?, _ index: UInt, _ info: UnsafeMutablePointer<dsc_tensor_info>?,
                    _ list: (Model) -> [Int], _ what: StaticString) -> Int32 {
    query(model, info) { (h) throws(DSCError) in
        let tensors = list(h.model)
        return try h.tensorInfo(tensors[try checkedIndex(index, below: tensors.count, what)])
    }
}

/// `dsc_model_input`: describes model input `index`.
@c(dsc_model_input)
public func dscModelInput(_ model: UnsafePointer<dsc_model>?, _ index: UInt, _ info: UnsafeMutablePointer<dsc_tensor_info>?) -> Int32 {
    ioInfo(model, index, info, { $0.inputs }, "input index")
}

/// `dsc_model_output`: describes model output `index`.
@c(dsc_model_output)
public func dscModelOutput(_ model: UnsafePointer<dsc_model>?, _ index: UInt, _ info: UnsafeMutablePointer<dsc_tensor_info>?) -> Int32 {
    ioInfo(model, index, info, { $0.outputs }, "output index")
}

/// `dsc_model_op_count`: number of operators.
@c(dsc_model_op_count)
public func dscModelOpCount(_ model: UnsafePointer<dsc_model>?, _ count: UnsafeMutablePointer<UInt>?) -> Int32 {
    query(model, count) { UInt($0.model.operations.count) }
}

/// `dsc_model_op_info`: describes operator `index` (execution order).
@c(dsc_model_op_info)
public func dscModelOpInfo(_ model: UnsafePointer<dsc_model>?, _ index: UInt, _ info: UnsafeMutablePointer<dsc_op_info>?) -> Int32 {
    query(model, info) { (h) throws(DSCError) in
        try h.operationInfo(try checkedIndex(index, below: h.model.operations.count, "operator index"))
    }
}

/// `dsc_model_macs`: multiply-accumulates of one inference.
@c(dsc_model_macs)
public func dscModelMACs(_ model: UnsafePointer<dsc_model>?, _ macs: UnsafeMutablePointer<UInt64>?) -> Int32 {
    query(model, macs) { UInt64(clamping: $0.model.totalMACs) }
}

/// `dsc_model_parameter_count`: weight and bias elements.
@c(dsc_model_parameter_count)
public func dscModelParameterCount(_ model: UnsafePointer<dsc_model>?, _ count: UnsafeMutablePointer<UInt64>?) -> Int32 {
    query(model, count) { UInt64(clamping: $0.model.parameterCount) }
}

/// `dsc_model_arena_size`: bytes a caller-provided arena needs for a session with `flags`.
@c(dsc_model_arena_size)
public func dscModelArenaSize(_ model: UnsafePointer<dsc_model>?, _ flags: UInt32, _ size: UnsafeMutablePointer<UInt>?) -> Int32 {
    query(model, size) { (h) throws(DSCError) in
        UInt(try h.prepared(flags: flags).requiredArenaSize)
    }
}

/// `dsc_model_session_memory`: the bytes a session with `flags` takes in all (what its memory limit
/// bounds), computed without the limit.
@c(dsc_model_session_memory)
public func dscModelSessionMemory(_ model: UnsafePointer<dsc_model>?, _ flags: UInt32, _ bytes: UnsafeMutablePointer<UInt>?) -> Int32 {
    query(model, bytes) { (h) throws(DSCError) in
        var options = try SessionFlags.options(flags)
        options.memoryLimit = Int.max
        return UInt(try PreparedModel(model: h.model, options: options).memory.total)
    }
}

/// `dsc_model_metadata_count`: number of metadata entries.
@c(dsc_model_metadata_count)
public func dscModelMetadataCount(_ model: UnsafePointer<dsc_model>?, _ count: UnsafeMutablePointer<UInt>?) -> Int32 {
    query(model, count) { UInt($0.metadata.count) }
}

/// `dsc_model_metadata`: metadata entry `index` (sorted by key) as C strings owned by the model.
@c(dsc_model_metadata)
public func dscModelMetadata(_ model: UnsafePointer<dsc_model>?, _ index: UInt,
                             _ key: UnsafeMutablePointer<UnsafePointer<CChar>?>?,
                             _ value: UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> Int32 {
    Status.guarded { () throws(DSCError) in
        let lease = try Lease<ModelHandle>(model); defer { lease.end() }
        let h = lease.object
        let key = try required(key, "key"), value = try required(value, "value")
        let entry = h.metadata[try checkedIndex(index, below: h.metadata.count, "metadata index")]
        key.pointee = UnsafePointer(entry.key)
        value.pointee = UnsafePointer(entry.value)
    }
}
