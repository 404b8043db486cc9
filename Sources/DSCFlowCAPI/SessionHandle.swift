import CDSCFlowCAPI
import DSCFlow

/// What a `dsc_session *` points to: a session, the model handle it came from (kept alive, so the
/// model may be freed first), and the arena when the library allocated it.
final class SessionHandle {
    let owner: ModelHandle
    let session: Session
    private let ownedArena: UnsafeMutableRawPointer?
    /// Whether a run has completed, so outputs hold values.
    var hasRun = false

    /// A session in an arena the library allocates with `malloc`-like failure reporting, so a model
    /// that needs more memory than there is yields `DSC_ERR_OUT_OF_MEMORY` rather than a trap.
    init(owner: ModelHandle, flags: UInt32) throws(DSCError) {
        let prepared = try owner.prepared(flags: flags)
        let size = prepared.requiredArenaSize
        guard let arena = dsc_capi_aligned_alloc(size, ArenaPlan.alignment) else {
            throw DSCError.outOfMemory("cannot allocate a \(size)-byte arena")
        }
        do {
            session = try Session(prepared: prepared, arena: UnsafeMutableRawBufferPointer(start: arena, count: size))
        } catch {
            dsc_capi_free(arena)
            throw error
        }
        self.owner = owner
        ownedArena = arena
    }

    /// A session in the caller's arena (not freed by the session).
    init(owner: ModelHandle, flags: UInt32, arena: UnsafeMutableRawPointer, size: UInt) throws(DSCError) {
        guard size <= UInt(Int.max) else { throw DSCError.invalidArgument("arena_size \(size) is too large") }
        session = try Session(prepared: try owner.prepared(flags: flags),
                              arena: UnsafeMutableRawBufferPointer(start: arena, count: Int(size)))
        self.owner = owner
        ownedArena = nil
    }

    deinit {
        // The session never touches its arena once the handle is gone; the arena may go first.
        dsc_capi_free(ownedArena)
    }

    /// A new +1 reference as a C handle (released by `dsc_session_free`).
    func retainedPointer() -> UnsafeMutablePointer<dsc_session> {
        Unmanaged.passRetained(self).toOpaque().assumingMemoryBound(to: dsc_session.self)
    }

    /// The handle behind a C pointer, without changing its reference count.
    static func from(_ p: UnsafePointer<dsc_session>) -> SessionHandle {
        Unmanaged<SessionHandle>.fromOpaque(UnsafeRawPointer(p)).takeUnretainedValue()
    }

    /// Throws `wrongState` unless a run has completed.
    func requireRun(_ what: StaticString) throws(DSCError) {
        if !hasRun { throw DSCError.wrongState("\(what): the session has not run yet") }
    }
}
