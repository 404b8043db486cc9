/* See malloc_counter.h. glibc exports its allocator as __libc_malloc & co., so the shim needs neither
 * dlsym (which itself allocates) nor LD_PRELOAD. Single-threaded use; counters are plain. */
#include "malloc_counter.h"

#include <stdint.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *pointer, size_t size);
extern void __libc_free(void *pointer);
extern void *__libc_memalign(size_t alignment, size_t size);
extern void *__libc_valloc(size_t size);
extern void *__libc_pvalloc(size_t size);

static volatile int counting;
static malloc_counts counts;

static void note_allocation(size_t size) {
    if (counting) {
        counts.allocations++;
        counts.bytes += size;
    }
}

void malloc_counter_start(void) {
    malloc_counts zero = {0, 0, 0};
    counts = zero;
    counting = 1;
}

malloc_counts malloc_counter_stop(void) {
    counting = 0;
    return counts;
}

void *malloc(size_t size) {
    note_allocation(size);
    return __libc_malloc(size);
}

void *calloc(size_t count, size_t size) {
    note_allocation(size && count > SIZE_MAX / size ? SIZE_MAX : count * size);
    return __libc_calloc(count, size);
}

void *realloc(void *pointer, size_t size) {
    note_allocation(size);
    return __libc_realloc(pointer, size);
}

void free(void *pointer) {
    if (pointer && counting) counts.frees++;
    __libc_free(pointer);
}

void *memalign(size_t alignment, size_t size) {
    note_allocation(size);
    return __libc_memalign(alignment, size);
}

void *aligned_alloc(size_t alignment, size_t size) {
    note_allocation(size);
    return __libc_memalign(alignment, size);
}

int posix_memalign(void **out, size_t alignment, size_t size) {
    note_allocation(size);
    if (alignment < sizeof(void *) || (alignment & (alignment - 1)) != 0) return 22; /* EINVAL */
    void *p = __libc_memalign(alignment, size);
    if (!p) return 12; /* ENOMEM */
    *out = p;
    return 0;
}

void *valloc(size_t size) {
    note_allocation(size);
    return __libc_valloc(size);
}

void *pvalloc(size_t size) {
    note_allocation(size);
    return __libc_pvalloc(size);
}
