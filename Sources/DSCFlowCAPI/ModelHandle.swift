import CDSCFlowCAPI
import CDSCFlowSIMD
import DSCFlow
#if canImport(DSCFlowVision)
import DSCFlowVision
#endif

/// What a `dsc_model *` handle stands for: the model plus the C strings its info functions hand out
/// (made once at load, valid until the handle dies). Shared: any number of threads may use it at once.
final class ModelHandle: CHandleObject {
    static let kind = Int32(DSC_CAPI_KIND_MODEL)
    static let noun: StaticString = "model"
    static let exclusive = false

    let model: Model
    private let tensorNames: [UnsafeMutablePointer<CChar>]
    private let operationNames: [UnsafeMutablePointer<CChar>]
    private let operationKinds: [UnsafeMutablePointer<CChar>]
    /// Metadata keys and values, sorted by key.
    let metadata: [(key: UnsafeMutablePointer<CChar>, value: UnsafeMutablePointer<CChar>)]
    #if canImport(DSCFlowVision)
    /// One label per element of output 0 (`LabelList`), all in one allocation, or the error that
    /// reading them gave.
    private let labels: Result<(storage: UnsafeMutablePointer<CChar>, offsets: [Int]), DSCError>
    #endif
    /// The prepared form (plan and packed weights of one kernel path) last asked for, with the flags
    /// and the resolved path it was made for: `dsc_model_arena_size` followed by
    /// `dsc_session_create_in_arena` with the same flags prepares once, and sessions share it.
    private var lastPrepared: (flags: UInt32, path: KernelPath, prepared: PreparedModel)?
    /// Guards `lastPrepared` (a model may be used from several threads at once).
    private let preparedLock = dscsimd_semaphore_create(1)

    init(_ model: Model) {
        self.model = model
        tensorNames = model.tensors.map { CString.make($0.name) }
        operationNames = model.operations.map { CString.make($0.name) }
        operationKinds = model.operations.map { CString.make($0.kind.name) }
        metadata = model.metadata.keys.sorted().map { (CString.make($0), CString.make(model.metadata[$0] ?? "")) }
        #if canImport(DSCFlowVision)
        // Default labels ("class i") for at most `maxDefaultLabels` classes: an output of a billion
        // elements (a hostile or non-classifier model) must not make a billion strings at load.
        let count = min(model.outputs.first.map { model.tensors[$0].elementCount } ?? 0, ModelHandle.maxDefaultLabels)
        do {
            let all = LabelList.completed(try LabelList.labels(of: model), count: count)
            var offsets: [Int] = [], text = ""
            for l in all {
                offsets.append(text.utf8.count)
                text += l.split(separator: "\0", omittingEmptySubsequences: false).first.map(String.init) ?? ""
                text += "\0"
            }
            labels = .success((CString.make(text), offsets))
        } catch let e as DSCError {
            labels = .failure(e)
        } catch {
            labels = .failure(DSCError.invalidArgument("labels: \(error)"))
        }
        #endif
    }

    /// The model prepared for a session with C `flags` (shared with the sessions made from it).
    func prepared(flags: UInt32) throws(DSCError) -> PreparedModel {
        let options = try SessionFlags.options(flags)
        let path = try options.kernels.resolved()
        guard let lock = preparedLock else { return try PreparedModel(model: model, options: options) }
        dscsimd_semaphore_wait(lock)
        defer { dscsimd_semaphore_signal(lock) }
        if let last = lastPrepared, last.flags == flags, last.path == path { return last.prepared }
        let p = try PreparedModel(model: model, options: options)
        lastPrepared = (flags, path, p)
        return p
    }

    deinit {
        dscsimd_semaphore_destroy(preparedLock)
        for p in tensorNames { p.deallocate() }
        for p in operationNames { p.deallocate() }
        for p in operationKinds { p.deallocate() }
        for (k, v) in metadata { k.deallocate(); v.deallocate() }
        #if canImport(DSCFlowVision)
        if case .success(let l) = labels { l.storage.deallocate() }
        #endif
    }

    /// The most classes that get a default label ("class i") where the model names none.
    static let maxDefaultLabels = 1 << 16

    #if canImport(DSCFlowVision)
    /// The label of element `index` of output 0 (valid until the handle dies).
    func label(_ index: Int) throws(DSCError) -> UnsafePointer<CChar> {
        let l = try labels.get()
        guard l.offsets.indices.contains(index) else {
            throw DSCError.invalidArgument("no label \(index) (there are \(l.offsets.count); classes beyond \(ModelHandle.maxDefaultLabels) need labels in the model's metadata)")
        }
        return UnsafePointer(l.storage + l.offsets[index])
    }
    #endif

    /// A new C handle for this model (freed by `dsc_model_free`).
    func retainedPointer() throws(DSCError) -> UnsafeMutablePointer<dsc_model> {
        try makeHandle().assumingMemoryBound(to: dsc_model.self)
    }

    /// Describes tensor `t` (an index the model validated).
    func tensorInfo(_ t: Int) throws(DSCError) -> dsc_tensor_info {
        let tensor = model.tensors[t]
        guard tensor.shape.count <= Int(DSC_MAX_RANK) else {
            throw DSCError.unsupported(op: -1, name: "tensor '\(tensor.name)'",
                                       reason: "rank \(tensor.shape.count) exceeds DSC_MAX_RANK (\(DSC_MAX_RANK))")
        }
        var info = dsc_tensor_info()
        info.name = UnsafePointer(tensorNames[t])
        info.type = Int32(tensor.type.rawValue)
        info.rank = Int32(tensor.shape.count)
        withUnsafeMutableBytes(of: &info.shape) { raw in
            let dims = raw.bindMemory(to: Int64.self)
            for (k, d) in tensor.shape.enumerated() { dims[k] = Int64(d) }
        }
        info.byte_size = tensor.byteCount
        if let q = tensor.quantization {
            info.scale = q.scale
            info.zero_point = q.zeroPoint
            info.scale_count = Int32(clamping: q.scales.count)
        }
        return info
    }

    /// Describes operator `i` (an index below the operator count).
    func operationInfo(_ i: Int) throws(DSCError) -> dsc_op_info {
        var info = dsc_op_info()
        info.name = UnsafePointer(operationNames[i])
        info.kind = UnsafePointer(operationKinds[i])
        info.macs = UInt64(clamping: model.macs(ofOperation: i))
        info.output = try tensorInfo(model.operations[i].outputs[0])
        return info
    }
}
