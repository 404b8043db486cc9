/*
 * capi_test MODEL...: tests of DSCFlow's C surface (make test-capi).
 *
 * Without models: NULL in every pointer argument, status codes and names, messages, load errors.
 * For each MODEL (a .tflite file): info, sizes, every session kind and flag, wrong sizes and states,
 * loading in place (weights borrowed, not copied) vs from a file, truncated and randomly mutated
 * models, a model freed before its session, and two threads running two sessions of one model giving
 * the same bytes as one thread.
 *
 * Not tested, because it is documented as unsafe: freeing the same session or model twice.
 */
#define _POSIX_C_SOURCE 200809L
#include <dscflow.h>

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures, checks;
/* Models on which zeroing the caller's buffer after dsc_model_load_memory changed some output. */
static int borrowing_observed;

#define CHECK(cond, ...)                                                                  \
    do {                                                                                  \
        checks++;                                                                         \
        if (!(cond)) {                                                                    \
            failures++;                                                                   \
            printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);                        \
            printf(__VA_ARGS__);                                                          \
            printf(" [last error: %s]\n", dsc_last_error());                              \
        }                                                                                 \
    } while (0)

/* A call that must return `code` and (if it is an error) leave a message containing `needle`. */
#define EXPECT_STATUS(call, code, needle)                                                 \
    do {                                                                                  \
        int status_ = (call);                                                             \
        CHECK(status_ == (code), "%s returned %s, expected %s", #call,                    \
              dsc_status_name(status_), dsc_status_name(code));                           \
        if ((code) != DSC_OK)                                                             \
            CHECK(strstr(dsc_last_error(), (needle)) != NULL, "message lacks '%s'",       \
                  (needle));                                                              \
    } while (0)

#define SENTINEL_MODEL ((dsc_model *)(uintptr_t)0x5eed)
#define SENTINEL_SESSION ((dsc_session *)(uintptr_t)0x5eed)

static unsigned char *read_file(const char *path, size_t *size) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    if (fseek(f, 0, SEEK_END) != 0) { fclose(f); return NULL; }
    long n = ftell(f);
    if (n < 0 || fseek(f, 0, SEEK_SET) != 0) { fclose(f); return NULL; }
    unsigned char *data = malloc((size_t)n + 1);
    if (data && fread(data, 1, (size_t)n, f) != (size_t)n) { free(data); data = NULL; }
    fclose(f);
    *size = (size_t)n;
    return data;
}

/* Deterministic pseudo-random bytes (xorshift32). */
static void fill(unsigned char *p, size_t n, uint32_t seed) {
    uint32_t x = seed * 2654435761u + 1u;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        p[i] = (unsigned char)x;
    }
}

