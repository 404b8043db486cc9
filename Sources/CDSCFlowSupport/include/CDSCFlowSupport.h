// C shims for the DSCFlow library: what Swift cannot spell without Foundation or Glibc, and SHA-256
// (see sha256.c).
#ifndef CDSCFLOW_SUPPORT_H
#define CDSCFLOW_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Monotonic clock in nanoseconds (CLOCK_MONOTONIC). Never allocates.
uint64_t dsc_monotonic_ns(void);

/// A file open for reading (see dsc_file_open).
typedef struct dsc_file dsc_file;

/// Opens a regular file for reading: `*out` receives the file (close it with dsc_file_close) and
/// `*size` its size in bytes, both taken from the one open file (no race between a size and a read).
/// Returns 0 on success, otherwise an errno value (EISDIR for a directory, EINVAL for anything that
/// is not a regular file: a FIFO or a device would never end). Nothing is read yet.
int dsc_file_open(const char *path, dsc_file **out, uint64_t *size);

/// Reads exactly `size` bytes from the file's current position into `buffer`. Returns 0 on
/// success, -1 if the file ends first, otherwise an errno value.
int dsc_file_read_exact(dsc_file *file, void *buffer, uint64_t size);

/// Closes a file from dsc_file_open; NULL is ignored.
void dsc_file_close(dsc_file *file);

/// `size` bytes (0 is allowed) aligned to `alignment` (a power of two, at least sizeof(void *)),
/// zero-filled when `zeroed` is not 0, or NULL when the memory is not available: allocation that
/// reports failure instead of trapping, for every size a file or a caller decides. Free with
/// dsc_aligned_free (it is the C heap's: free(3), and Swift's deallocate(), which calls it, free it too).
void *dsc_aligned_alloc(size_t size, size_t alignment, int zeroed);

/// Frees memory from dsc_aligned_alloc; NULL is ignored.
void dsc_aligned_free(void *pointer);

/// Writes `size` bytes to the file at `path` (created or truncated). 0 on success, else errno.
int dsc_file_write(const char *path, const void *buffer, uint64_t size);

/// Text of an errno value (strerror), or of -1 from dsc_file_read_exact; never NULL.
const char *dsc_strerror(int code);

/// The C library's exp(x) in double precision (what numpy's float64 scalars and Python's
/// math.exp use on the hosts DSCFlow reproduces), for bit-exact host-side decoders.
double dsc_exp(double x);

/// SHA-256 (FIPS 180-4) of `size` bytes at `data` (NULL allowed when `size` is 0) into `digest`.
void dsc_sha256(const void *data, size_t size, uint8_t digest[32]);

#ifdef __cplusplus
}
#endif

#endif
