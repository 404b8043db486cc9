#define _POSIX_C_SOURCE 200809L
#include "dscflow_capi_shims.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(DSCFLOW_DEVICE)
/* The device build (Embedded/embedded.mk) runs on one thread with no OS: the handle table's atomics are
 * plain loads and stores, its lock does nothing, and nobody can be waited for. */
typedef uint64_t atomic_word;
#define ATOMIC_PTR(T) T
#define LOAD(p) (*(p))
#define STORE(p, v) (*(p) = (v))
#define INIT(p, v) (*(p) = (v))
#define CAS(p, expected, desired) (*(p) == *(expected) ? (*(p) = (desired), 1) : (*(expected) = *(p), 0))
#define FETCH_SUB(p, v) (*(p) -= (v))
#define LOCK() ((void)0)
#define UNLOCK() ((void)0)
#define PAUSE(spins) ((void)(spins))
#else
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <time.h>
typedef _Atomic uint64_t atomic_word;
#define ATOMIC_PTR(T) T _Atomic
#define LOAD(p) atomic_load_explicit((p), memory_order_acquire)
#define STORE(p, v) atomic_store_explicit((p), (v), memory_order_release)
#define INIT(p, v) atomic_init((p), (v))
#define CAS(p, expected, desired) \
    atomic_compare_exchange_weak_explicit((p), (expected), (desired), memory_order_acq_rel, memory_order_acquire)
#define FETCH_SUB(p, v) atomic_fetch_sub_explicit((p), (v), memory_order_acq_rel)
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
#define LOCK() pthread_mutex_lock(&lock)
#define UNLOCK() pthread_mutex_unlock(&lock)
#define PAUSE(spins) ((spins) < 64 ? (void)sched_yield() : (void)nanosleep(&(struct timespec){0, 100000}, NULL))
#endif

// One message per thread, so dsc_last_error() is thread-safe without locks or allocation.
static _Thread_local char last_error[1024];

void dsc_capi_set_error(const char *message) {
    if (message == NULL) message = "";
    size_t n = strlen(message);
    if (n >= sizeof last_error) {
        n = sizeof last_error - 1;
        // Do not cut a UTF-8 sequence in half: back up over continuation bytes (10xxxxxx).
        while (n > 0 && ((unsigned char)message[n] & 0xC0) == 0x80) n--;
    }
    memcpy(last_error, message, n);
    last_error[n] = '\0';
}

const char *dsc_capi_error(void) {
    return last_error;
}

/* ---- Handles ------------------------------------------------------------------------------------
 * A handle is not an address: it is (generation << 32 | slot + 1) of a slot in a table that only
 * grows (chunks are never freed or moved). A slot's state word holds its generation, the kind of
 * object in it and how many calls are using it, so a freed handle (older generation), a handle of
 * the other kind, a pointer that was never a handle (slot out of range, generation 0) and a second
 * free are all recognised without touching freed memory. */

#if UINTPTR_MAX > 0xFFFFFFFFu
#define CHUNK_SLOTS 1024u
#define MAX_CHUNKS 4096u
#define INDEX_BITS 32                     /* a handle: generation << 32 | slot + 1 */
#define GEN_LIMIT (1ull << 32)
#else
/* 32-bit pointers (the device build): generation << 20 | slot + 1, 12-bit generations, small chunks. */
#define CHUNK_SLOTS 16u
#define MAX_CHUNKS 4096u
#define INDEX_BITS 20
#define GEN_LIMIT (1ull << 12)
#endif
#define USERS_MASK 0x1FFFFFFFull          /* bits 0-28: calls using the slot */
#define CLOSING (1ull << 29)              /* bit 29: being freed; no new users */
#define KIND_SHIFT 30                     /* bits 30-31: DSC_CAPI_KIND_* (0: free slot) */
#define GEN_SHIFT 32                      /* bits 32-63: generation (never 0 for a live slot) */

typedef struct {
    atomic_word state;
    void *object;
    uint32_t next_free; /* index + 1 of the next free slot; 0 ends the list (under `lock`) */
} slot;

