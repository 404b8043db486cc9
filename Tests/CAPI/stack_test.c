/*
 * stack_test [--measure-only] [--limit BYTES] MODEL...: how much of the calling thread's stack DSCFlow uses, per model and
 * kernel path (make test-capi; the figures in docs/HARDENING.md come from its output).
 *
 * Measured: a thread runs on a stack this program allocates and fills with a pattern; afterwards the
 * deepest byte that changed gives the bytes the call used (above what an empty thread uses, which is
 * subtracted). Three things per model and path: dsc_session_create_ex, the first dsc_session_run, a
 * later dsc_session_run.
 * Checked: every run uses at most --limit bytes (default 16384 minus the empty thread's use), and a run
 * on a thread made with pthread_attr_setstacksize(16384), the smallest stack POSIX threads take on
 * x86-64 Linux, completes and gives the same bytes as on the main thread (a stack overflow there
 * would kill the test with SIGSEGV). --measure-only prints the figures and checks nothing.
 */
#define _GNU_SOURCE
#include <dscflow.h>

#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define MEASURE_STACK (1u << 20)
#define SMALL_STACK 16384u
#define PATTERN 0xA5

static int failures;

typedef struct {
    int what; /* 0: nothing, 1: create, 2: run */
    dsc_model *model;
    uint32_t flags;
    dsc_session *session;
    const unsigned char *input;
    size_t in_size;
    unsigned char *output;
    size_t out_size;
    int status;
} job;

static void *work(void *arg) {
    job *j = arg;
    if (j->what == 1) j->status = dsc_session_create_ex(j->model, j->flags, &j->session);
    if (j->what == 2) j->status = dsc_session_run(j->session, j->input, j->in_size, j->output, j->out_size);
    return NULL;
}

/* Runs `j` on a fresh patterned stack; returns the bytes of it that were touched. */
static size_t measured(job *j) {
    unsigned char *stack = mmap(NULL, MEASURE_STACK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (stack == MAP_FAILED) { perror("mmap"); exit(2); }
    memset(stack, PATTERN, MEASURE_STACK);
    pthread_attr_t attr;
    pthread_t t;
    pthread_attr_init(&attr);
    pthread_attr_setstack(&attr, stack, MEASURE_STACK);
    if (pthread_create(&t, &attr, work, j) != 0) { perror("pthread_create"); exit(2); }
    pthread_join(t, NULL);
    pthread_attr_destroy(&attr);
    size_t untouched = 0;
    while (untouched < MEASURE_STACK && stack[untouched] == PATTERN) untouched++;
    munmap(stack, MEASURE_STACK);
    return MEASURE_STACK - untouched;
}

/* Runs `j` on a thread whose stack pthread_attr_setstacksize made SMALL_STACK bytes. */
static int on_small_stack(job *j) {
    pthread_attr_t attr;
    pthread_t t;
    pthread_attr_init(&attr);
    if (pthread_attr_setstacksize(&attr, SMALL_STACK) != 0) { printf("stack_test: cannot ask for a %u-byte stack\n", SMALL_STACK); return 0; }
    if (pthread_create(&t, &attr, work, j) != 0) { perror("pthread_create"); exit(2); }
    pthread_join(t, NULL);
    pthread_attr_destroy(&attr);
    return 1;
}

static const char *const paths[] = {"auto", "reference", "portable", "avx2", "avxvnni", "avx512vnni"};

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    long limit = -1;
    int first = 1, check = 1;
    if (argc > first && strcmp(argv[first], "--measure-only") == 0) { check = 0; first++; }
    if (argc > first + 1 && strcmp(argv[first], "--limit") == 0) { limit = atol(argv[first + 1]); first += 2; }
    job empty = {0};
    size_t base = measured(&empty);
    if (limit < 0) limit = (long)SMALL_STACK - (long)base;
    printf("stack_test: an empty thread uses %zu bytes of its stack (TLS and thread start); limit for a run: %ld bytes\n",
           base, limit);
    printf("%-28s %-11s %10s %10s %10s\n", "model", "path", "create", "first run", "run");
    for (int a = first; a < argc; a++) {
        dsc_model *m = NULL;
        if (dsc_model_load_file(argv[a], &m) != DSC_OK) { printf("FAIL %s: %s\n", argv[a], dsc_last_error()); failures++; continue; }
        size_t inputs = 0, outputs = 0;
        dsc_model_input_count(m, &inputs);
        dsc_model_output_count(m, &outputs);
        dsc_tensor_info ti, to;
        if (inputs != 1 || outputs != 1 || dsc_model_input(m, 0, &ti) != DSC_OK || dsc_model_output(m, 0, &to) != DSC_OK) {
            printf("stack_test: skip %s: not one input and one output\n", argv[a]);
            dsc_model_free(m);
            continue;
        }
        unsigned char *in = malloc(ti.byte_size), *expected = malloc(to.byte_size), *got = malloc(to.byte_size);
        for (size_t i = 0; i < ti.byte_size; i++) in[i] = (unsigned char)(i * 131u + (i >> 7));
        const char *name = strrchr(argv[a], '/');
        name = name ? name + 1 : argv[a];
        if (strcmp(name, "model.tflite") == 0) { /* a fixture: name it by its directory */
            const char *end = name - 1, *start = end;
            while (start > argv[a] && start[-1] != '/') start--;
            static char dir[256];
            snprintf(dir, sizeof dir, "%.*s", (int)(end - start), start);
            name = dir;
        }
        for (int k = 1; k <= DSC_KERNELS_AVX512VNNI; k++) {
            uint32_t flags = DSC_SESSION_KERNELS(k);
            job c = {1, m, flags, NULL, NULL, 0, NULL, 0, 0};
            size_t create = measured(&c) - base;
            if (c.status == DSC_ERR_UNSUPPORTED) continue; /* this CPU lacks the path */
            if (c.status != DSC_OK) { printf("FAIL %s %s: create: %s\n", name, paths[k], dsc_last_error()); failures++; continue; }
            job r = {2, m, flags, c.session, in, ti.byte_size, expected, to.byte_size, 0};
            size_t run1 = measured(&r) - base;
            size_t run2 = measured(&r) - base;
            int ok = r.status == DSC_OK;
            size_t run = run1 > run2 ? run1 : run2;
            if (!check) {
                printf("%-28s %-11s %10zu %10zu %10zu\n", name, paths[k], create, run1, run2);
                dsc_session_free(c.session);
                continue;
            }
            memset(got, 0, to.byte_size);
            job s = {2, m, flags, c.session, in, ti.byte_size, got, to.byte_size, -99};
            if (ok && on_small_stack(&s)) ok = s.status == DSC_OK && memcmp(got, expected, to.byte_size) == 0;
            printf("%-28s %-11s %10zu %10zu %10zu%s\n", name, paths[k], create, run1, run2,
                   !ok ? "  FAIL: the run on a 16 KiB stack failed or differs" : (long)run > limit ? "  FAIL: above the limit" : "");
            if (!ok || (long)run > limit) failures++;
            dsc_session_free(c.session);
        }
        free(in);
        free(expected);
        free(got);
        dsc_model_free(m);
    }
    printf("stack_test: %d failures\n", failures);
    return failures == 0 ? 0 : 1;
}
