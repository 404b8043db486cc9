import CDSCFlowCAPI
import DSCFlow

/// What a `dsc_session *` handle stands for: a session and the model handle it came from (kept alive,
/// so the model may be freed first). Exclusive: a call made while another thread's call is using it is
/// refused with `DSC_ERR_WRONG_STATE`.
final class SessionHandle: CHandleObject {
    static let kind = Int32(DSC_CAPI_KIND_SESSION)
    static let noun: StaticString = "session"
    static let exclusive = true

    let owner: ModelHandle
    let session: Session
    /// Whether a run has completed, so outputs hold values.
    var hasRun = false

    /// A session in an arena the library allocates, of the model's prepared form for `flags` (shared
    /// with the model's other sessions of those flags); allocation failures and a session above the
    /// memory limit are `DSC_ERR_OUT_OF_MEMORY`.
    init(owner: ModelHandle, flags: UInt32) throws(DSCError) {
        session = try Session(prepared: try owner.prepared(flags: flags))
        self.owner = owner
    }

    /// A session in the caller's arena (not freed by the session).
    init(owner: ModelHandle, flags: UInt32, arena: UnsafeMutableRawPointer, size: UInt) throws(DSCError) {
        guard size <= UInt(Int.max) else { throw DSCError.invalidArgument("arena_size \(size) is too large") }
        session = try Session(prepared: try owner.prepared(flags: flags),
                              arena: UnsafeMutableRawBufferPointer(start: arena, count: Int(size)))
        self.owner = owner
    }

    /// A new C handle for this session (freed by `dsc_session_free`).
    func retainedPointer() throws(DSCError) -> UnsafeMutablePointer<dsc_session> {
        try makeHandle().assumingMemoryBound(to: dsc_session.self)
    }

    /// Throws `wrongState` unless a run has completed.
    func requireRun(_ what: StaticString) throws(DSCError) {
        if !hasRun { throw DSCError.wrongState("\(what): the session has not run yet") }
    }
}
