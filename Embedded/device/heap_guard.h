/*
 * The device build's heap guard: every malloc & co. of the firmware (the Swift runtime's object and
 * buffer allocations, the C API's strings) goes through these wrappers (linked with
 * -Wl,--wrap=malloc,...). During start-up they count and pass through to picolibc's allocator; once
 * heap_guard_seal() is called, any heap call reports itself and ends the program with
 * HEAP_GUARD_EXIT_CODE: the proof that inference allocates nothing.
 */
#ifndef DSCFLOW_HEAP_GUARD_H
#define DSCFLOW_HEAP_GUARD_H

#include <stddef.h>

/** The exit code of a program that touched the heap after heap_guard_seal(). */
#define HEAP_GUARD_EXIT_CODE 86

typedef struct heap_guard_stats {
    unsigned long allocations; /* malloc, calloc, realloc, memalign calls that returned memory */
    unsigned long frees;       /* free calls with a non-NULL pointer */
    size_t peak_bytes;         /* the heap's high-water mark: bytes between its start and its furthest end */
} heap_guard_stats;

/** From now on any heap call fails the program. */
void heap_guard_seal(void);

/** What start-up did with the heap so far. */
heap_guard_stats heap_guard_stats_now(void);

#endif
