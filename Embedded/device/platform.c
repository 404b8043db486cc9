/* See platform.h. Every function the core's C modules declare and the hosted build implements with
 * the OS is here, for one thread and no file system. */
#include "platform.h"

#include <CDSCFlowSIMD.h>
#include <CDSCFlowSupport.h>
#include <errno.h>
#include <math.h>
#include <semihost.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* ---- the board's timer: CMSDK APB dual timer, timer 1 (QEMU mps2-an500: 0x40002000, 25 MHz) ---- */

#define DUALTIMER1_LOAD (*(volatile uint32_t *)0x40002000u)
#define DUALTIMER1_VALUE (*(volatile uint32_t *)0x40002004u)
#define DUALTIMER1_CONTROL (*(volatile uint32_t *)0x40002008u)
#define DUALTIMER_ENABLE (1u << 7)
#define DUALTIMER_32BIT (1u << 1)

void platform_timer_start(void) {
    DUALTIMER1_CONTROL = 0;
    DUALTIMER1_LOAD = 0xFFFFFFFFu;
    /* Free-running (not periodic), no prescaler, 32-bit, no interrupt: counts down and wraps. */
    DUALTIMER1_CONTROL = DUALTIMER_ENABLE | DUALTIMER_32BIT;
}

uint32_t platform_timer_ticks(void) { return 0xFFFFFFFFu - DUALTIMER1_VALUE; }

/* ---- CDSCFlowSupport ---- */

uint64_t dsc_monotonic_ns(void) { return (uint64_t)platform_timer_ticks() * PLATFORM_NS_PER_TICK; }

/* No file system on the device: models come from flash (dsc_model_load_memory). */
int dsc_file_size(const char *path, uint64_t *size) {
    (void)path;
    (void)size;
    return ENOSYS;
}

int dsc_file_read(const char *path, void *buffer, uint64_t size) {
    (void)path;
    (void)buffer;
    (void)size;
    return ENOSYS;
}

int dsc_file_write(const char *path, const void *buffer, uint64_t size) {
    (void)path;
    (void)buffer;
    (void)size;
    return ENOSYS;
}

const char *dsc_strerror(int code) {
    if (code == ENOSYS) return "this device has no file system";
    if (code == -1) return "file is shorter than expected";
    const char *s = strerror(code);
    return s ? s : "unknown error";
}

double dsc_exp(double x) { return exp(x); }

/* ---- CDSCFlowSIMD's threads: one thread ---- */

/* With one thread and nothing calling the library from interrupts, waiting on a semaphore never
 * blocks; the model handle's lock (the only user on the device) is this object. */
struct dscsimd_semaphore {
    int unused;
};
static dscsimd_semaphore single_thread_semaphore;

dscsimd_semaphore *dscsimd_semaphore_create(uint32_t value) {
    (void)value;
    return &single_thread_semaphore;
}

void dscsimd_semaphore_wait(dscsimd_semaphore *s) { (void)s; }

void dscsimd_semaphore_signal(dscsimd_semaphore *s) { (void)s; }

void dscsimd_semaphore_destroy(dscsimd_semaphore *s) { (void)s; }

int dscsimd_thread_spawn(void (*body)(void *), void *context, uint64_t *handle) {
    (void)body;
    (void)context;
    (void)handle;
    return ENOSYS;
}

int dscsimd_thread_join(uint64_t handle) {
    (void)handle;
    return ENOSYS;
}

/* Sessions with more than one thread are refused (Session: "could not start ... worker threads"). */
dscsimd_workers *dscsimd_workers_create(int32_t threads) {
    (void)threads;
    return NULL;
}

void dscsimd_workers_destroy(dscsimd_workers *w) { (void)w; }

void dscsimd_workers_run(dscsimd_workers *w, const dscsimd_op *op, uint8_t *const *scratch) {
    (void)w;
    (void)scratch;
    dscsimd_execute(op);
}

/* ---- the Swift runtime ---- */

/* Embedded Swift seeds Hasher (Dictionary, Set) from arc4random_buf. Nothing on the device depends
 * on unpredictable hashing (models are trusted flash contents and iteration order never reaches an
 * output), so a fixed xorshift stream serves, and keeps runs reproducible. */
void arc4random_buf(void *buffer, size_t count) {
    static uint32_t state = 0x9E3779B9u;
    unsigned char *p = buffer;
    for (size_t i = 0; i < count; i++) {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        p[i] = (unsigned char)state;
    }
}

/* The ARM EHABI personality routine the prebuilt Unicode tables (C++) name in their unwind entries.
 * Nothing on the device throws C++ exceptions, so it is never called; defining it keeps libgcc's
 * unwinder (2.5 KB) out of the image. */
void __aeabi_unwind_cpp_pr0(void);
void __aeabi_unwind_cpp_pr0(void) { abort(); }

/* A Swift trap (overflow, bounds: `udf`), a bad access or any other fault ends the program with a
 * message and exit code 70 instead of QEMU spinning in picolibc's default handler. */
static void fault(void) {
    sys_semihost_write0("FAIL: processor fault (a Swift trap or an invalid access)\n");
    sys_semihost_exit_extended(70);
}

void arm_hardfault_isr(void) { fault(); }
void arm_usagefault_isr(void) { fault(); }
void arm_busfault_isr(void) { fault(); }
void arm_memmanage_isr(void) { fault(); }
