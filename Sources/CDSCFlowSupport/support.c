#define _POSIX_C_SOURCE 200809L
#include "CDSCFlowSupport.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

uint64_t dsc_monotonic_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

struct dsc_file {
    int fd;
};

int dsc_file_open(const char *path, dsc_file **out, uint64_t *size) {
    if (path == NULL || out == NULL || size == NULL) return EINVAL;
    int fd;
    do { fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK); /* a FIFO must not block the open */ } while (fd < 0 && errno == EINTR);
    if (fd < 0) return errno;
    struct stat st;
    int err = 0;
    if (fstat(fd, &st) != 0) err = errno;
    else if (S_ISDIR(st.st_mode)) err = EISDIR;
    else if (!S_ISREG(st.st_mode) || st.st_size < 0) err = EINVAL;
    dsc_file *f = err ? NULL : malloc(sizeof *f);
    if (!err && f == NULL) err = ENOMEM;
    if (err) {
        close(fd);
        return err;
    }
    f->fd = fd;
    *out = f;
    *size = (uint64_t)st.st_size;
    return 0;
}

int dsc_file_read_exact(dsc_file *f, void *buffer, uint64_t size) {
    if (f == NULL || (buffer == NULL && size > 0)) return EINVAL;
    unsigned char *p = buffer;
    while (size > 0) {
        size_t chunk = size > (1u << 30) ? (1u << 30) : (size_t)size;
        ssize_t got = read(f->fd, p, chunk);
        if (got < 0) {
            if (errno == EINTR) continue;
            return errno ? errno : EIO;
        }
        if (got == 0) return -1;
        p += got;
        size -= (uint64_t)got;
    }
    return 0;
}

void dsc_file_close(dsc_file *f) {
    if (f == NULL) return;
    close(f->fd);
    free(f);
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
    if (code == -1) return "file is shorter than expected (changed while it was read?)";
    const char *s = strerror(code);
    return s ? s : "unknown error";
}

double dsc_exp(double x) {
    return exp(x);
}
