#define _POSIX_C_SOURCE 200809L
#include "CDSCFlowSupport.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

uint64_t dsc_monotonic_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int dsc_file_size(const char *path, uint64_t *size) {
    struct stat st;
    if (path == NULL || size == NULL) return EINVAL;
    if (stat(path, &st) != 0) return errno;
    if (S_ISDIR(st.st_mode)) return EISDIR;
    if (!S_ISREG(st.st_mode)) return EINVAL;
    *size = (uint64_t)st.st_size;
    return 0;
}

int dsc_file_read(const char *path, void *buffer, uint64_t size) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) return errno;
    size_t got = size > 0 ? fread(buffer, 1, (size_t)size, f) : 0;
    int err = ferror(f) ? (errno ? errno : EIO) : 0;
    fclose(f);
    if (err) return err;
    return got == size ? 0 : -1;
}

int dsc_file_write(const char *path, const void *buffer, uint64_t size) {
    FILE *f = fopen(path, "wb");
    if (f == NULL) return errno;
    size_t put = size > 0 ? fwrite(buffer, 1, (size_t)size, f) : 0;
    int err = (put != size) ? (errno ? errno : EIO) : 0;
    if (fclose(f) != 0 && err == 0) err = errno ? errno : EIO;
    return err;
}

const char *dsc_strerror(int code) {
    if (code == -1) return "file is shorter than expected";
    const char *s = strerror(code);
    return s ? s : "unknown error";
}

double dsc_exp(double x) {
    return exp(x);
}
