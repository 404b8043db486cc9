// Test-only C support: counts the process's heap allocations, by interposing malloc or, under a
// sanitizer, through the sanitizer's allocation hook.
#ifndef CDSCFLOW_TEST_SUPPORT_H
#define CDSCFLOW_TEST_SUPPORT_H

/// Starts (1) or stops (0) counting heap allocations of every thread.
void dsc_test_count_allocations(int on);

/// Allocations (malloc, calloc, realloc, posix_memalign, aligned_alloc, memalign) made by any thread
/// while counting was on, since the last `dsc_test_reset_allocation_count`.
long dsc_test_allocation_count(void);

/// Sets the count to 0.
void dsc_test_reset_allocation_count(void);

/// 1 if allocations are counted at all (a malloc made here was seen), by either mechanism.
int dsc_test_allocation_counting_works(void);

/// 1 when the count comes from interposed malloc (a normal build), 0 from a sanitizer's hook.
int dsc_test_allocations_interposed(void);

#endif
