import CDSCFlowCAPI
import DSCFlow

/// The C API's status codes (`DSC_OK`, `DSC_ERR_*` in dscflow.h) and how a Swift error becomes one.
enum Status {
    #if !hasFeature(Embedded)
    /// The status code of `error`: each `DSCError` case has its own code.
    static func code(of error: Error) -> Int32 {
        guard let e = error as? DSCError else {
            // The library throws only DSCError; anything else is still reported, never dropped.
            return DSC_ERR_INVALID_ARGUMENT
        }
        return code(of: e)
    }
    #endif

    /// The status code of a `DSCError` case.
    static func code(of e: DSCError) -> Int32 {
        switch e {
        case .invalidArgument: return DSC_ERR_INVALID_ARGUMENT
        case .malformedModel, .invalidTensor: return DSC_ERR_MALFORMED_MODEL
        case .unsupported: return DSC_ERR_UNSUPPORTED
        case .io: return DSC_ERR_IO
        case .outOfMemory: return DSC_ERR_OUT_OF_MEMORY
        case .wrongState: return DSC_ERR_WRONG_STATE
        }
    }

    #if hasFeature(Embedded)
    /// Runs `body`; on success returns `DSC_OK`, otherwise records the error's message as the
    /// thread's last error and returns its code. The success path allocates nothing. (Embedded Swift
    /// has no untyped throws: the device build's C API throws only `DSCError`.)
    @inline(__always)
    static func guarded(_ body: () throws(DSCError) -> Void) -> Int32 {
        do {
            try body()
            return DSC_OK
        } catch {
            error.description.withCString { dsc_capi_set_error($0) }
            return code(of: error)
        }
    }
    #else
    /// Runs `body`; on success returns `DSC_OK`, otherwise records the error's message as the
    /// thread's last error and returns its code. The success path allocates nothing.
    @inline(__always)
    static func guarded(_ body: () throws -> Void) -> Int32 {
        do {
            try body()
            return DSC_OK
        } catch {
            let message: String
            if let e = error as? DSCError { message = e.description } else { message = "\(error)" }
            message.withCString { dsc_capi_set_error($0) }
            return code(of: error)
        }
    }
    #endif

    /// The name of a status code, as spelled in dscflow.h.
    static func name(_ status: Int32) -> StaticString {
        switch status {
        case DSC_OK: return "DSC_OK"
        case DSC_ERR_INVALID_ARGUMENT: return "DSC_ERR_INVALID_ARGUMENT"
        case DSC_ERR_MALFORMED_MODEL: return "DSC_ERR_MALFORMED_MODEL"
        case DSC_ERR_UNSUPPORTED: return "DSC_ERR_UNSUPPORTED"
        case DSC_ERR_IO: return "DSC_ERR_IO"
        case DSC_ERR_OUT_OF_MEMORY: return "DSC_ERR_OUT_OF_MEMORY"
        case DSC_ERR_WRONG_STATE: return "DSC_ERR_WRONG_STATE"
        default: return "unknown status"
        }
    }
}

/// Unwraps a pointer argument or throws `invalidArgument` naming it (C callers may pass NULL anywhere).
@inline(__always)
func required<P>(_ pointer: P?, _ name: StaticString) throws(DSCError) -> P {
    guard let pointer else { throw DSCError.invalidArgument("\(name) is NULL") }
    return pointer
}

/// A C index (`size_t`) as a Swift index below `count`, or `invalidArgument`: never traps, even for
/// values above `Int.max`.
@inline(__always)
func checkedIndex(_ index: UInt, below count: Int, _ what: StaticString) throws(DSCError) -> Int {
    guard index < UInt(count) else {
        throw DSCError.invalidArgument("\(what) \(index) is out of range (there are \(count))")
    }
    return Int(index)
}
