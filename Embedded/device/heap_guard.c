/* See heap_guard.h. Single-threaded (the device build runs one thread and no allocating interrupts). */
#include "heap_guard.h"

#include <semihost.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

void *__real_malloc(size_t size);
void *__real_calloc(size_t count, size_t size);
void *__real_realloc(void *pointer, size_t size);
void __real_free(void *pointer);
int __real_posix_memalign(void **out, size_t alignment, size_t size);
void *__real_aligned_alloc(size_t alignment, size_t size);
void *__real_memalign(size_t alignment, size_t size);

/* The heap picolibc's sbrk hands out (picolibc.ld: from the end of .bss up to the stack). */
extern char __heap_start[];

static int sealed;
static heap_guard_stats stats;

void heap_guard_seal(void) { sealed = 1; }

heap_guard_stats heap_guard_stats_now(void) { return stats; }

/* A heap call after start-up: say which, then stop (semihosting exit, no heap needed to report). */
static void refuse(const char *what, size_t size) {
    char line[96];
    snprintf(line, sizeof line, "FAIL: heap call after start-up: %s(%lu)\n", what, (unsigned long)size);
    sys_semihost_write0(line);
    sys_semihost_exit_extended(HEAP_GUARD_EXIT_CODE);
}

static void *note(void *p, size_t size) {
    if (p != NULL) {
        stats.allocations++;
        uintptr_t end = (uintptr_t)p + size;
        if (end > (uintptr_t)__heap_start && end - (uintptr_t)__heap_start > stats.peak_bytes)
            stats.peak_bytes = end - (uintptr_t)__heap_start;
    }
    return p;
}

void *__wrap_malloc(size_t size) {
    if (sealed) refuse("malloc", size);
    return note(__real_malloc(size), size);
}

void *__wrap_calloc(size_t count, size_t size) {
    if (sealed) refuse("calloc", size);
    return note(__real_calloc(count, size), count * size);
}

void *__wrap_realloc(void *pointer, size_t size) {
    if (sealed) refuse("realloc", size);
    return note(__real_realloc(pointer, size), size);
}

void __wrap_free(void *pointer) {
    if (pointer == NULL) return;
    if (sealed) refuse("free", 0);
    stats.frees++;
    __real_free(pointer);
}

int __wrap_posix_memalign(void **out, size_t alignment, size_t size) {
    if (sealed) refuse("posix_memalign", size);
    int rc = __real_posix_memalign(out, alignment, size);
    if (rc == 0) note(*out, size);
    return rc;
}

void *__wrap_aligned_alloc(size_t alignment, size_t size) {
    if (sealed) refuse("aligned_alloc", size);
    return note(__real_aligned_alloc(alignment, size), size);
}

void *__wrap_memalign(size_t alignment, size_t size) {
    if (sealed) refuse("memalign", size);
    return note(__real_memalign(alignment, size), size);
}
