// Thin pthread wrappers for the frame pipeline (the library imports no Foundation or Glibc).
#include "CDSCFlowSIMD.h"
#include <pthread.h>
#include <semaphore.h>
#include <stdlib.h>

struct dscsimd_semaphore {
    sem_t sem;
};

dscsimd_semaphore *dscsimd_semaphore_create(uint32_t value) {
    dscsimd_semaphore *s = malloc(sizeof *s);
    if (!s) return NULL;
    if (sem_init(&s->sem, 0, value) != 0) {
        free(s);
        return NULL;
    }
    return s;
}

void dscsimd_semaphore_wait(dscsimd_semaphore *s) {
    while (sem_wait(&s->sem) != 0) {
    }
}

void dscsimd_semaphore_signal(dscsimd_semaphore *s) { sem_post(&s->sem); }

void dscsimd_semaphore_destroy(dscsimd_semaphore *s) {
    if (!s) return;
    sem_destroy(&s->sem);
    free(s);
}

struct start {
    void (*body)(void *);
    void *context;
};

static void *trampoline(void *arg) {
    struct start st = *(struct start *)arg;
    free(arg);
    st.body(st.context);
    return NULL;
}

int dscsimd_thread_spawn(void (*body)(void *), void *context, uint64_t *handle) {
    struct start *st = malloc(sizeof *st);
    if (!st) return -1;
    st->body = body;
    st->context = context;
    pthread_t t;
    int rc = pthread_create(&t, NULL, trampoline, st);
    if (rc != 0) {
        free(st);
        return rc;
    }
    *handle = (uint64_t)t;
    return 0;
}

int dscsimd_thread_join(uint64_t handle) { return pthread_join((pthread_t)handle, NULL); }

// ---- workers for intra-operator parallelism ----

#include <stdatomic.h>
#include <string.h>

/// Pause iterations an idle worker spins before it sleeps (tens of microseconds: operators of one
/// inference follow each other faster than a semaphore wakes a thread).
#define DSCSIMD_SPINS 20000

struct dscsimd_workers {
    int threads;
    pthread_t tid[DSCSIMD_MAX_THREADS];
    sem_t wake[DSCSIMD_MAX_THREADS];
    _Atomic int sleeping[DSCSIMD_MAX_THREADS];
    _Atomic uint64_t generation;
    _Atomic int pending;
    _Atomic int stop;
    const dscsimd_op *op;
    uint8_t *const *scratch;
    int started;
};

struct worker_start {
    dscsimd_workers *w;
    int index;
};

static inline void spin_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

/// Part `index` of the current job: a copy of the operator with its part, part count and scratch set.
static void run_part(dscsimd_workers *w, int index) {
    dscsimd_op o = *w->op;
    if (o.kind == DSCSIMD_OP_CONV) {
        o.conv.part = index;
        o.conv.parts = w->threads;
        o.conv.prologue = 0;
    } else {
        o.dw.part = index;
        o.dw.parts = w->threads;
        o.dw.scratch = w->scratch[index];
    }
    dscsimd_execute(&o);
}

static void *worker_main(void *arg) {
    struct worker_start ws = *(struct worker_start *)arg;
    free(arg);
    dscsimd_workers *w = ws.w;
    const int i = ws.index;
    uint64_t seen = 0;
    for (;;) {
        int spins = 0;
        while (atomic_load(&w->generation) == seen && !atomic_load(&w->stop)) {
            if (++spins < DSCSIMD_SPINS) {
                spin_pause();
                continue;
            }
            // Announce the sleep, then look once more: a job published in between is not missed
            // (the publisher reads `sleeping` after bumping the generation and posts).
            atomic_store(&w->sleeping[i], 1);
            if (atomic_load(&w->generation) == seen && !atomic_load(&w->stop)) {
                while (sem_wait(&w->wake[i]) != 0) {
                }
            }
            atomic_store(&w->sleeping[i], 0);
            spins = 0;
        }
        if (atomic_load(&w->stop)) return NULL;
        seen = atomic_load(&w->generation);
        run_part(w, i);
        atomic_fetch_sub(&w->pending, 1);
    }
}

dscsimd_workers *dscsimd_workers_create(int32_t threads) {
    if (threads < 2 || threads > DSCSIMD_MAX_THREADS) return NULL;
    dscsimd_workers *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    w->threads = threads;
    for (int i = 1; i < threads; i++) {
        if (sem_init(&w->wake[i], 0, 0) != 0) {
            w->threads = i;
            dscsimd_workers_destroy(w);
            return NULL;
        }
        struct worker_start *ws = malloc(sizeof *ws);
        if (!ws || pthread_create(&w->tid[i], NULL, worker_main, (ws->w = w, ws->index = i, ws)) != 0) {
            free(ws);
            sem_destroy(&w->wake[i]);
            w->started = i - 1;
            w->threads = i;
            dscsimd_workers_destroy(w);
            return NULL;
        }
        w->started = i;
    }
    return w;
}

void dscsimd_workers_destroy(dscsimd_workers *w) {
    if (!w) return;
    atomic_store(&w->stop, 1);
    for (int i = 1; i <= w->started; i++) sem_post(&w->wake[i]);
    for (int i = 1; i <= w->started; i++) {
        pthread_join(w->tid[i], NULL);
        sem_destroy(&w->wake[i]);
    }
    free(w);
}

void dscsimd_workers_run(dscsimd_workers *w, const dscsimd_op *op, uint8_t *const *scratch) {
    const int splittable = (op->kind == DSCSIMD_OP_CONV && op->conv.indirection) || op->kind == DSCSIMD_OP_DWCONV;
    if (!w || !splittable) {
        dscsimd_execute(op);
        return;
    }
    if (op->kind == DSCSIMD_OP_CONV) {
        dscsimd_op pro = *op;
        pro.conv.prologue = 1;
        pro.conv.parts = w->threads;
        dscsimd_execute(&pro);
    }
    w->op = op;
    w->scratch = scratch;
    atomic_store(&w->pending, w->threads - 1);
    atomic_fetch_add(&w->generation, 1);
    for (int i = 1; i < w->threads; i++)
        if (atomic_load(&w->sleeping[i])) sem_post(&w->wake[i]);
    run_part(w, 0);
    while (atomic_load(&w->pending) != 0) spin_pause();
}
