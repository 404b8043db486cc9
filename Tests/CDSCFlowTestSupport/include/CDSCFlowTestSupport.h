// Test-only C support: counts heap allocations of the calling thread by interposing malloc & co.
#ifndef CDSCFLOW_TEST_SUPPORT_H
#define CDSCFLOW_TEST_SUPPORT_H

/// Starts (1) or stops (0) counting the calling thread's heap allocations.
void dsc_test_count_allocations(int on);

/// Allocations (malloc, calloc, realloc, posix_memalign, aligned_alloc, memalign) the calling thread
/// made while counting was on, since the last `dsc_test_reset_allocation_count`.
long dsc_test_allocation_count(void);

/// Sets the count to 0.
void dsc_test_reset_allocation_count(void);

/// 1 if the interposed allocator is the one the process uses (a malloc made here was counted).
int dsc_test_allocation_counting_works(void);

#endif
