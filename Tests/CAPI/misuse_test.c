/*
 * misuse_test ADD_FIXTURE MODEL...: the C API against hostile sizes and misuse (issue 17; make test-capi).
 *
 * ADD_FIXTURE is Tests/DSCFlowTests/Fixtures/tflite/add_same_shape/model.tflite (2,688 bytes, one ADD on
 * [1,8,8,4] tensors); each MODEL has one input and one output. Checked:
 *  - files: a sparse 2 GiB model file is DSC_ERR_IO within a second, also in a child process limited to
 *    2 GiB of address space (RLIMIT_AS, as `ulimit -v 2097152`); a sparse 1 GiB file of zeros with the
 *    limit raised is DSC_ERR_MALFORMED_MODEL (its first bytes); a 1 GiB file with a PNG signature and a
 *    PNG header declaring 65536x65536 RGBA are DSC_ERR_IO from dsc_png_read, the size outputs written
 *    (0 before the header, the header's size after it);
 *  - memory: the ADD fixture with its tensors made [1,16384,16384,4] (a session needs > 4 GiB) is
 *    DSC_ERR_OUT_OF_MEMORY from dsc_session_create and dsc_model_arena_size within a second, and with
 *    DSC_SESSION_NO_MEMORY_LIMIT under a 2 GiB RLIMIT_AS (the allocation itself fails), never a signal;
 *  - handles: a freed session or model, a handle of the other kind and a made-up pointer are
 *    DSC_ERR_INVALID_ARGUMENT; freeing twice is ignored;
 *  - concurrency: two threads running one session 300 times each get either DSC_OK with the right bytes
 *    or DSC_ERR_WRONG_STATE, never DSC_OK with wrong bytes; a session freed while another thread runs it
 *    ends that thread's calls in DSC_ERR_INVALID_ARGUMENT (the free waits for the running call).
 */
#define _GNU_SOURCE
#include <dscflow.h>

#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int failures;

#define CHECK(cond, ...)                                                                                   \
    do {                                                                                                   \
        if (!(cond)) {                                                                                     \
            fprintf(stderr, "misuse_test: FAIL line %d: ", __LINE__);                                      \
            fprintf(stderr, __VA_ARGS__);                                                                  \
            fprintf(stderr, " (last error: %s)\n", dsc_last_error());                                      \
            failures++;                                                                                    \
        }                                                                                                  \
    } while (0)

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static unsigned char *read_all(const char *path, size_t *size) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *p = malloc(n > 0 ? (size_t)n : 1);
    if (p && fread(p, 1, (size_t)n, f) != (size_t)n) { free(p); p = NULL; }
    fclose(f);
    *size = (size_t)n;
    return p;
}

/* A sparse file of `size` bytes starting with `header`. */
static void sparse_file(const char *path, long long size, const unsigned char *header, size_t n) {
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
    if (fd < 0 || (n && write(fd, header, n) != (ssize_t)n) || ftruncate(fd, size) != 0) {
        fprintf(stderr, "misuse_test: cannot make %s\n", path);
        exit(2);
    }
    close(fd);
}

/* Runs `body(arg)` in a child process limited to 2 GiB of address space; its exit status, or 128 + the
 * signal that killed it. */
