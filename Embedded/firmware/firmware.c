/*
 * DSCFlow's bare-metal firmware: one model in flash, one static arena, the C API of the Embedded Swift
 * build. Runs on QEMU's mps2-an500 (Cortex-M7) with semihosting, which carries its arguments and files:
 *
 *   input=PATH     raw bytes of the model's input tensor (read into the session's input buffer)
 *   output=PATH    where the output tensor's bytes are written
 *   runs=N         inferences to run (default 1; the instruction count is reported per inference)
 *   heap-trap      after sealing the heap, load the model again: the heap guard must stop the program
 *                  with HEAP_GUARD_EXIT_CODE (proves the guard is live, so its silence proves something)
 *   calibrate      time a loop of exactly 2,000,003 instructions and print its count as measured: checks
 *                  that a timer tick is PLATFORM_NS_PER_TICK instructions under -icount shift=0
 *
 * Built twice by Embedded/embedded.mk: first with FIRMWARE_ARENA_BYTES=0, which only plans (prints the
 * arena the planner asks for, start-up heap included), then with the arena that run printed.
 * FIRMWARE_FLAGS: the session flags (kernel path). The model is the linker's dsc_model_data array.
 */
#include <dscflow.h>

#include <semihost.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heap_guard.h"
#include "platform.h"

#ifndef FIRMWARE_ARENA_BYTES
#define FIRMWARE_ARENA_BYTES 0
#endif
#ifndef FIRMWARE_FLAGS
#define FIRMWARE_FLAGS 0u
#endif
/* Painted into the unused stack to find its high-water mark. */
#define STACK_PAINT 0x5AC5A5C5u

extern const unsigned char dsc_model_data[];
extern const unsigned char dsc_model_data_end[];
/* picolibc.ld: the stack's top and its size (set with --defsym=__stack_size=...). */
extern uint32_t __stack[];
extern char __stack_size[];

#if FIRMWARE_ARENA_BYTES > 0
static unsigned char arena[FIRMWARE_ARENA_BYTES] __attribute__((aligned(64)));
#else
static unsigned char arena[1]; /* the planning build has no arena */
#endif

static void finish(int code) { sys_semihost_exit_extended((uintptr_t)code); }

static void fail(const char *what, int status) {
    printf("firmware: %s failed: %s (%s)\n", what, dsc_last_error(), dsc_status_name(status));
    finish(1);
}

/* The value of `key=` among the semihosting arguments, or NULL. */
static const char *argument(char *const *args, int count, const char *key) {
    size_t n = strlen(key);
    for (int i = 0; i < count; i++)
        if (strncmp(args[i], key, n) == 0 && args[i][n] == '=') return args[i] + n + 1;
    return NULL;
}

static int has_flag(char *const *args, int count, const char *flag) {
    for (int i = 0; i < count; i++)
        if (strcmp(args[i], flag) == 0) return 1;
    return 0;
}

/* Splits the semihosting command line in place into at most `capacity` words. */
static int split_arguments(char *line, char **args, int capacity) {
    int count = 0;
    for (char *p = strtok(line, " "); p != NULL && count < capacity; p = strtok(NULL, " ")) args[count++] = p;
    return count;
}

/* Reads exactly `size` bytes of a host file into `buffer` (semihosting; no heap). */
static void read_host_file(const char *path, void *buffer, size_t size) {
    int fd = sys_semihost_open(path, 1 /* "rb" */);
    if (fd < 0) {
        printf("firmware: cannot open %s\n", path);
        finish(1);
    }
    intptr_t length = sys_semihost_flen(fd);
    if (length != (intptr_t)size) {
        printf("firmware: %s has %ld bytes; the model's input needs %lu\n", path, (long)length, (unsigned long)size);
        finish(1);
    }
    if (sys_semihost_read(fd, buffer, size) != 0) { /* returns the bytes NOT read */
        printf("firmware: cannot read %s\n", path);
        finish(1);
    }
    sys_semihost_close(fd);
}

static void write_host_file(const char *path, const void *data, size_t size) {
    int fd = sys_semihost_open(path, 5 /* "wb" */);
    if (fd < 0 || sys_semihost_write(fd, data, size) != 0) {
        printf("firmware: cannot write %s\n", path);
        finish(1);
    }
    sys_semihost_close(fd);
}

/* Paints the stack below the current frame (with a margin) so that stack_used() can find how deep
 * later calls went. */
static __attribute__((noinline)) void paint_stack(void) {
    uint32_t *bottom = (uint32_t *)((char *)__stack - (uintptr_t)__stack_size);
    uint32_t *here = (uint32_t *)__builtin_frame_address(0) - 64;
    for (uint32_t *p = bottom; p < here; p++) *p = STACK_PAINT;
}

static size_t stack_used(void) {
    uint32_t *bottom = (uint32_t *)((char *)__stack - (uintptr_t)__stack_size);
    uint32_t *p = bottom;
    while (p < __stack && *p == STACK_PAINT) p++;
    return (size_t)((char *)__stack - (char *)p);
}

/* 1,000,000 iterations of `subs; bne` plus the `mov` and the final `subs; bne` pair: 2,000,003
 * instructions between the two timer reads' surrounding code. */
