import CDSCFlowCAPI
import DSCFlow

/// An object the C API hands out as a handle (`dsc_model *`, `dsc_session *`). Handles are entries of
/// the handle table in capi_shims.c, not addresses: a freed handle, a handle of the other kind, a second
/// free or a pointer that never was a handle is refused (`DSC_ERR_INVALID_ARGUMENT`) rather than
/// dereferenced, and a call holds its handle so that a concurrent free waits for it.
protocol CHandleObject: AnyObject {
    /// DSC_CAPI_KIND_MODEL or DSC_CAPI_KIND_SESSION.
    static var kind: Int32 { get }
    /// "model" or "session", for messages.
    static var noun: StaticString { get }
    /// Whether a call needs the object to itself (sessions: one thread at a time, enforced).
    static var exclusive: Bool { get }
}

/// One call's use of a handle's object; `end()` it when the call is done (`defer`).
struct Lease<Object: CHandleObject> {
    let object: Object
    private let handle: UnsafeRawPointer

    /// Takes the object behind `handle`, or throws: `invalidArgument` for NULL and for a handle that is
    /// not live, `wrongState` when another thread is using an exclusive handle.
    init<P>(_ pointer: UnsafePointer<P>?) throws(DSCError) {
        try self.init(raw: UnsafeRawPointer(pointer))
    }

    /// As `init(_:)` for a mutable handle pointer.
    init<P>(_ pointer: UnsafeMutablePointer<P>?) throws(DSCError) {
        try self.init(raw: UnsafeRawPointer(pointer))
    }

    private init(raw handle: UnsafeRawPointer?) throws(DSCError) {
        guard let handle else { throw DSCError.invalidArgument("\(Object.noun) is NULL") }
        var why: Int32 = 0
        guard let raw = dsc_capi_handle_acquire(handle, Object.kind, Object.exclusive ? 1 : 0, &why) else {
            if why == DSC_CAPI_BUSY {
                throw DSCError.wrongState("the \(Object.noun) is in use by another thread (a dsc_\(Object.noun) is used by one thread at a time; this call was refused, nothing ran)")
            }
            throw DSCError.invalidArgument("\(Object.noun) is not a live dsc_\(Object.noun) handle (already freed, or not one the library returned)")
        }
        object = Unmanaged<Object>.fromOpaque(raw).takeUnretainedValue()
        self.handle = handle
    }

    /// Ends the use (the handle may be freed from now on).
    func end() { dsc_capi_handle_release(handle) }
}

extension CHandleObject {
    /// A new handle owning +1 of `self` (released by `free`), or `outOfMemory` if the table cannot grow.
    func makeHandle() throws(DSCError) -> UnsafeMutableRawPointer {
        let retained = Unmanaged.passRetained(self)
        guard let h = dsc_capi_handle_new(Self.kind, retained.toOpaque()) else {
            retained.release()
            throw DSCError.outOfMemory("cannot allocate a handle")
        }
        return h
    }

    /// Retires `handle` and releases the object it owned once calls using it on other threads are done;
    /// NULL, a handle already freed and a foreign pointer are ignored.
    static func free(_ handle: UnsafeRawPointer?) {
        guard let handle, let raw = dsc_capi_handle_free(handle, kind) else { return }
        Unmanaged<Self>.fromOpaque(raw).release()
    }
}
