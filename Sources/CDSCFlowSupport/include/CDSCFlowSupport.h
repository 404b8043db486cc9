// C shims for the DSCFlow library: only what Swift cannot spell without Foundation or Glibc.
#ifndef CDSCFLOW_SUPPORT_H
#define CDSCFLOW_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Monotonic clock in nanoseconds (CLOCK_MONOTONIC). Never allocates.
uint64_t dsc_monotonic_ns(void);

/// Size of a regular file in bytes. Returns 0 on success, otherwise an errno value.
int dsc_file_size(const char *path, uint64_t *size);

/// Reads exactly `size` bytes of the file at `path` into `buffer`.
/// Returns 0 on success, -1 if the file is shorter than `size`, otherwise an errno value.
int dsc_file_read(const char *path, void *buffer, uint64_t size);

/// Writes `size` bytes to the file at `path` (created or truncated). 0 on success, else errno.
int dsc_file_write(const char *path, const void *buffer, uint64_t size);

/// Text of an errno value (strerror); never NULL.
const char *dsc_strerror(int code);

/// The C library's exp(x) in double precision (what numpy's float64 scalars and Python's
/// math.exp use on the hosts DSCFlow reproduces), for bit-exact host-side decoders.
double dsc_exp(double x);

#ifdef __cplusplus
}
#endif

#endif
