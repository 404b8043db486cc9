#define _POSIX_C_SOURCE 200809L
#include "dscflow_capi_shims.h"

#include <stdlib.h>
#include <string.h>

// One message per thread, so dsc_last_error() is thread-safe without locks or allocation.
static _Thread_local char last_error[1024];

void dsc_capi_set_error(const char *message) {
    if (message == NULL) message = "";
    size_t n = strlen(message);
    if (n >= sizeof last_error) {
        n = sizeof last_error - 1;
        // Do not cut a UTF-8 sequence in half: back up over continuation bytes (10xxxxxx).
        while (n > 0 && ((unsigned char)message[n] & 0xC0) == 0x80) n--;
    }
    memcpy(last_error, message, n);
    last_error[n] = '\0';
}

const char *dsc_capi_error(void) {
    return last_error;
}

void *dsc_capi_aligned_alloc(size_t size, size_t alignment) {
    void *p = NULL;
    if (size == 0) size = 1;
    if (posix_memalign(&p, alignment, size) != 0) return NULL;
    memset(p, 0, size);
    return p;
}

void dsc_capi_free(void *pointer) {
    free(pointer);
}
