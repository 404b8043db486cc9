// The library's fallible aligned allocations, on the C heap. Built by the hosted package and, on its own,
// by the device firmware (Embedded/embedded.mk), whose heap guard seals the heap after start-up.
#define _POSIX_C_SOURCE 200809L
#include "CDSCFlowSupport.h"

#include <stdlib.h>
#include <string.h>

void *dsc_aligned_alloc(size_t size, size_t alignment, int zeroed) {
    void *p = NULL;
    if (alignment < sizeof(void *) || (alignment & (alignment - 1)) != 0) return NULL;
    if (posix_memalign(&p, alignment, size > 0 ? size : 1) != 0) return NULL;
    if (zeroed) memset(p, 0, size);
    return p;
}

void dsc_aligned_free(void *pointer) {
    free(pointer);
}
