/*
 * fuzz-capi (main.c: libFuzzer provides main): sequences of C API calls, the input being a small program (see `step`): models loaded in
 * place from the input's bytes, sessions of every kind with fuzzed flags and arenas, runs with wrong and
 * right sizes, queries with fuzzed indices, handles used after they were freed, freed twice, passed as
 * the other kind or made up. Checked beyond "no crash, no sanitizer report":
 *  - every status is one dscflow.h defines, and a failure leaves a message;
 *  - a call on a handle this program freed, on a made-up handle or on a handle of the other kind returns
 *    DSC_ERR_INVALID_ARGUMENT (handles are table entries: the library never touches freed memory);
 *  - a run that succeeds on a session whose model has one input and one output gives the bytes a second
 *    run on the same input gives.
 */
#include <dscflow.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 4
#define MAX_STEPS 48

typedef struct {
    const uint8_t *p, *end;
} reader;

static uint8_t u8(reader *r) { return r->p < r->end ? *r->p++ : 0; }
static uint32_t u16(reader *r) { return (uint32_t)u8(r) | (uint32_t)u8(r) << 8; }
static uint32_t u32(reader *r) { return u16(r) | u16(r) << 16; }

typedef struct {
    dsc_model *model[SLOTS];
    int model_live[SLOTS];
    dsc_session *session[SLOTS];
    int session_live[SLOTS];
    void *arena[SLOTS]; /* a caller arena, freed after its session */
} state;

static void check_status(int status, const char *what) {
    if (status > 0 || status < DSC_ERR_WRONG_STATE) {
        fprintf(stderr, "fuzz-capi: %s returned %d, not a dscflow.h status\n", what, status);
        abort();
    }
    if (status != DSC_OK && dsc_last_error()[0] == '\0') {
        fprintf(stderr, "fuzz-capi: %s failed (%s) without a message\n", what, dsc_status_name(status));
        abort();
    }
}

/* A call on a handle that is not live must be refused as an invalid argument. */
static void check_dead(int status, int live, const char *what) {
    check_status(status, what);
    if (!live && status != DSC_ERR_INVALID_ARGUMENT) {
        fprintf(stderr, "fuzz-capi: %s on a freed or foreign handle returned %s\n", what, dsc_status_name(status));
        abort();
    }
}

/* Flags worth fuzzing: every defined bit pattern, limits kept small (libFuzzer counts a large malloc as
 * a crash; the library's own refusal of a large arena is what the limit is for). */
static uint32_t fuzzed_flags(reader *r) {
    uint32_t f = u32(r);
    uint32_t flags = f & (DSC_SESSION_PRESERVE_ALL_TENSORS | DSC_SESSION_PROFILE | DSC_SESSION_SINGLE_ROUNDING);
    flags |= DSC_SESSION_THREADS((f >> 8) % 4);
    flags |= DSC_SESSION_KERNELS((f >> 16) % 7); /* 6: an unknown path */
    flags |= DSC_SESSION_MEMORY_LIMIT_MIB(1 + (f >> 20) % 64);
    if ((f >> 28) == 15) flags |= 1u << 7;      /* an unknown bit */
    if ((f >> 28) == 14) flags |= DSC_SESSION_NO_MEMORY_LIMIT; /* with a limit: invalid */
    return flags;
}

static void run_session(state *s, int k, reader *r) {
    dsc_session *h = s->session[k];
    /* Through the session's buffers: input 0, invoke, an output. */
    void *in = NULL;
    size_t in_size = 0, out_size = 0;
    int st = dsc_session_input(h, 0, &in, &in_size);
    check_dead(st, s->session_live[k], "dsc_session_input");
    if (st == DSC_OK) {
        for (size_t i = 0; i < in_size; i++) ((uint8_t *)in)[i] = (uint8_t)(i * 37u + u8(r));
        st = dsc_session_invoke(h);
        check_status(st, "dsc_session_invoke");
        if (st == DSC_OK) {
            const void *o = NULL;
            check_status(dsc_session_output(h, u8(r) % 3, &o, &out_size), "dsc_session_output");
        }
    }
    /* dsc_session_run with sizes near the right ones. */
    size_t want_in = in_size + (size_t)(int8_t)u8(r) % 3, want_out = out_size + (size_t)(int8_t)u8(r) % 3;
    uint8_t *a = calloc(1, want_in + 1), *b = calloc(1, want_out + 1), *c = calloc(1, want_out + 1);
    if (a && b && c) {
        for (size_t i = 0; i < want_in; i++) a[i] = (uint8_t)(i * 11u);
        st = dsc_session_run(h, a, want_in, b, want_out);
        check_dead(st, s->session_live[k], "dsc_session_run");
        if (st == DSC_OK) {
            int again = dsc_session_run(h, a, want_in, c, want_out);
            check_status(again, "dsc_session_run");
            if (again != DSC_OK || memcmp(b, c, want_out) != 0) {
                fprintf(stderr, "fuzz-capi: two runs of one session on one input differ\n");
                abort();
            }
        }
    }
    free(a);
    free(b);
    free(c);
}

