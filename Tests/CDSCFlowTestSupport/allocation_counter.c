// The test executable defines malloc & co.; the dynamic linker binds every library's calls
// (libswiftCore, libc, DSCFlow) to these, which count and forward to glibc's implementation.
#include "CDSCFlowTestSupport.h"
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

static __thread int counting;
static __thread long count;

void dsc_test_count_allocations(int on) { counting = on; }
long dsc_test_allocation_count(void) { return count; }
void dsc_test_reset_allocation_count(void) { count = 0; }

void *malloc(size_t n) {
    if (counting) count++;
    return __libc_malloc(n);
}

void *calloc(size_t n, size_t size) {
    if (counting) count++;
    return __libc_calloc(n, size);
}

void *realloc(void *p, size_t n) {
    if (counting) count++;
    return __libc_realloc(p, n);
}

void *memalign(size_t alignment, size_t n) {
    if (counting) count++;
    return __libc_memalign(alignment, n);
}

void *aligned_alloc(size_t alignment, size_t n) {
    if (counting) count++;
    return __libc_memalign(alignment, n);
}

int posix_memalign(void **out, size_t alignment, size_t n) {
    if (counting) count++;
    if (alignment < sizeof(void *) || (alignment & (alignment - 1)) != 0) return EINVAL;
    void *p = __libc_memalign(alignment, n);
    if (!p) return ENOMEM;
    *out = p;
    return 0;
}

int dsc_test_allocation_counting_works(void) {
    int was = counting;
    long before = count;
    counting = 1;
    void *volatile p = malloc(24);
    counting = was;
    free(p);
    long seen = count - before;
    count = before;
    return seen == 1;
}