static __attribute__((noinline)) uint32_t timed_loop(void) {
    uint32_t t0 = platform_timer_ticks();
    __asm__ volatile("mov r0, %0\n1: subs r0, r0, #1\n bne 1b" ::"r"(1000001u) : "r0", "cc");
    return platform_timer_ticks() - t0;
}

int main(void) {
    static char line[512];
    char *args[8];
    if (sys_semihost_get_cmdline(line, sizeof line) != 0) line[0] = '\0';
    int count = split_arguments(line, args, 8);
    platform_timer_start();
    paint_stack();
    if (has_flag(args, count, "calibrate")) {
        uint32_t ticks = timed_loop();
        printf("calibrate: 2000003 instructions measured as %lu (%lu ticks)\n",
               (unsigned long)(ticks * PLATFORM_NS_PER_TICK), (unsigned long)ticks);
        finish(0);
    }

    /* Start-up: everything that may allocate happens here. */
    size_t model_size = (size_t)(dsc_model_data_end - dsc_model_data);
    dsc_model *model = NULL;
    dsc_session *session = NULL;
    int status = dsc_model_load_memory(dsc_model_data, model_size, &model);
    if (status != DSC_OK) fail("dsc_model_load_memory", status);
    size_t needed = 0;
    if ((status = dsc_model_arena_size(model, FIRMWARE_FLAGS, &needed)) != DSC_OK) fail("dsc_model_arena_size", status);
    if (FIRMWARE_ARENA_BYTES == 0) {
        /* The planning build: report what the planner asks for and stop. */
        heap_guard_stats planned = heap_guard_stats_now();
        printf("plan: arena %lu bytes, start-up heap %lu bytes so far\n", (unsigned long)needed,
               (unsigned long)planned.peak_bytes);
        finish(0);
    }
    if (needed != FIRMWARE_ARENA_BYTES) {
        printf("firmware: the planner asks for a %lu-byte arena; this image has %lu\n", (unsigned long)needed,
               (unsigned long)FIRMWARE_ARENA_BYTES);
        finish(1);
    }
    if ((status = dsc_session_create_in_arena(model, FIRMWARE_FLAGS, arena, sizeof arena, &session)) != DSC_OK)
        fail("dsc_session_create_in_arena", status);
    void *input = NULL;
    size_t input_size = 0;
    if ((status = dsc_session_input(session, 0, &input, &input_size)) != DSC_OK) fail("dsc_session_input", status);
    const char *input_path = argument(args, count, "input");
    const char *output_path = argument(args, count, "output");
    const char *runs_text = argument(args, count, "runs");
    int runs = runs_text ? atoi(runs_text) : 1;
    if (input_path == NULL || runs < 1) {
        printf("firmware: usage: input=PATH [output=PATH] [runs=N] [heap-trap]\n");
        finish(2);
    }
    heap_guard_stats startup = heap_guard_stats_now();
    size_t startup_stack = stack_used();
    heap_guard_seal();

    /* From here on the heap is sealed: any malloc, free & co. ends the program (heap_guard.c). */
    if (has_flag(args, count, "heap-trap")) {
        dsc_model *again = NULL;
        printf("heap-trap: loading the model again after the seal (must be stopped by the heap guard)\n");
        (void)dsc_model_load_memory(dsc_model_data, model_size, &again);
        printf("FAIL: the heap guard let a model load through\n");
        finish(1);
    }
    read_host_file(input_path, input, input_size);
    paint_stack();
    uint32_t ticks = 0;
    for (int run = 0; run < runs; run++) {
        uint32_t t0 = platform_timer_ticks();
        status = dsc_session_invoke(session);
        uint32_t t1 = platform_timer_ticks();
        if (status != DSC_OK) fail("dsc_session_invoke", status);
        ticks += t1 - t0;
    }
    size_t run_stack = stack_used();
    const void *output = NULL;
    size_t output_size = 0;
    if ((status = dsc_session_output(session, 0, &output, &output_size)) != DSC_OK) fail("dsc_session_output", status);
    if (output_path != NULL) write_host_file(output_path, output, output_size);
    int32_t kernels = 0;
    (void)dsc_session_kernels(session, &kernels);

    printf("model: %lu bytes in flash, loaded in place; kernels: %s\n", (unsigned long)model_size,
           kernels == DSC_KERNELS_REFERENCE ? "reference" : "portable");
    printf("start-up: %lu heap allocations, %lu frees, heap peak %lu bytes, stack %lu bytes\n",
           startup.allocations, startup.frees, (unsigned long)startup.peak_bytes, (unsigned long)startup_stack);
    printf("ram: arena %lu bytes (static), heap %lu bytes, stack high-water %lu bytes during inference\n",
           (unsigned long)FIRMWARE_ARENA_BYTES, (unsigned long)startup.peak_bytes, (unsigned long)run_stack);
    printf("inference: %d runs, %lu timer ticks each = %lu instructions each under -icount shift=0\n", runs,
           (unsigned long)(ticks / (uint32_t)runs), (unsigned long)(ticks / (uint32_t)runs * PLATFORM_NS_PER_TICK));
    printf("heap after start-up: none (sealed; any call would have stopped the program)\n");
    printf("output: %lu bytes%s%s\n", (unsigned long)output_size, output_path ? " written to " : "",
           output_path ? output_path : "");
    finish(0);
    return 0;
}
