// Generic vector types and small helpers every microkernel build shares. Included after an ISA
// begin header, so these compile for that build's target (the vectors lower to its registers).
#ifndef DSCSIMD_VECTORS_H
#define DSCSIMD_VECTORS_H

typedef int32_t v16si __attribute__((vector_size(64)));
typedef uint32_t v16su __attribute__((vector_size(64)));
typedef int64_t v16di __attribute__((vector_size(128)));
typedef int32_t v8si __attribute__((vector_size(32)));
typedef double v8df __attribute__((vector_size(64)));
typedef uint8_t v16qu __attribute__((vector_size(16)));
typedef uint8_t v64qu __attribute__((vector_size(64)));
typedef int8_t v16qi __attribute__((vector_size(16)));
typedef float v16sf __attribute__((vector_size(64)));

// Macros, not functions: a helper outside the target regions must not pass wide vectors (ABI).
#define splat_v16si(x) ((v16si){0} + (int32_t)(x))
#define splat_v16su(x) ((v16su){0} + (uint32_t)(x))
#define splat_v16di(x) ((v16di){0} + (int64_t)(x))
#define load_v16si(p) ({ v16si _v; memcpy(&_v, (p), sizeof _v); _v; })
#define load_v16qu(p) ({ v16qu _v; memcpy(&_v, (p), sizeof _v); _v; })

/// Stores the first `n` (≥ 1) bytes of `v`.
static inline __attribute__((always_inline)) void store_partial16(uint8_t *p, v16qu v, int n) {
    if (n >= 16) {
        memcpy(p, &v, 16);
        return;
    }
    uint8_t b[16];
    memcpy(b, &v, 16);
    int i = 0;
    if (n & 8) { memcpy(p + i, b + i, 8); i += 8; }
    if (n & 4) { memcpy(p + i, b + i, 4); i += 4; }
    if (n & 2) { memcpy(p + i, b + i, 2); i += 2; }
    if (n & 1) { p[i] = b[i]; }
}

/// The first `n` (<= 16) bytes at `p` (the rest 0) widened to 16 int32 lanes, as int8 when `is_signed`.
static inline __attribute__((always_inline)) v16si load_partial16_widened(const uint8_t *p, int64_t n, int is_signed) {
    v16qu v;
    if (n >= 16) {
        memcpy(&v, p, 16);
    } else {
        uint8_t b[16] = {0};
        memcpy(b, p, (size_t)n);
        memcpy(&v, b, 16);
    }
    return is_signed ? __builtin_convertvector((v16qi)v, v16si) : __builtin_convertvector(v, v16si);
}

/// Copies `bytes` bytes, each XORed with `xr` (int8 → u8 flip), 64 bytes at a time.
static inline __attribute__((always_inline)) void copy_xor(uint8_t *dst, const uint8_t *src, size_t bytes, uint8_t xr) {
    size_t i = 0;
    const v64qu flip64 = (v64qu){0} + xr;
    for (; i + 64 <= bytes; i += 64) {
        v64qu v;
        memcpy(&v, src + i, 64);
        v ^= flip64;
        memcpy(dst + i, &v, 64);
    }
    const v16qu flip = (v16qu){0} + xr;
    for (; i + 16 <= bytes; i += 16) {
        v16qu v = load_v16qu(src + i) ^ flip;
        memcpy(dst + i, &v, 16);
    }
    for (; i < bytes; i++) dst[i] = src[i] ^ xr;
}

/// The share [*begin, *end) of `count` work units (output rows or pixel blocks) that part `part` of
/// `parts` computes when an operator is split over threads; all of them when `parts` <= 1.
static inline void dscsimd_share(size_t count, int32_t part, int32_t parts, size_t *begin, size_t *end) {
    *begin = parts > 1 ? count * (size_t)part / (size_t)parts : 0;
    *end = parts > 1 ? count * (size_t)(part + 1) / (size_t)parts : count;
}

#endif
