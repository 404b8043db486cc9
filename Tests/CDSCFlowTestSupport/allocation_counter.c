// Counts the process's heap allocations (every thread's: a session's worker threads included) while
// counting is on.
//
// Normally the test executable defines malloc & co.; the dynamic linker binds every library's calls
// (libswiftCore, libc, DSCFlow) to these, which count and forward to glibc's implementation. Under a
// sanitizer (ASan, TSan) the sanitizer runtime owns malloc, and a second definition here would crash
// before main: then nothing is interposed, and the sanitizer's allocation hook counts instead.
#include "CDSCFlowTestSupport.h"
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define DSC_TEST_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define DSC_TEST_SANITIZED 1
#endif

static atomic_int counting;
static atomic_long count;

void dsc_test_count_allocations(int on) { atomic_store(&counting, on); }
long dsc_test_allocation_count(void) { return atomic_load(&count); }
void dsc_test_reset_allocation_count(void) { atomic_store(&count, 0); }

static inline void counted(void) {
    if (atomic_load_explicit(&counting, memory_order_relaxed)) atomic_fetch_add_explicit(&count, 1, memory_order_relaxed);
}

#ifdef DSC_TEST_SANITIZED
#include <sanitizer/allocator_interface.h>

static void on_malloc(const volatile void *p, size_t n) {
    (void)p;
    (void)n;
    counted();
}

static void on_free(const volatile void *p) { (void)p; }

__attribute__((constructor)) static void install_hooks(void) {
    __sanitizer_install_malloc_and_free_hooks(on_malloc, on_free);
}

int dsc_test_allocations_interposed(void) { return 0; }

// The tests provoke allocations larger than memory (a terabyte model file) and expect a NULL from
// malloc, as without a sanitizer, rather than the sanitizer's abort.
const char *__asan_default_options(void) { return "allocator_may_return_null=1"; }
const char *__tsan_default_options(void) { return "allocator_may_return_null=1"; }
#else
#include <errno.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

void *malloc(size_t n) {
    counted();
    return __libc_malloc(n);
}

void *calloc(size_t n, size_t size) {
    counted();
    return __libc_calloc(n, size);
}

void *realloc(void *p, size_t n) {
    counted();
    return __libc_realloc(p, n);
}

void *memalign(size_t alignment, size_t n) {
    counted();
    return __libc_memalign(alignment, n);
}

void *aligned_alloc(size_t alignment, size_t n) {
    counted();
    return __libc_memalign(alignment, n);
}

int posix_memalign(void **out, size_t alignment, size_t n) {
    counted();
    if (alignment < sizeof(void *) || (alignment & (alignment - 1)) != 0) return EINVAL;
    void *p = __libc_memalign(alignment, n);
    if (!p) return ENOMEM;
    *out = p;
    return 0;
}

int dsc_test_allocations_interposed(void) { return 1; }
#endif

int dsc_test_allocation_counting_works(void) {
    int was = atomic_exchange(&counting, 1);
    long before = atomic_load(&count);
    void *volatile p = malloc(24);
    long seen = atomic_load(&count) - before;
    atomic_store(&counting, was);
    free(p);
    atomic_fetch_sub(&count, seen);
    return seen >= 1;
}
