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