static int in_limited_child(int (*body)(void *), void *arg) {
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        struct rlimit r = {2147483648ull, 2147483648ull};
        setrlimit(RLIMIT_AS, &r);
        _exit(body(arg));
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int load_status(void *path) {
    dsc_model *m = NULL;
    return -dsc_model_load_file((const char *)path, &m);
}

static void test_files(const char *dir) {
    char big[4096], zeros[4096], png[4096], header[4096];
    snprintf(big, sizeof big, "%s/big.tflite", dir);
    snprintf(zeros, sizeof zeros, "%s/zeros.tflite", dir);
    snprintf(png, sizeof png, "%s/big.png", dir);
    snprintf(header, sizeof header, "%s/header.png", dir);
    sparse_file(big, 2LL << 30, NULL, 0);
    dsc_model *m = NULL;
    double t0 = now();
    int st = dsc_model_load_file(big, &m);
    double t = now() - t0;
    CHECK(st == DSC_ERR_IO && m == NULL, "2 GiB model file: %s", dsc_status_name(st));
    CHECK(t < 1.0, "2 GiB model file refused after %.2f s", t);
    int child = in_limited_child(load_status, big);
    CHECK(child == -DSC_ERR_IO, "2 GiB model file under a 2 GiB address space: child ended with %d", child);
    printf("misuse_test: 2 GiB model file: %s in %.3f s; under RLIMIT_AS 2 GiB: status %d\n", dsc_status_name(st), t, -child);

    sparse_file(zeros, (1LL << 30) + 1, NULL, 0);
    st = dsc_model_load_file_ex(zeros, 2ull << 30, &m);
    CHECK(st == DSC_ERR_MALFORMED_MODEL, "1 GiB of zeros with the limit raised: %s", dsc_status_name(st));
    st = dsc_model_load_file_ex(zeros, 0, &m);
    CHECK(st == DSC_ERR_IO, "max_bytes 0 is the 1 GiB default: %s", dsc_status_name(st));

    static const unsigned char signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    sparse_file(png, 1LL << 30, signature, 8);
    size_t w = 7, h = 7, c = 7;
    st = dsc_png_read(png, NULL, 0, &w, &h, &c);
    CHECK(st == DSC_ERR_IO && w == 0 && h == 0 && c == 0, "1 GiB PNG file: %s, size %zux%zux%zu", dsc_status_name(st), w, h, c);
    st = dsc_image_read(png, NULL, 0, &w, &h, &c);
    CHECK(st == DSC_ERR_IO && w == 0 && h == 0 && c == 0, "1 GiB image file: %s", dsc_status_name(st));

    /* Signature + IHDR 65536 x 65536, 8-bit RGBA (the CRC is libpng's concern only after the size
     * check: it is computed anyway) + the start of an IDAT. */
    unsigned char hdr[33 + 12] = {0};
    memcpy(hdr, signature, 8);
    const unsigned char ihdr[21] = {0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 1, 0, 0, 0, 1, 0, 0, 8, 6, 0, 0, 0};
    memcpy(hdr + 8, ihdr, 21);
    uint32_t crc = 0xFFFFFFFFu;
    for (int i = 12; i < 29; i++) {
        crc ^= hdr[i];
        for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    crc ^= 0xFFFFFFFFu;
    hdr[29] = (unsigned char)(crc >> 24), hdr[30] = (unsigned char)(crc >> 16);
    hdr[31] = (unsigned char)(crc >> 8), hdr[32] = (unsigned char)crc;
    memcpy(hdr + 33, "\0\0\0\0IDAT\0\0\0\0", 12);
    sparse_file(header, sizeof hdr, hdr, sizeof hdr);
    st = dsc_png_read(header, NULL, 0, &w, &h, &c);
    CHECK(st == DSC_ERR_IO && w == 65536 && h == 65536 && c == 4,
          "PNG header of 65536x65536x4: %s, size %zux%zux%zu", dsc_status_name(st), w, h, c);
    printf("misuse_test: PNG header 65536x65536x4: %s, sizes written %zux%zux%zu\n", dsc_status_name(st), w, h, c);
    unlink(big), unlink(zeros), unlink(png), unlink(header);
}

static int unlimited_session_status(void *model) {
    dsc_session *s = NULL;
    return -dsc_session_create_ex((const dsc_model *)model, DSC_SESSION_NO_MEMORY_LIMIT, &s);
}

static void test_memory(const char *add_fixture) {
    size_t n = 0;
    unsigned char *bytes = read_all(add_fixture, &n);
    if (!bytes) { fprintf(stderr, "misuse_test: cannot read %s\n", add_fixture); exit(2); }
    const int32_t small[4] = {1, 8, 8, 4}, large[4] = {1, 16384, 16384, 4};
    int patched = 0;
    for (size_t i = 0; i + 16 <= n; i += 4) {
        if (memcmp(bytes + i, small, 16) == 0) { memcpy(bytes + i, large, 16); patched++; }
    }
    CHECK(patched == 4, "patched %d shapes of the ADD fixture, expected 4", patched);
    dsc_model *m = NULL;
    int st = dsc_model_load_memory(bytes, n, &m);
    CHECK(st == DSC_OK, "the 4 GiB ADD model loads: %s", dsc_status_name(st));
    if (st != DSC_OK) { free(bytes); return; }
    size_t need = 0, arena = 0;
    CHECK(dsc_model_session_memory(m, 0, &need) == DSC_OK && need > (4ull << 30), "session memory %zu", need);
    CHECK(dsc_model_arena_size(m, 0, &arena) == DSC_ERR_OUT_OF_MEMORY, "arena size above the limit");
    dsc_session *s = NULL;
    double t0 = now();
    st = dsc_session_create(m, &s);
    double t = now() - t0;
    CHECK(st == DSC_ERR_OUT_OF_MEMORY && s == NULL, "a 4 GiB session under the default limit: %s", dsc_status_name(st));
    CHECK(t < 1.0, "refused after %.2f s", t);
    int child = in_limited_child(unlimited_session_status, m);
    CHECK(child == -DSC_ERR_OUT_OF_MEMORY, "no limit, 2 GiB address space: child ended with %d", child);
    printf("misuse_test: session needing %zu bytes: %s in %.3f s; without a limit under RLIMIT_AS 2 GiB: status %d\n",
           need, dsc_status_name(st), t, -child);
    dsc_model_free(m);
    free(bytes);
}

typedef struct {
    dsc_session *s;
    const unsigned char *in, *expected;
    size_t in_size, out_size;
    int runs;
    pthread_barrier_t *start;
    int ok, wrong, refused, freed, other, after_free_ok;
} runner;

static void *run_many(void *p) {
    runner *r = p;
    unsigned char *out = malloc(r->out_size);
    pthread_barrier_wait(r->start);
    for (int i = 0; i < r->runs; i++) {
        int st = dsc_session_run(r->s, r->in, r->in_size, out, r->out_size);
        if (st == DSC_OK && r->freed) r->after_free_ok++;
        if (st == DSC_OK) *(memcmp(out, r->expected, r->out_size) == 0 ? &r->ok : &r->wrong) += 1;
        else if (st == DSC_ERR_WRONG_STATE) r->refused++;
        else if (st == DSC_ERR_INVALID_ARGUMENT) r->freed++;
        else r->other++;
    }
    free(out);
    return NULL;
}

static void test_handles_and_threads(const char *path) {
    dsc_model *m = NULL;
    if (dsc_model_load_file(path, &m) != DSC_OK) { CHECK(0, "load %s", path); return; }
    dsc_tensor_info in, out;
    dsc_model_input(m, 0, &in), dsc_model_output(m, 0, &out);
    unsigned char *input = malloc(in.byte_size), *expected = malloc(out.byte_size);
    for (size_t i = 0; i < in.byte_size; i++) input[i] = (unsigned char)(i * 37 + 11);
    for (int threads = 1; threads <= 2; threads++) {
        dsc_session *s = NULL;
        if (dsc_session_create_ex(m, DSC_SESSION_THREADS(threads), &s) != DSC_OK) { CHECK(0, "session"); continue; }
        CHECK(dsc_session_run(s, input, in.byte_size, expected, out.byte_size) == DSC_OK, "run");
        pthread_barrier_t start;
        pthread_barrier_init(&start, NULL, 2);
        runner r[2];
        pthread_t t[2];
        for (int k = 0; k < 2; k++) {
            r[k] = (runner){s, input, expected, in.byte_size, out.byte_size, 300, &start, 0, 0, 0, 0, 0, 0};
            pthread_create(&t[k], NULL, run_many, &r[k]);
        }
        for (int k = 0; k < 2; k++) pthread_join(t[k], NULL);
        int ok = r[0].ok + r[1].ok, wrong = r[0].wrong + r[1].wrong, refused = r[0].refused + r[1].refused;
        int other = r[0].other + r[1].other + r[0].freed + r[1].freed;
        CHECK(wrong == 0 && other == 0 && ok + refused == 600, "%s, %d thread(s) per run: %d wrong DSC_OK, %d other", path, threads, wrong, other);
        printf("misuse_test: %s, 2 callers x 300 runs, DSC_SESSION_THREADS(%d): %d DSC_OK (right bytes), %d DSC_ERR_WRONG_STATE, %d wrong DSC_OK\n",
               path, threads, ok, refused, wrong);

        /* Freed while another thread runs it. */
        pthread_barrier_t go;
        pthread_barrier_init(&go, NULL, 2);
        runner f = {s, input, expected, in.byte_size, out.byte_size, 2000, &go, 0, 0, 0, 0, 0, 0};
        pthread_create(&t[0], NULL, run_many, &f);
        pthread_barrier_wait(&go);
        usleep(2000);
        dsc_session_free(s);
        pthread_join(t[0], NULL);
        CHECK(f.wrong == 0 && f.other == 0 && f.after_free_ok == 0 && f.ok + f.refused + f.freed == 2000 && f.freed > 0,
              "freed while running: %d ok, %d wrong, %d refused, %d freed, %d ok after free", f.ok, f.wrong, f.refused, f.freed, f.after_free_ok);
        pthread_barrier_destroy(&start), pthread_barrier_destroy(&go);

        /* Freed, freed again, the other kind, made up. */
        unsigned char scratch[64];
        CHECK(dsc_session_run(s, input, in.byte_size, scratch, out.byte_size) == DSC_ERR_INVALID_ARGUMENT, "run after free");
        CHECK(dsc_session_invoke(s) == DSC_ERR_INVALID_ARGUMENT, "invoke after free");
        dsc_session_free(s);
        CHECK(dsc_session_invoke((dsc_session *)m) == DSC_ERR_INVALID_ARGUMENT, "a model as a session");
        CHECK(dsc_session_invoke((dsc_session *)scratch) == DSC_ERR_INVALID_ARGUMENT, "a made-up session");
        dsc_session_free((dsc_session *)scratch);
        size_t count = 0;
        CHECK(dsc_model_input_count((dsc_model *)scratch, &count) == DSC_ERR_INVALID_ARGUMENT, "a made-up model");
    }
    dsc_session *s = NULL;
    CHECK(dsc_session_create(m, &s) == DSC_OK, "session");
    size_t count = 0;
    CHECK(dsc_model_input_count((dsc_model *)s, &count) == DSC_ERR_INVALID_ARGUMENT, "a session as a model");
    dsc_model_free(m);
    CHECK(dsc_model_input_count(m, &count) == DSC_ERR_INVALID_ARGUMENT, "model after free");
    dsc_model_free(m);
    unsigned char *got = malloc(out.byte_size);
    CHECK(dsc_session_run(s, input, in.byte_size, got, out.byte_size) == DSC_OK && memcmp(got, expected, out.byte_size) == 0,
          "a session outlives its freed model");
    dsc_session_free(s);
    free(got), free(input), free(expected);
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: misuse_test ADD_FIXTURE MODEL...\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    char dir[] = "/tmp/dscflow-misuse-XXXXXX";
    if (!mkdtemp(dir)) return 2;
    test_files(dir);
    rmdir(dir);
    test_memory(argv[1]);
    for (int i = 2; i < argc; i++) test_handles_and_threads(argv[i]);
    printf("misuse_test: %s (%d failures)\n", failures ? "FAIL" : "ok", failures);
    return failures ? 1 : 0;
}
