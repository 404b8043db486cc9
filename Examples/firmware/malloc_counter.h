/* A malloc-counting shim for the firmware host: defines malloc and friends in the executable, which
 * the dynamic linker binds for every library in the process (libdscflow.so, libswiftCore.so,
 * libstdc++), and forwards to glibc's implementation. Counting starts at malloc_counter_start(). */
#ifndef MALLOC_COUNTER_H
#define MALLOC_COUNTER_H

#include <stddef.h>

/** Heap calls seen while counting. */
typedef struct malloc_counts {
    unsigned long allocations; /* malloc, calloc, realloc, posix_memalign, aligned_alloc, memalign, valloc, pvalloc */
    unsigned long frees;       /* free of a non-NULL pointer */
    size_t bytes;              /* bytes requested by the allocations */
} malloc_counts;

/** Zeroes the counts and starts counting. */
void malloc_counter_start(void);
/** Stops counting and returns what was seen since malloc_counter_start(). */
malloc_counts malloc_counter_stop(void);

#endif
