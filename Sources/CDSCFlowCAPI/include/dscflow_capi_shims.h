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

/// `size` zeroed bytes aligned to `alignment` (a power of two, at least sizeof(void *)), or NULL if
/// the memory is not available. Free with dsc_capi_free.
__attribute__((visibility("hidden"))) void *dsc_capi_aligned_alloc(size_t size, size_t alignment);

/// Frees memory from dsc_capi_aligned_alloc; NULL is ignored.
__attribute__((visibility("hidden"))) void dsc_capi_free(void *pointer);

#ifdef __cplusplus
}
#endif

#endif