static void query_model(dsc_model *m, int live, reader *r) {
    size_t n = 0, idx = u8(r);
    uint64_t u = 0;
    dsc_tensor_info t;
    dsc_op_info op;
    const char *key, *value;
    check_dead(dsc_model_input_count(m, &n), live, "dsc_model_input_count");
    check_dead(dsc_model_input(m, idx % 3, &t), live, "dsc_model_input");
    check_dead(dsc_model_output(m, idx % 3, &t), live, "dsc_model_output");
    check_dead(dsc_model_op_count(m, &n), live, "dsc_model_op_count");
    check_dead(dsc_model_op_info(m, idx, &op), live, "dsc_model_op_info");
    check_dead(dsc_model_metadata_count(m, &n), live, "dsc_model_metadata_count");
    check_dead(dsc_model_metadata(m, idx % 4, &key, &value), live, "dsc_model_metadata");
    check_dead(dsc_model_macs(m, &u), live, "dsc_model_macs");
    check_dead(dsc_model_parameter_count(m, &u), live, "dsc_model_parameter_count");
    check_dead(dsc_model_arena_size(m, fuzzed_flags(r), &n), live, "dsc_model_arena_size");
    check_dead(dsc_model_session_memory(m, fuzzed_flags(r), &n), live, "dsc_model_session_memory");
    double score;
    check_dead(dsc_detect_min_score(m, NULL, &score), live, "dsc_detect_min_score");
    char text[64];
    check_dead(dsc_preprocess_describe(m, NULL, text, sizeof text, &n), live, "dsc_preprocess_describe");
}

