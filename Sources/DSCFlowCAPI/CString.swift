/// NUL-terminated copies of Swift strings that C callers can hold on to.
enum CString {
    /// A new NUL-terminated UTF-8 copy of `s` (an embedded NUL ends the C string early). The caller
    /// frees it with `deallocate()`.
    static func make(_ s: String) -> UnsafeMutablePointer<CChar> {
        let bytes = s.utf8CString
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count)
        bytes.withUnsafeBufferPointer { p.initialize(from: $0.baseAddress!, count: $0.count) }
        return p
    }

    /// A C string that lives as long as the process, made once from a static string.
    static func permanent(_ s: StaticString) -> UnsafePointer<CChar> {
        UnsafePointer(make(s.description))
    }
}
