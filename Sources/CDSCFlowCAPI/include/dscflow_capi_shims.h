// Internal shims of the C API: what Swift cannot spell without Foundation (thread-local storage,
// allocation that reports failure instead of trapping). Hidden from libdscflow.so's exports.
#ifndef DSCFLOW_CAPI_SHIMS_H
#define DSCFLOW_CAPI_SHIMS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Stores `message` (NUL-terminated; NULL means "") as the calling thread's last error, truncated at a
/// UTF-8 character boundary to fit a fixed thread-local buffer. Never allocates.
__attribute__((visibility("hidden"))) void dsc_capi_set_error(const char *message);

/// The calling thread's last error message; "" if none. Never NULL.
__attribute__((visibility("hidden"))) const char *dsc_capi_error(void);

/// Kinds of objects behind handles.
#define DSC_CAPI_KIND_MODEL 1
#define DSC_CAPI_KIND_SESSION 2
/// Why dsc_capi_handle_acquire gave NULL: the handle is not a live one of that kind (freed, never made,
/// or of the other kind), or (exclusive use) another call is using it.
#define DSC_CAPI_NOT_LIVE 1
#define DSC_CAPI_BUSY 2

/// A new handle (never NULL, never an address) for `object` of `kind`, or NULL when the table cannot
/// grow. Thread-safe.
__attribute__((visibility("hidden"))) void *dsc_capi_handle_new(int kind, void *object);

/// The object behind `handle` if it is a live handle of `kind`, counted as in use until
/// dsc_capi_handle_release; NULL otherwise, with `*why` DSC_CAPI_NOT_LIVE or DSC_CAPI_BUSY. With
/// `exclusive` the call is refused (BUSY) while any other call uses the handle, and while it holds it
/// every other call is refused. Never reads freed memory; lock-free. Thread-safe.
__attribute__((visibility("hidden"))) void *dsc_capi_handle_acquire(const void *handle, int kind, int exclusive, int *why);

/// Ends a use begun by a successful dsc_capi_handle_acquire.
__attribute__((visibility("hidden"))) void dsc_capi_handle_release(const void *handle);

/// Retires a live handle of `kind` and returns its object (the caller releases it), after waiting for
/// calls still using it on other threads; NULL, doing nothing, for a handle that is not live (a second
/// free, a foreign pointer). Thread-safe.
__attribute__((visibility("hidden"))) void *dsc_capi_handle_free(const void *handle, int kind);

#ifdef __cplusplus
}
#endif

#endif
