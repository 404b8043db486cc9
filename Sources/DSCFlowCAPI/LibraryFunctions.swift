import CDSCFlowCAPI
import DSCFlow

private let versionString = UnsafePointer(CString.make(DSCFlowVersion.string))

/// `dsc_version`: the library version ("0.1.0"); a static string, never NULL.
@c(dsc_version)
public func dscVersion() -> UnsafePointer<CChar> {
    versionString
}

/// `dsc_last_error`: the calling thread's last error message ("" if none); never NULL.
@c(dsc_last_error)
public func dscLastError() -> UnsafePointer<CChar> {
    dsc_capi_error()
}

private let statusNames: [(code: Int32, name: UnsafePointer<CChar>)] = [
    DSC_OK, DSC_ERR_INVALID_ARGUMENT, DSC_ERR_MALFORMED_MODEL, DSC_ERR_UNSUPPORTED, DSC_ERR_IO,
    DSC_ERR_OUT_OF_MEMORY, DSC_ERR_WRONG_STATE,
].map { ($0, CString.permanent(Status.name($0))) }
private let unknownStatusName = CString.permanent(Status.name(1))

/// `dsc_status_name`: the dscflow.h name of a status code; never NULL.
@c(dsc_status_name)
public func dscStatusName(_ status: Int32) -> UnsafePointer<CChar> {
    statusNames.first { $0.code == status }?.name ?? unknownStatusName
}

private let typeNames: [(code: Int32, name: UnsafePointer<CChar>)] = ElementType.allCases.map {
    (Int32($0.rawValue), UnsafePointer(CString.make($0.name)))
}
private let unknownTypeName = CString.permanent("unknown type")

/// `dsc_type_name`: the name of a `DSC_TYPE_*` element type; never NULL.
@c(dsc_type_name)
public func dscTypeName(_ type: Int32) -> UnsafePointer<CChar> {
    typeNames.first { $0.code == type }?.name ?? unknownTypeName
}