static void test_library(void) {
    CHECK(dsc_version() != NULL && strcmp(dsc_version(), DSCFLOW_VERSION_STRING) == 0,
          "dsc_version() is '%s', the header says " DSCFLOW_VERSION_STRING, dsc_version());
    CHECK(dsc_last_error() != NULL, "dsc_last_error() is NULL");
    static const struct { int code; const char *name; } names[] = {
        {DSC_OK, "DSC_OK"},
        {DSC_ERR_INVALID_ARGUMENT, "DSC_ERR_INVALID_ARGUMENT"},
        {DSC_ERR_MALFORMED_MODEL, "DSC_ERR_MALFORMED_MODEL"},
        {DSC_ERR_UNSUPPORTED, "DSC_ERR_UNSUPPORTED"},
        {DSC_ERR_IO, "DSC_ERR_IO"},
        {DSC_ERR_OUT_OF_MEMORY, "DSC_ERR_OUT_OF_MEMORY"},
        {DSC_ERR_WRONG_STATE, "DSC_ERR_WRONG_STATE"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        CHECK(strcmp(dsc_status_name(names[i].code), names[i].name) == 0, "dsc_status_name(%d) is '%s'",
              names[i].code, dsc_status_name(names[i].code));
        for (size_t j = 0; j < i; j++) CHECK(names[i].code != names[j].code, "codes %zu and %zu are equal", i, j);
        if (i > 0) CHECK(names[i].code < 0, "error code %d is not negative", names[i].code);
    }
    CHECK(strcmp(dsc_status_name(1), "unknown status") == 0, "dsc_status_name(1)");
    CHECK(strcmp(dsc_type_name(DSC_TYPE_INT8), "int8") == 0 && strcmp(dsc_type_name(DSC_TYPE_UINT8), "uint8") == 0 &&
              strcmp(dsc_type_name(DSC_TYPE_INT16), "int16") == 0 && strcmp(dsc_type_name(DSC_TYPE_INT32), "int32") == 0,
          "dsc_type_name");
    CHECK(strcmp(dsc_type_name(DSC_TYPE_INT4), "int4") == 0 && strcmp(dsc_type_name(DSC_TYPE_UINT4), "uint4") == 0,
          "dsc_type_name of the 4-bit types");
    CHECK(strcmp(dsc_type_name(0), "unknown type") == 0 && strcmp(dsc_type_name(-7), "unknown type") == 0, "dsc_type_name(0)");
    CHECK(strcmp(dsc_status_name(-1000), "unknown status") == 0, "dsc_status_name(-1000)");
    CHECK(strcmp(dsc_status_name(INT32_MIN), "unknown status") == 0, "dsc_status_name(INT32_MIN)");
}

static void test_null_arguments(void) {
    dsc_model *m = SENTINEL_MODEL;
    dsc_session *s = SENTINEL_SESSION;
    unsigned char bytes[16] = {0};
    size_t n = 0;
    uint64_t u = 0;
    dsc_tensor_info t;
    dsc_op_info o;
    void *p = NULL;
    const void *cp = NULL;

    EXPECT_STATUS(dsc_model_load_file(NULL, &m), DSC_ERR_INVALID_ARGUMENT, "path");
    EXPECT_STATUS(dsc_model_load_file("model.tflite", NULL), DSC_ERR_INVALID_ARGUMENT, "out");
    EXPECT_STATUS(dsc_model_load_memory(NULL, 16, &m), DSC_ERR_INVALID_ARGUMENT, "data");
    EXPECT_STATUS(dsc_model_load_memory(bytes, sizeof bytes, NULL), DSC_ERR_INVALID_ARGUMENT, "out");
    EXPECT_STATUS(dsc_model_input_count(NULL, &n), DSC_ERR_INVALID_ARGUMENT, "model");
    EXPECT_STATUS(dsc_model_output_count(NULL, &n), DSC_ERR_INVALID_ARGUMENT, "model");
    EXPECT_STATUS(dsc_model_input(NULL, 0, &t), DSC_ERR_INVALID_ARGUMENT, "model");
    EXPECT_STATUS(dsc_model_output(NULL, 0, &t), DSC_ERR_INVALID_ARGUMENT, "model");
    EXPECT_STATUS(dsc_model_op_count(NULL, &n), DSC_ERR_INVALID_ARGUMENT, "model");
    EXPECT_STATUS(dsc_model_op_info(NULL, 0, &o), DSC_ERR_INVALID_ARGUMENT, "model");
    EXPECT_STATUS(dsc_model_macs(NULL, &u), DSC_ERR_INVALID_ARGUMENT, "model");
    EXPECT_STATUS(dsc_model_parameter_count(NULL, &u), DSC_ERR_INVALID_ARGUMENT, "model");
    EXPECT_STATUS(dsc_model_arena_size(NULL, 0, &n), DSC_ERR_INVALID_ARGUMENT, "model");
    EXPECT_STATUS(dsc_session_create(NULL, &s), DSC_ERR_INVALID_ARGUMENT, "model");
    EXPECT_STATUS(dsc_session_create_ex(NULL, 0, &s), DSC_ERR_INVALID_ARGUMENT, "model");
    EXPECT_STATUS(dsc_session_create_in_arena(NULL, 0, bytes, sizeof bytes, &s), DSC_ERR_INVALID_ARGUMENT, "model");
    EXPECT_STATUS(dsc_session_run(NULL, bytes, 1, bytes, 1), DSC_ERR_INVALID_ARGUMENT, "session");
    EXPECT_STATUS(dsc_session_input(NULL, 0, &p, &n), DSC_ERR_INVALID_ARGUMENT, "session");
    EXPECT_STATUS(dsc_session_invoke(NULL), DSC_ERR_INVALID_ARGUMENT, "session");
    EXPECT_STATUS(dsc_session_output(NULL, 0, &cp, &n), DSC_ERR_INVALID_ARGUMENT, "session");
    EXPECT_STATUS(dsc_session_op_output(NULL, 0, &cp, &n), DSC_ERR_INVALID_ARGUMENT, "session");
    EXPECT_STATUS(dsc_session_op_nanoseconds(NULL, 0, &u), DSC_ERR_INVALID_ARGUMENT, "session");
    CHECK(m == SENTINEL_MODEL && s == SENTINEL_SESSION, "a failed call wrote its output argument");
    dsc_model_free(NULL);
    dsc_session_free(NULL);
}

static void test_load_errors(const char *directory) {
    dsc_model *m = SENTINEL_MODEL;
    unsigned char garbage[256];
    fill(garbage, sizeof garbage, 7);
    EXPECT_STATUS(dsc_model_load_file("/nonexistent/dscflow/model.tflite", &m), DSC_ERR_IO, "/nonexistent/dscflow/model.tflite");
    EXPECT_STATUS(dsc_model_load_file(directory, &m), DSC_ERR_IO, directory);
    EXPECT_STATUS(dsc_model_load_memory(garbage, sizeof garbage, &m), DSC_ERR_MALFORMED_MODEL, "malformed model");
    EXPECT_STATUS(dsc_model_load_memory(garbage, 0, &m), DSC_ERR_MALFORMED_MODEL, "malformed model");
    EXPECT_STATUS(dsc_model_load_memory(garbage, SIZE_MAX, &m), DSC_ERR_INVALID_ARGUMENT, "size");
    EXPECT_STATUS(dsc_model_load_memory(garbage, (size_t)PTRDIFF_MAX + 1, &m), DSC_ERR_INVALID_ARGUMENT, "size");
    CHECK(m == SENTINEL_MODEL, "a failed load wrote *out");
    const char *before = dsc_last_error();
    CHECK(before[0] != '\0', "no message after a failure");
}

/* One model's inputs and outputs as the tests use them. */
typedef struct {
    dsc_model *model;
    size_t in_size, out_size, ops;
    int single_io;
} fixture;

static int run_once(dsc_session *s, const fixture *f, uint32_t seed, unsigned char *out) {
    unsigned char *in = malloc(f->in_size);
    if (!in) return DSC_ERR_OUT_OF_MEMORY;
    fill(in, f->in_size, seed);
    int status;
    if (f->single_io) {
        status = dsc_session_run(s, in, f->in_size, out, f->out_size);
    } else {
        /* Several inputs or outputs: write each input buffer, invoke, read output 0. */
        size_t count = 0;
        dsc_model_input_count(f->model, &count);
        status = DSC_OK;
        for (size_t i = 0; i < count && status == DSC_OK; i++) {
            void *p = NULL;
            size_t n = 0;
            status = dsc_session_input(s, i, &p, &n);
            if (status == DSC_OK) fill(p, n, seed + (uint32_t)i);
        }
        const void *o = NULL;
        size_t n = 0;
        if (status == DSC_OK) status = dsc_session_invoke(s);
        if (status == DSC_OK) status = dsc_session_output(s, 0, &o, &n);
        if (status == DSC_OK) memcpy(out, o, n);
    }
    free(in);
    return status;
}

#define THREAD_RUNS 4

typedef struct {
    const fixture *f;
    uint32_t first_seed;
    unsigned char *outputs; /* THREAD_RUNS * out_size */
    int status;
    int message_is_own;
} worker;

static void *work(void *arg) {
    worker *w = arg;
    dsc_session *s = NULL;
    w->status = dsc_session_create(w->f->model, &s);
    for (int r = 0; r < THREAD_RUNS && w->status == DSC_OK; r++)
        w->status = run_once(s, w->f, w->first_seed + (uint32_t)r, w->outputs + (size_t)r * w->f->out_size);
    /* A failure in this thread sets this thread's message only. */
    dsc_tensor_info t;
    dsc_model_input(w->f->model, (size_t)-1, &t);
    w->message_is_own = strstr(dsc_last_error(), "input index") != NULL;
    dsc_session_free(s);
    return NULL;
}

static void test_threads(const fixture *f) {
    /* One thread, two sessions run one after the other: the reference bytes. */
    unsigned char *expected = calloc(2 * THREAD_RUNS, f->out_size);
    unsigned char *got = calloc(2 * THREAD_RUNS, f->out_size);
    if (!expected || !got) { CHECK(0, "out of memory"); free(expected); free(got); return; }
    dsc_session *s = NULL;
    CHECK(dsc_session_create(f->model, &s) == DSC_OK, "create");
    for (int r = 0; r < 2 * THREAD_RUNS && s; r++)
        CHECK(run_once(s, f, 100u + (uint32_t)r, expected + (size_t)r * f->out_size) == DSC_OK, "run %d", r);
    dsc_session_free(s);

    dsc_model_op_count(NULL, NULL); /* the main thread's message: "model is NULL" */
    char main_message[256];
    snprintf(main_message, sizeof main_message, "%s", dsc_last_error());
    worker w[2] = {{f, 100u, got, -99, 0}, {f, 100u + THREAD_RUNS, got + (size_t)THREAD_RUNS * f->out_size, -99, 0}};
    pthread_t threads[2];
    int started[2];
    for (int i = 0; i < 2; i++) started[i] = pthread_create(&threads[i], NULL, work, &w[i]) == 0;
    for (int i = 0; i < 2; i++) {
        CHECK(started[i], "pthread_create");
        if (started[i]) pthread_join(threads[i], NULL);
        CHECK(w[i].status == DSC_OK, "thread %d: %s", i, dsc_status_name(w[i].status));
        CHECK(w[i].message_is_own, "thread %d did not see its own last error", i);
    }
    CHECK(memcmp(expected, got, (size_t)2 * THREAD_RUNS * f->out_size) == 0,
          "two threads running two sessions differ from one thread");
    CHECK(strcmp(main_message, dsc_last_error()) == 0, "another thread changed this thread's last error");
    free(expected);
    free(got);
}

/* Models with a few random bytes changed: every call returns a known status (a load may succeed or
 * fail; a model that loads must also create a session and run), and nothing crashes. */
static void test_mutations(const unsigned char *file, size_t size) {
    enum { MUTANTS = 60 };
    unsigned char *copy = malloc(size);
    unsigned char noise[1 + 8 * 4]; /* the flip count, then 4 bytes per flip: 3 of position, 1 of value */
    if (!copy || size == 0) { free(copy); return; }
    int loaded = 0;
    for (uint32_t k = 0; k < MUTANTS; k++) {
        memcpy(copy, file, size);
        fill(noise, sizeof noise, 1000u + k);
        int flips = 1 + noise[0] % 8;
        for (int j = 0; j < flips; j++) {
            const unsigned char *r = noise + 1 + 4 * j;
            size_t at = ((size_t)r[0] << 16 | (size_t)r[1] << 8 | r[2]) % size;
            copy[at] ^= (unsigned char)(1 + r[3] % 255);
        }
        dsc_model *m = NULL;
        int st = dsc_model_load_memory(copy, size, &m);
        CHECK(st == DSC_OK || st == DSC_ERR_MALFORMED_MODEL || st == DSC_ERR_UNSUPPORTED || st == DSC_ERR_OUT_OF_MEMORY,
              "mutant %u: load returned %d", (unsigned)k, st);
        if (st != DSC_OK) continue;
        loaded++;
        dsc_session *s = NULL;
        dsc_tensor_info in, out;
        st = dsc_session_create(m, &s);
        CHECK(st == DSC_OK || st == DSC_ERR_OUT_OF_MEMORY, "mutant %u: create returned %d", (unsigned)k, st);
        if (st == DSC_OK && dsc_model_input(m, 0, &in) == DSC_OK && dsc_model_output(m, 0, &out) == DSC_OK) {
            unsigned char *i = calloc(1, in.byte_size), *o = calloc(1, out.byte_size);
            size_t inputs = 0, outputs = 0;
            dsc_model_input_count(m, &inputs);
            dsc_model_output_count(m, &outputs);
            if (i && o && inputs == 1 && outputs == 1)
                CHECK(dsc_session_run(s, i, in.byte_size, o, out.byte_size) == DSC_OK, "mutant %u: run", (unsigned)k);
            free(i);
            free(o);
        }
        dsc_session_free(s);
        dsc_model_free(m);
    }
    printf("capi_test: %d mutants, %d loaded and ran, the rest rejected with a status\n", MUTANTS, loaded);
    free(copy);
}

/* Every operator's output of one run, concatenated, from a preserving session of `model` on the
 * reference kernels (they read the model's constants where they lie; the fast paths read packed
 * copies, which the model keeps per flags). */
static unsigned char *all_op_outputs(dsc_model *model, const fixture *f, size_t *total) {
    dsc_session *s = NULL;
    unsigned char *bytes = NULL, *out = malloc(f->out_size);
    *total = 0;
    fixture g = *f;
    g.model = model;
    if (out && dsc_session_create_ex(model, DSC_SESSION_PRESERVE_ALL_TENSORS | DSC_SESSION_KERNELS(DSC_KERNELS_REFERENCE), &s) == DSC_OK &&
        run_once(s, &g, 1, out) == DSC_OK) {
        for (size_t i = 0; i < f->ops; i++) {
            const void *p = NULL;
            size_t n = 0;
            if (dsc_session_op_output(s, i, &p, &n) != DSC_OK) break;
            unsigned char *grown = realloc(bytes, *total + n);
            if (!grown) break;
            bytes = grown;
            memcpy(bytes + *total, p, n);
            *total += n;
        }
    }
    dsc_session_free(s);
    free(out);
    return bytes;
}

/* dsc_model_load_memory borrows the weights: zeroing the caller's buffer after loading changes what
 * the operators compute, and restoring it restores the bytes. (Doing this is a contract violation
 * for users; here it is the evidence that nothing was copied.) */
static void test_weights_are_borrowed(dsc_model *in_place, const fixture *f, unsigned char *file, size_t size) {
    size_t n0 = 0, n1 = 0, n2 = 0;
    unsigned char *before = all_op_outputs(in_place, f, &n0);
    unsigned char *saved = malloc(size);
    if (!before || !saved) { CHECK(0, "all op outputs"); free(before); free(saved); return; }
    memcpy(saved, file, size);
    memset(file, 0, size);
    unsigned char *zeroed = all_op_outputs(in_place, f, &n1);
    memcpy(file, saved, size);
    unsigned char *restored = all_op_outputs(in_place, f, &n2);
    CHECK(zeroed && n1 == n0, "operator outputs with a zeroed buffer");
    /* A model whose operators saturate may compute the same bytes with zero weights, so the evidence
     * is collected over all models: main() requires it from at least one. */
    if (zeroed && n1 == n0 && memcmp(before, zeroed, n0) != 0) borrowing_observed++;
    else printf("capi_test: zeroing the model buffer changed no output of this model (it has no weights, or its operators saturate)\n");
    CHECK(restored && n2 == n0 && memcmp(before, restored, n0) == 0, "restoring the buffer did not restore the outputs");
    free(before);
    free(zeroed);
    free(restored);
    free(saved);
}

static void test_model(const char *path) {
    printf("capi_test: model %s\n", path);
    fixture f = {NULL, 0, 0, 0, 0};
    int status = dsc_model_load_file(path, &f.model);
    CHECK(status == DSC_OK, "load %s", path);
    if (status != DSC_OK) return;

    size_t inputs = 0, outputs = 0;
    uint64_t macs = 0, parameters = 0;
    dsc_tensor_info in, out, t;
    CHECK(dsc_model_input_count(f.model, &inputs) == DSC_OK && inputs >= 1, "inputs");
    CHECK(dsc_model_output_count(f.model, &outputs) == DSC_OK && outputs >= 1, "outputs");
    CHECK(dsc_model_op_count(f.model, &f.ops) == DSC_OK && f.ops >= 1, "ops");
    CHECK(dsc_model_macs(f.model, &macs) == DSC_OK, "macs");
    CHECK(dsc_model_parameter_count(f.model, &parameters) == DSC_OK, "parameters");
    CHECK(dsc_model_input(f.model, 0, &in) == DSC_OK, "input 0");
    CHECK(dsc_model_output(f.model, 0, &out) == DSC_OK, "output 0");
    f.in_size = in.byte_size;
    f.out_size = out.byte_size;
    f.single_io = inputs == 1 && outputs == 1;
    CHECK(in.name != NULL && out.name != NULL, "tensor names");
    CHECK(in.rank >= 1 && in.rank <= DSC_MAX_RANK, "input rank %d", (int)in.rank);
    size_t product = 1;
    for (int32_t d = 0; d < in.rank; d++) product *= (size_t)in.shape[d];
    size_t element = in.type == DSC_TYPE_INT16 ? 2 : in.type == DSC_TYPE_INT32 ? 4 : 1;
    CHECK(product * element == in.byte_size, "input shape and byte size disagree");
    for (int32_t d = in.rank; d < DSC_MAX_RANK; d++) CHECK(in.shape[d] == 0, "shape[%d] beyond rank", (int)d);
    CHECK(in.type >= DSC_TYPE_INT8 && in.type <= DSC_TYPE_INT32, "input type %d", (int)in.type);
    CHECK(in.scale_count == 0 || in.scale > 0, "input scale");
    EXPECT_STATUS(dsc_model_input(f.model, inputs, &t), DSC_ERR_INVALID_ARGUMENT, "out of range");
    EXPECT_STATUS(dsc_model_input(f.model, SIZE_MAX, &t), DSC_ERR_INVALID_ARGUMENT, "out of range");
    EXPECT_STATUS(dsc_model_output(f.model, outputs, &t), DSC_ERR_INVALID_ARGUMENT, "out of range");
    EXPECT_STATUS(dsc_model_input(f.model, 0, NULL), DSC_ERR_INVALID_ARGUMENT, "NULL");
    EXPECT_STATUS(dsc_model_macs(f.model, NULL), DSC_ERR_INVALID_ARGUMENT, "NULL");
    uint64_t op_macs = 0;
    for (size_t i = 0; i < f.ops; i++) {
        dsc_op_info o;
        CHECK(dsc_model_op_info(f.model, i, &o) == DSC_OK, "op %zu", i);
        CHECK(o.name && o.name[0] && o.kind && o.kind[0], "op %zu names", i);
        CHECK(o.output.byte_size > 0 && o.output.rank >= 1, "op %zu output", i);
        op_macs += o.macs;
    }
    CHECK(macs == 0 || parameters > 0, "%llu MACs but no parameters", (unsigned long long)macs);
    CHECK(op_macs == macs, "per-op MACs sum to %llu, the model says %llu", (unsigned long long)op_macs,
          (unsigned long long)macs);
    EXPECT_STATUS(dsc_model_op_info(f.model, f.ops, NULL), DSC_ERR_INVALID_ARGUMENT, "NULL");
    dsc_op_info last;
    EXPECT_STATUS(dsc_model_op_info(f.model, f.ops, &last), DSC_ERR_INVALID_ARGUMENT, "out of range");
    CHECK(dsc_model_op_info(f.model, f.ops - 1, &last) == DSC_OK, "last op");

    size_t arena = 0, preserving = 0;
    CHECK(dsc_model_arena_size(f.model, 0, &arena) == DSC_OK && arena > 0, "arena size");
    CHECK(dsc_model_arena_size(f.model, DSC_SESSION_PRESERVE_ALL_TENSORS, &preserving) == DSC_OK && preserving >= arena,
          "preserving arena %zu < %zu", preserving, arena);
    EXPECT_STATUS(dsc_model_arena_size(f.model, 0x80u, &arena), DSC_ERR_INVALID_ARGUMENT, "flags");

    unsigned char *expected = malloc(f.out_size), *got = malloc(f.out_size), *input = malloc(f.in_size + 1);
    if (!expected || !got || !input) { CHECK(0, "out of memory"); goto done; }
    fill(input, f.in_size + 1, 1);

    /* The default session and its errors. */
    dsc_session *s = NULL;
    dsc_session *bad = SENTINEL_SESSION;
    EXPECT_STATUS(dsc_session_create_ex(f.model, 0x80u, &bad), DSC_ERR_INVALID_ARGUMENT, "flags");
    EXPECT_STATUS(dsc_session_create(f.model, NULL), DSC_ERR_INVALID_ARGUMENT, "out");
    CHECK(bad == SENTINEL_SESSION, "failed create wrote *out");
    CHECK(dsc_session_create(f.model, &s) == DSC_OK, "create");
    const void *cp = NULL;
    size_t n = 0;
    uint64_t ns = 0;
    EXPECT_STATUS(dsc_session_output(s, 0, &cp, &n), DSC_ERR_WRONG_STATE, "not run");
    EXPECT_STATUS(dsc_session_op_output(s, 0, &cp, &n), DSC_ERR_WRONG_STATE, "DSC_SESSION_PRESERVE_ALL_TENSORS");
    EXPECT_STATUS(dsc_session_op_nanoseconds(s, 0, &ns), DSC_ERR_WRONG_STATE, "DSC_SESSION_PROFILE");
    if (f.single_io) {
        char needed[64];
        snprintf(needed, sizeof needed, "needs %zu bytes", f.in_size);
        EXPECT_STATUS(dsc_session_run(s, input, f.in_size + 1, got, f.out_size), DSC_ERR_INVALID_ARGUMENT, needed);
        EXPECT_STATUS(dsc_session_run(s, input, f.in_size - 1, got, f.out_size), DSC_ERR_INVALID_ARGUMENT, needed);
        EXPECT_STATUS(dsc_session_run(s, input, 0, got, f.out_size), DSC_ERR_INVALID_ARGUMENT, needed);
        EXPECT_STATUS(dsc_session_run(s, input, SIZE_MAX, got, f.out_size), DSC_ERR_INVALID_ARGUMENT, needed);
        snprintf(needed, sizeof needed, "needs %zu bytes", f.out_size);
        EXPECT_STATUS(dsc_session_run(s, input, f.in_size, got, f.out_size + 1), DSC_ERR_INVALID_ARGUMENT, needed);
        EXPECT_STATUS(dsc_session_run(s, input, f.in_size, got, 0), DSC_ERR_INVALID_ARGUMENT, needed);
        EXPECT_STATUS(dsc_session_run(s, NULL, f.in_size, got, f.out_size), DSC_ERR_INVALID_ARGUMENT, "input");
        EXPECT_STATUS(dsc_session_run(s, input, f.in_size, NULL, f.out_size), DSC_ERR_INVALID_ARGUMENT, "output");
    } else {
        EXPECT_STATUS(dsc_session_run(s, input, f.in_size, got, f.out_size), DSC_ERR_WRONG_STATE, "dsc_session_invoke");
    }
    void *p = NULL;
    EXPECT_STATUS(dsc_session_input(s, inputs, &p, &n), DSC_ERR_INVALID_ARGUMENT, "out of range");
    EXPECT_STATUS(dsc_session_input(s, 0, NULL, &n), DSC_ERR_INVALID_ARGUMENT, "data");
    EXPECT_STATUS(dsc_session_input(s, 0, &p, NULL), DSC_ERR_INVALID_ARGUMENT, "size");
    CHECK(run_once(s, &f, 1, expected) == DSC_OK, "run");

    /* The same bytes through the buffer API (input, invoke, output). */
    CHECK(dsc_session_input(s, 0, &p, &n) == DSC_OK && n == f.in_size, "input buffer");
    if (p) fill(p, n, 1);
    if (inputs == 1) {
        CHECK(dsc_session_invoke(s) == DSC_OK, "invoke");
        CHECK(dsc_session_output(s, 0, &cp, &n) == DSC_OK && n == f.out_size && memcmp(cp, expected, n) == 0,
              "invoke + output differ from run");
    }
    EXPECT_STATUS(dsc_session_output(s, outputs, &cp, &n), DSC_ERR_INVALID_ARGUMENT, "out of range");

    /* The same bytes from a model loaded in place, and from a session in a caller arena at an odd address. */
    size_t file_size = 0;
    unsigned char *file = read_file(path, &file_size);
    CHECK(file != NULL, "read %s", path);
    dsc_model *in_place = NULL;
    if (file && dsc_model_load_memory(file, file_size, &in_place) == DSC_OK) {
        fixture g = f;
        g.model = in_place;
        size_t need = 0;
        CHECK(dsc_model_arena_size(in_place, 0, &need) == DSC_OK && need == arena, "arena size in place");
        unsigned char *memory = malloc(need + 1);
        dsc_session *t2 = NULL;
        if (memory) {
            EXPECT_STATUS(dsc_session_create_in_arena(in_place, 0, NULL, need, &t2), DSC_ERR_INVALID_ARGUMENT, "arena");
            EXPECT_STATUS(dsc_session_create_in_arena(in_place, 0, memory + 1, need / 2, &t2), DSC_ERR_INVALID_ARGUMENT, "arena");
            EXPECT_STATUS(dsc_session_create_in_arena(in_place, 0, memory + 1, 0, &t2), DSC_ERR_INVALID_ARGUMENT, "arena");
            EXPECT_STATUS(dsc_session_create_in_arena(in_place, 0, memory + 1, SIZE_MAX, &t2), DSC_ERR_INVALID_ARGUMENT, "arena");
            CHECK(t2 == NULL, "failed create wrote *out");
            CHECK(dsc_session_create_in_arena(in_place, 0, memory + 1, need, &t2) == DSC_OK, "create in arena");
            CHECK(t2 && run_once(t2, &g, 1, got) == DSC_OK && memcmp(got, expected, f.out_size) == 0,
                  "in-place model in a caller arena differs");
            dsc_session_free(t2);
        }
        free(memory);
        test_weights_are_borrowed(in_place, &g, file, file_size);
        dsc_model_free(in_place);
    } else {
        CHECK(0, "load %s from memory", path);
    }
    /* Truncated copies are rejected with a status, never a crash. */
    if (file) {
        size_t cuts[] = {0, 4, 8, 16, 64, file_size / 3, file_size / 2, file_size - 1};
        for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
            dsc_model *m = SENTINEL_MODEL;
            int st = dsc_model_load_memory(file, cuts[i], &m);
            CHECK(st == DSC_ERR_MALFORMED_MODEL || st == DSC_ERR_UNSUPPORTED, "first %zu bytes: %s", cuts[i],
                  dsc_status_name(st));
            CHECK(m == SENTINEL_MODEL, "failed load wrote *out");
        }
    }
    if (file) test_mutations(file, file_size);
    free(file);

    /* Preserve-all-tensors: every op's output readable; the last one is the model output. */
    dsc_session *keep = NULL;
    CHECK(dsc_session_create_ex(f.model, DSC_SESSION_PRESERVE_ALL_TENSORS, &keep) == DSC_OK, "create preserving");
    EXPECT_STATUS(dsc_session_op_output(keep, 0, &cp, &n), DSC_ERR_WRONG_STATE, "not run");
    CHECK(keep && run_once(keep, &f, 1, got) == DSC_OK && memcmp(got, expected, f.out_size) == 0, "preserving run differs");
    for (size_t i = 0; i < f.ops; i++) {
        dsc_op_info o;
        dsc_model_op_info(f.model, i, &o);
        CHECK(dsc_session_op_output(keep, i, &cp, &n) == DSC_OK && cp != NULL && n == o.output.byte_size,
              "op %zu output", i);
    }
    if (f.single_io) {
        CHECK(dsc_session_op_output(keep, f.ops - 1, &cp, &n) == DSC_OK && n == f.out_size &&
                  memcmp(cp, expected, n) == 0, "the last op's output is not the model output");
    }
    EXPECT_STATUS(dsc_session_op_output(keep, f.ops, &cp, &n), DSC_ERR_INVALID_ARGUMENT, "out of range");
    EXPECT_STATUS(dsc_session_op_output(keep, 0, NULL, &n), DSC_ERR_INVALID_ARGUMENT, "data");
    dsc_session_free(keep);

    /* Profiling: a time per op after a run. */
    dsc_session *prof = NULL;
    CHECK(dsc_session_create_ex(f.model, DSC_SESSION_PROFILE, &prof) == DSC_OK, "create profiling");
    EXPECT_STATUS(dsc_session_op_nanoseconds(prof, 0, &ns), DSC_ERR_WRONG_STATE, "not run");
    CHECK(prof && run_once(prof, &f, 1, got) == DSC_OK && memcmp(got, expected, f.out_size) == 0, "profiling run differs");
    uint64_t total = 0;
    for (size_t i = 0; i < f.ops; i++) {
        CHECK(dsc_session_op_nanoseconds(prof, i, &ns) == DSC_OK, "op %zu time", i);
        total += ns;
    }
    CHECK(total > 0, "profile total is 0 ns");
    EXPECT_STATUS(dsc_session_op_nanoseconds(prof, f.ops, &ns), DSC_ERR_INVALID_ARGUMENT, "out of range");
    EXPECT_STATUS(dsc_session_op_nanoseconds(prof, 0, NULL), DSC_ERR_INVALID_ARGUMENT, "nanoseconds");
    dsc_session_free(prof);

    /* Single rounding: a valid session that runs (its bytes may differ from double rounding). */
    dsc_session *single = NULL;
    CHECK(dsc_session_create_ex(f.model, DSC_SESSION_SINGLE_ROUNDING, &single) == DSC_OK, "create single rounding");
    CHECK(single && run_once(single, &f, 1, got) == DSC_OK, "single-rounding run");
    dsc_session_free(single);

    test_threads(&f);

    /* Intra-op threads: the same bytes as one thread; more than 64 is an error. */
    for (uint32_t t = 2; t <= 3; t++) {
        dsc_session *par = NULL;
        CHECK(dsc_session_create_ex(f.model, DSC_SESSION_THREADS(t), &par) == DSC_OK, "create %u threads", t);
        CHECK(par && run_once(par, &f, 1, got) == DSC_OK && memcmp(got, expected, f.out_size) == 0,
              "%u-thread run differs", t);
        dsc_session_free(par);
    }
    dsc_session *too_many = NULL;
    EXPECT_STATUS(dsc_session_create_ex(f.model, DSC_SESSION_THREADS(65), &too_many), DSC_ERR_INVALID_ARGUMENT,
                  "threads");

    /* A session outlives the model handle it came from. */
    dsc_model *m = f.model;
    f.model = NULL;
    dsc_model_free(m);
    CHECK(run_once(s, &f, 1, got) == DSC_OK || !f.single_io, "run after dsc_model_free");
    if (f.single_io) CHECK(memcmp(got, expected, f.out_size) == 0, "run after dsc_model_free differs");
    dsc_session_free(s);

done:
    free(expected);
    free(got);
    free(input);
    dsc_model_free(f.model);
}

int main(int argc, char **argv) {
    test_library();
    test_null_arguments();
    test_load_errors("/");
    if (argc < 2)
        printf("capi_test: skip: no model given (../shared absent and no project fixture): "
               "only the model-free tests ran\n");
    for (int i = 1; i < argc; i++) test_model(argv[i]);
    if (argc >= 2)
        CHECK(borrowing_observed > 0, "on no model did zeroing the buffer change an output: weights are copied");
    printf("capi_test: %d checks, %d failures\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