static void step(state *s, reader *r, const uint8_t *data, size_t size) {
    const int op = u8(r) % 12, k = u8(r) % SLOTS, j = u8(r) % SLOTS;
    switch (op) {
    case 0: { /* load a model in place from the next n bytes of the input */
        size_t n = u16(r) % 40000;
        const uint8_t *at = r->p;
        if (n > (size_t)(r->end - r->p)) n = (size_t)(r->end - r->p);
        r->p += n;
        dsc_model *m = NULL;
        int st = dsc_model_load_memory(at, n, &m);
        check_status(st, "dsc_model_load_memory");
        if (st == DSC_OK) {
            if (s->model_live[k]) dsc_model_free(s->model[k]);
            s->model[k] = m;
            s->model_live[k] = 1;
        }
        break;
    }
    case 1: /* free a model (maybe again) */
        dsc_model_free(s->model[k]);
        s->model_live[k] = 0;
        break;
    case 2: { /* a session in a library arena */
        dsc_session *h = NULL;
        int st = dsc_session_create_ex(s->model[k], fuzzed_flags(r), &h);
        check_dead(st, s->model_live[k], "dsc_session_create_ex");
        if (st == DSC_OK) {
            dsc_session_free(s->session[j]);
            free(s->arena[j]);
            s->arena[j] = NULL;
            s->session[j] = h;
            s->session_live[j] = 1;
        }
        break;
    }
    case 3: { /* a session in a caller arena of about the size asked for */
        uint32_t flags = fuzzed_flags(r);
        size_t need = 0;
        if (dsc_model_arena_size(s->model[k], flags, &need) != DSC_OK || need > (64u << 20)) break;
        size_t size = need - (need > 0 && (u8(r) & 1) ? 1 : 0);
        void *arena = malloc(size + 1);
        dsc_session *h = NULL;
        int st = dsc_session_create_in_arena(s->model[k], flags, (uint8_t *)arena + (u8(r) & 1), size, &h);
        check_status(st, "dsc_session_create_in_arena");
        if (st == DSC_OK) {
            dsc_session_free(s->session[j]);
            free(s->arena[j]);
            s->session[j] = h;
            s->session_live[j] = 1;
            s->arena[j] = arena;
        } else {
            free(arena);
        }
        break;
    }
    case 4: /* free a session (maybe again); its arena stays until the slot is reused */
        dsc_session_free(s->session[k]);
        s->session_live[k] = 0;
        break;
    case 5:
        run_session(s, k, r);
        break;
    case 6: { /* session queries with fuzzed indices */
        const void *p = NULL;
        size_t n = 0;
        uint64_t ns = 0;
        int32_t kernels = 0;
        const int live = s->session_live[k];
        check_dead(dsc_session_op_output(s->session[k], u8(r), &p, &n), live, "dsc_session_op_output");
        check_dead(dsc_session_op_nanoseconds(s->session[k], u8(r), &ns), live, "dsc_session_op_nanoseconds");
        check_dead(dsc_session_kernels(s->session[k], &kernels), live, "dsc_session_kernels");
        check_dead(dsc_session_output(s->session[k], u8(r) % 2, &p, &n), live, "dsc_session_output");
        break;
    }
    case 7:
        query_model(s->model[k], s->model_live[k], r);
        break;
    case 8: { /* handles of the other kind, and made-up ones */
        size_t n = 0;
        check_dead(dsc_model_input_count((const dsc_model *)(void *)s->session[k], &n), 0, "model call on a session handle");
        check_dead(dsc_session_invoke((dsc_session *)(void *)s->model[k]), 0, "session call on a model handle");
        uintptr_t made_up = (uintptr_t)u32(r) << 32 | u32(r);
        if (made_up != 0) {
            check_dead(dsc_model_op_count((const dsc_model *)made_up, &n), 0, "model call on a made-up handle");
            check_dead(dsc_session_invoke((dsc_session *)made_up), 0, "session call on a made-up handle");
            dsc_session_free((dsc_session *)made_up);
            dsc_model_free((dsc_model *)made_up);
        }
        break;
    }
    case 9: { /* preprocessing with overrides from the input */
        char overrides[48];
        size_t n = u8(r) % sizeof overrides;
        for (size_t i = 0; i < n; i++) overrides[i] = (char)u8(r);
        overrides[n] = '\0';
        uint8_t pixels[8 * 8 * 4];
        for (size_t i = 0; i < sizeof pixels; i++) pixels[i] = (uint8_t)(i * 29u);
        uint8_t input[4096];
        size_t w = 1 + u8(r) % 8, h = 1 + u8(r) % 8, c = u8(r) % 5;
        check_dead(dsc_preprocess(s->model[k], overrides, pixels, w, h, c, input, u16(r) % sizeof input),
                   s->model_live[k], "dsc_preprocess");
        char text[256];
        size_t len = 0;
        check_status(dsc_preprocess_describe(s->model[k], overrides, text, sizeof text, &len), "dsc_preprocess_describe");
        break;
    }
    case 10: { /* classification and detection (they make their own sessions) */
        uint8_t pixels[16 * 16 * 3];
        for (size_t i = 0; i < sizeof pixels; i++) pixels[i] = (uint8_t)(i * 7u + u8(r));
        dsc_class classes[4];
        size_t count = 0;
        size_t side = 1 + u8(r) % 16;
        check_dead(dsc_classify(s->model[k], NULL, pixels, side, side, 3, classes, u8(r) % 5, &count),
                   s->model_live[k], "dsc_classify");
        dsc_box box;
        check_dead(dsc_detect(s->model[k], NULL, "head=skynet\nanchors=1,1,2,2", pixels, side, side, 3, &box),
                   s->model_live[k], "dsc_detect");
        break;
    }
    default: { /* library functions on fuzzed values */
        int status = (int)(int8_t)u8(r);
        if (dsc_status_name(status) == NULL || dsc_type_name((int32_t)(int8_t)u8(r)) == NULL || dsc_version() == NULL) abort();
        (void)data;
        (void)size;
        break;
    }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    state s;
    memset(&s, 0, sizeof s);
    reader r = {data, data + size};
    for (int i = 0; i < MAX_STEPS && r.p < r.end; i++) step(&s, &r, data, size);
    for (int k = 0; k < SLOTS; k++) {
        dsc_session_free(s.session[k]);
        free(s.arena[k]);
        dsc_model_free(s.model[k]);
    }
    return 0;
}
