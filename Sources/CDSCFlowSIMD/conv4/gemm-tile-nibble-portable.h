// The portable conv tile for small weights and activations (4-bit weights; DSCSIMD_KERNEL_CONV_*_NIBBLE):
// MR output pixels x 16 channels with int16 products accumulated in int16 lanes for `period` 4-byte
// groups, then widened to int32 (int16 multiplies are native on SSE2 and NEON; 32-bit ones are not on SSE2).
#ifndef DSCSIMD_GEMM_TILE_NIBBLE_PORTABLE_H
#define DSCSIMD_GEMM_TILE_NIBBLE_PORTABLE_H

#include "../requant/requant.h"
#include "../conv/conv-indirection.h"

typedef int16_t v16hi_nibble __attribute__((vector_size(32)));

/// One tile: MR output pixels x 16 channels (the arguments of the AVX-512 tile; `period` is
/// `dscsimd_conv.nibble_groups`). The packer proved |x * w| <= bound with 4 * bound * period <= 32767
/// (a group adds 4 products to a lane), so no int16 lane wraps: the int32 sums are exact.
static inline __attribute__((always_inline)) void gemm_tile(
    const int MR, const int NV, int rows, const uint8_t *const *ind, int taps, int cq,
    const int8_t *b, size_t block_stride, uint32_t xr, const int32_t *bias, const dscsimd_requant *rq,
    int c0, int out_c, uint8_t *out, size_t out_stride, const int16_t *b16, const int SAT, int period)
{
    (void)NV; (void)block_stride; (void)b16; (void)SAT;
    v16hi_nibble acc[4];
    v16si wide[4];
    for (int r = 0; r < MR; r++) { acc[r] = (v16hi_nibble){0}; wide[r] = load_v16si(bias + c0); }
    int left = period;
    for (int t = 0; t < taps; t++) {
        const uint8_t *p[4];
        for (int r = 0; r < MR; r++) p[r] = ind[(size_t)t * DSCSIMD_RB + r];
        for (int q = 0; q < cq; q++) {
            // The group's weights: 16 channels x 4 k, byte k of channel c at 4c + k; one int16 vector per k.
            const v16si w32 = load_v16si((const int32_t *)(const void *)b);
            b += 64;
            const v16hi_nibble w0 = __builtin_convertvector((w32 << 24) >> 24, v16hi_nibble);
            const v16hi_nibble w1 = __builtin_convertvector((w32 << 16) >> 24, v16hi_nibble);
            const v16hi_nibble w2 = __builtin_convertvector((w32 << 8) >> 24, v16hi_nibble);
            const v16hi_nibble w3 = __builtin_convertvector(w32 >> 24, v16hi_nibble);
            for (int r = 0; r < MR; r++) {
                uint32_t word;
                __builtin_memcpy(&word, p[r] + 4 * q, 4);
                word ^= xr;
                acc[r] += w0 * (int16_t)(word & 0xFF) + w1 * (int16_t)((word >> 8) & 0xFF)
                        + w2 * (int16_t)((word >> 16) & 0xFF) + w3 * (int16_t)(word >> 24);
            }
            if (--left == 0) {
                for (int r = 0; r < MR; r++) {
                    wide[r] = (v16si)((v16su)wide[r] + (v16su)__builtin_convertvector(acc[r], v16si));
                    acc[r] = (v16hi_nibble){0};
                }
                left = period;
            }
        }
    }
    for (int r = 0; r < MR; r++) {
        if (r >= rows) break;
        const v16si sum = (v16si)((v16su)wide[r] + (v16su)__builtin_convertvector(acc[r], v16si));
        rq_store16(out + r * out_stride, c0, sum, rq, out_c - c0);
    }
}

#endif