static ATOMIC_PTR(slot *) chunks[MAX_CHUNKS];
static uint32_t slot_count;  /* slots made so far (under `lock`) */
static uint32_t free_head;   /* index + 1 of the first free slot, 0: none (under `lock`) */
static slot *slot_at(uint64_t index) {
    if (index >= (uint64_t)MAX_CHUNKS * CHUNK_SLOTS) return NULL;
    slot *chunk = LOAD(&chunks[index / CHUNK_SLOTS]);
    return chunk ? &chunk[index % CHUNK_SLOTS] : NULL;
}

static uint64_t generation(uint64_t state) { return state >> GEN_SHIFT; }

void *dsc_capi_handle_new(int kind, void *object) {
    LOCK();
    uint32_t index;
    if (free_head != 0) {
        index = free_head - 1;
        free_head = slot_at(index)->next_free;
    } else {
        index = slot_count;
        if (index % CHUNK_SLOTS == 0) {
            slot *chunk = index / CHUNK_SLOTS < MAX_CHUNKS ? calloc(CHUNK_SLOTS, sizeof(slot)) : NULL;
            if (chunk == NULL) {
                UNLOCK();
                return NULL;
            }
            for (uint32_t i = 0; i < CHUNK_SLOTS; i++) INIT(&chunk[i].state, 1ull << GEN_SHIFT);
            STORE(&chunks[index / CHUNK_SLOTS], chunk);
        }
        slot_count++;
    }
    slot *s = slot_at(index);
    uint64_t gen = generation(LOAD(&s->state));
    s->object = object;
    s->next_free = 0;
    STORE(&s->state, gen << GEN_SHIFT | (uint64_t)kind << KIND_SHIFT);
    UNLOCK();
    return (void *)(uintptr_t)(gen << INDEX_BITS | ((uint64_t)index + 1));
}

/* The slot a handle names and the generation it was made in (NULL: it names no slot). */
static slot *decode(const void *handle, uint64_t *gen) {
    uint64_t h = (uint64_t)(uintptr_t)handle;
    uint64_t low = h & ((1ull << INDEX_BITS) - 1);
    *gen = h >> INDEX_BITS;
    if (low == 0 || *gen == 0) return NULL;
    return slot_at(low - 1);
}

/* Whether `state` is the live, not closing, slot of generation `gen` and kind `kind`. */
static inline int live(uint64_t state, uint64_t gen, int kind) {
    return generation(state) == gen && (int)((state >> KIND_SHIFT) & 3) == kind && !(state & CLOSING);
}

void *dsc_capi_handle_acquire(const void *handle, int kind, int exclusive, int *why) {
    uint64_t gen;
    slot *s = decode(handle, &gen);
    *why = DSC_CAPI_NOT_LIVE;
    if (s == NULL) return NULL;
    uint64_t state = LOAD(&s->state);
    for (;;) {
        if (!live(state, gen, kind)) return NULL;
        uint64_t users = state & USERS_MASK;
        if ((exclusive && users != 0) || users == USERS_MASK) {
            *why = DSC_CAPI_BUSY;
            return NULL;
        }
        if (CAS(&s->state, &state, state + 1))
            return s->object;
    }
}

void dsc_capi_handle_release(const void *handle) {
    uint64_t gen;
    slot *s = decode(handle, &gen);
    if (s != NULL) FETCH_SUB(&s->state, 1);
}

void *dsc_capi_handle_free(const void *handle, int kind) {
    uint64_t gen;
    slot *s = decode(handle, &gen);
    if (s == NULL) return NULL;
    uint64_t state = LOAD(&s->state);
    /* Mark it closing (one freeing call wins; later ones, and new users, see it as gone). */
    for (;;) {
        if (!live(state, gen, kind)) return NULL;
        if (CAS(&s->state, &state, state | CLOSING))
            break;
    }
    /* Wait for calls still using it on other threads (a free racing a run is a caller's bug; waiting
     * turns it into a free after the run instead of a crash during it). */
    for (unsigned spins = 0; LOAD(&s->state) & USERS_MASK; spins++) PAUSE(spins);
    void *object = s->object;
    LOCK();
    s->object = NULL;
    uint64_t next = gen + 1 == GEN_LIMIT ? 1 : gen + 1;
    STORE(&s->state, next << GEN_SHIFT);
    s->next_free = free_head;
    free_head = (uint32_t)((uint64_t)(uintptr_t)handle & ((1ull << INDEX_BITS) - 1));
    UNLOCK();
    return object;
}
