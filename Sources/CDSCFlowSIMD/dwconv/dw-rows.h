// Padded input rows of the depthwise kernels: the row builder (stride phases, depth multiplier), the
// cache of kernel_h rows every kernel keeps (`dw_slots`), the rows a natural-order kernel reads
// (`dw_cached_rows`, flipped to u8 on the VNNI builds) and the tap words of a single input channel
// (`dw_single_rows`).
#ifndef DSCSIMD_DW_ROWS_H
#define DSCSIMD_DW_ROWS_H

#include "../common/vectors.h"

/// The row cache of the depthwise kernels: slot iy mod kernel_h holds input row iy when `cache`
/// (dilation_h 1: consecutive output rows share rows), slot ky otherwise.
typedef struct {
    long held[64];
    int cache;
} dw_slots;

/// What every depthwise driver walks: the width of the padded input row span an output row reads,
/// the bytes of an output row, and the output rows of this call (all of them, or this thread's share)
/// with the first one's address.
typedef struct {
    int width;
    size_t n, row_begin, row_end;
    uint8_t *out;
} dw_span;

static inline __attribute__((always_inline)) dw_span dw_span_of(const dscsimd_dwconv *a) {
    dw_span sp;
    sp.width = (a->out_w - 1) * a->stride_w + (a->kernel_w - 1) * a->dilation_w + 1;
    sp.n = (size_t)a->out_w * a->channels;
    dscsimd_share((size_t)a->batches * a->out_h, a->part, a->parts, &sp.row_begin, &sp.row_end);
    sp.out = a->output + sp.row_begin * sp.n;
    return sp;
}

static inline __attribute__((always_inline)) void dw_slots_init(dw_slots *c, const dscsimd_dwconv *a) {
    c->cache = a->dilation_h == 1 && a->kernel_h <= 64;
    for (int i = 0; i < 64; i++) c->held[i] = -1;
}

/// The slot of the input row that kernel row `ky` of output row (bi, oy) reads, or -1 when that row
/// is outside the image (padding). `*fresh` is 1 when the slot does not hold the row yet and must be
/// built now (the slot is then marked as holding it); `*iy` is the input row.
static inline __attribute__((always_inline)) int dw_slot(dw_slots *c, const dscsimd_dwconv *a, int bi, int oy, int ky,
                                                         int *iy, int *fresh) {
    const int kh = a->kernel_h;
    const int y = oy * a->stride_h - a->pad_top + ky * a->dilation_h;
    *iy = y;
    *fresh = 0;
    if (y < 0 || y >= a->in_h) return -1;
    // Slot of input row iy is iy mod kernel_h: r0 for the first kernel row.
    const int r0 = ((oy * a->stride_h - a->pad_top) % kh + kh) % kh;
    const int slot = c->cache ? (r0 + ky < kh ? r0 + ky : r0 + ky - kh) : ky;
    const long tag = (long)bi * a->in_h + y;
    if (!c->cache || c->held[slot] != tag) {
        *fresh = 1;
        if (c->cache) c->held[slot] = tag;
    }
    return slot;
}

/// kernel column kx's offset in a padded row split by stride phase: its phase and position.
static inline __attribute__((always_inline)) void dw_tap_offsets(const dscsimd_dwconv *a, size_t phase_stride,
                                                                 size_t *toff) {
    const int s = a->stride_w;
    for (int kx = 0; kx < a->kernel_w && kx < 64; kx++) {
        int q = kx * a->dilation_w;
        toff[kx] = (size_t)(q % s) * phase_stride + (size_t)(q / s) * a->channels;
    }
}

/// Builds one padded input row for the depthwise kernel: pixel q (padded coordinates) goes to phase
/// q % stride at position q / stride, each input channel repeated `m` times (depth multiplier).
static inline __attribute__((always_inline)) void dw_row(const dscsimd_dwconv *a, uint8_t *dst,
                                                              const uint8_t *src_row, const uint8_t *padrow,
                                                              int width, size_t phase_stride, int s) {
    const int C = a->channels, m = a->depth_multiplier, ic = a->in_c;
    if (s == 1 && m == 1) {
        int left = a->pad_left < width ? a->pad_left : width;
        int inside = a->in_w < width - left ? a->in_w : width - left;
        memcpy(dst, padrow, (size_t)left * C);
        memcpy(dst + (size_t)left * C, src_row, (size_t)inside * C);
        memcpy(dst + (size_t)(left + inside) * C, padrow, (size_t)(width - left - inside) * C);
        return;
    }
    int phase = 0, pos = 0;
    for (int q = 0; q < width; q++) {
        int ix = q - a->pad_left;
        uint8_t *d = dst + (size_t)phase * phase_stride + (size_t)pos * C;
        if (++phase == s) { phase = 0; pos++; }
        if (ix < 0 || ix >= a->in_w) {
            for (int c = 0; c < C; c += 16) memcpy(d + c, padrow, 16);
        } else if (m == 1) {
            const uint8_t *p = src_row + (size_t)ix * C;
            for (int c = 0; c < C; c += 16) memcpy(d + c, p + c, 16);
        } else if (ic == 1 && m <= 16) {
            uint8_t b[16];
            memset(b, src_row[ix], 16);
            memcpy(d, b, 16);
        } else {
            const uint8_t *p = src_row + (size_t)ix * ic;
            for (int i = 0; i < ic; i++) for (int k = 0; k < m; k++) *d++ = p[i];
        }
    }
}

#if KVNNI
/// `dw_row` for stride 2, multiplier 1 and channels a multiple of 16, flipped to u8 on the way: the
/// padded row is laid out contiguously in `tmp`, then even pixels go to phase 0 and odd ones to
/// phase 1, several pixels per 512-bit lane shuffle when C is 16 or 32.
static inline __attribute__((always_inline)) void dw_row_split2(const dscsimd_dwconv *a, uint8_t *dst,
                                                                     const uint8_t *src_row, uint8_t *tmp, int width,
                                                                     size_t phase_stride, __m512i flip) {
    const int C = a->channels;
    const int left = a->pad_left < width ? a->pad_left : width;
    const int inside = a->in_w < width - left ? a->in_w : width - left;
    memset(tmp, (uint8_t)a->pad_value, (size_t)left * C);
    memcpy(tmp + (size_t)left * C, src_row, (size_t)inside * C);
    memset(tmp + (size_t)(left + inside) * C, (uint8_t)a->pad_value, (size_t)(width - left - inside) * C);
    uint8_t *even = dst, *odd = dst + phase_stride;
    int q = 0;
    if (C == 16) {
        for (; q + 8 <= width; q += 8) {
            __m512i v0 = _mm512_loadu_si512((const void *)(tmp + (size_t)q * 16));
            __m512i v1 = _mm512_loadu_si512((const void *)(tmp + (size_t)q * 16 + 64));
            __m512i e = _mm512_shuffle_i64x2(v0, v1, _MM_SHUFFLE(2, 0, 2, 0));
            __m512i o = _mm512_shuffle_i64x2(v0, v1, _MM_SHUFFLE(3, 1, 3, 1));
            _mm512_storeu_si512((void *)(even + (size_t)q * 8), _mm512_xor_si512(e, flip));
            _mm512_storeu_si512((void *)(odd + (size_t)q * 8), _mm512_xor_si512(o, flip));
        }
    } else if (C == 32) {
        for (; q + 4 <= width; q += 4) {
            __m512i v0 = _mm512_loadu_si512((const void *)(tmp + (size_t)q * 32));
            __m512i v1 = _mm512_loadu_si512((const void *)(tmp + (size_t)q * 32 + 64));
            __m512i e = _mm512_shuffle_i64x2(v0, v1, _MM_SHUFFLE(1, 0, 1, 0));
            __m512i o = _mm512_shuffle_i64x2(v0, v1, _MM_SHUFFLE(3, 2, 3, 2));
            _mm512_storeu_si512((void *)(even + (size_t)q * 16), _mm512_xor_si512(e, flip));
            _mm512_storeu_si512((void *)(odd + (size_t)q * 16), _mm512_xor_si512(o, flip));
        }
    }
    const __m128i f128 = _mm512_castsi512_si128(flip);
    for (; q < width; q++) {
        uint8_t *d = ((q & 1) ? odd : even) + (size_t)(q >> 1) * C;
        const uint8_t *p = tmp + (size_t)q * C;
        for (int c = 0; c < C; c += 16)
            _mm_storeu_si128((__m128i *)(void *)(d + c),
                             _mm_xor_si128(_mm_loadu_si128((const __m128i *)(const void *)(p + c)), f128));
    }
}
#endif

/// The kernel_h input rows that output row (bi, oy) of a natural-order depthwise kernel reads: padded,
/// split into stride phases and flipped to u8 with `flip8` (0 on the generic kernel), in the cache
/// `c`. Rows outside the image read `padflip` (the pad row, flipped). `base` receives each tap's
/// first byte. `split2` (AVX-512 only): stride-2 rows split by lane shuffles (`dw_row_split2`, which
/// also flips) instead of per pixel.
static inline __attribute__((always_inline)) void dw_cached_rows(
    const dscsimd_dwconv *a, dw_slots *c, int bi, int oy, const uint8_t *img, uint8_t *rows, const uint8_t *padrow,
    const uint8_t *padflip, uint8_t *tmp, const size_t *toff, int width, size_t phase_stride, size_t row_bytes,
    uint8_t flip8, int split2, const uint8_t **base) {
    const size_t in_row = (size_t)a->in_w * a->in_c;
    (void)tmp;
    (void)split2;
    int t = 0;
    for (int ky = 0; ky < a->kernel_h; ky++) {
        int iy, fresh;
        const int slot = dw_slot(c, a, bi, oy, ky, &iy, &fresh);
        const uint8_t *row = padflip;
        if (slot >= 0) {
            uint8_t *dst = rows + (size_t)slot * row_bytes;
            if (fresh) {
#if KVNNI
                if (split2) {
                    dw_row_split2(a, dst, img + (size_t)iy * in_row, tmp, width, phase_stride,
                                  _mm512_set1_epi32((int)a->vnni_xor));
                } else
#endif
                {
                    dw_row(a, dst, img + (size_t)iy * in_row, padrow, width, phase_stride, a->stride_w);
                    if (flip8) {
                        const v64qu f = (v64qu){0} + flip8;
                        for (size_t i = 0; i < row_bytes; i += 64) {
                            v64qu v;
                            memcpy(&v, dst + i, 64);
                            v ^= f;
                            memcpy(dst + i, &v, 64);
                        }
                    }
                }
            }
            row = dst;
        }
        for (int kx = 0; kx < a->kernel_w; kx++) base[t++] = row + toff[kx];
    }
}

#if KVNNI || KAVXVNNI
/// `dw_words` one column at a time from column `ox` on (the columns its vector loop leaves).
static inline __attribute__((always_inline)) void dw_words_tail(const dscsimd_dwconv *a, uint32_t *words,
                                                                     const uint8_t *P, int ox) {
    const int s = a->stride_w, kw = a->kernel_w, d = a->dilation_w;
    for (; ox < a->out_w; ox++) {
        const uint8_t *b = P + (size_t)ox * s;
        uint32_t word = b[0];
        if (kw > 1) word |= (uint32_t)b[d] << 8;
        if (kw > 2) word |= (uint32_t)b[2 * d] << 16;
        if (kw > 3) word |= (uint32_t)b[3 * d] << 24;
        words[ox] = word ^ a->vnni_xor;
    }
}
#endif

#if KVNNI
/// The 4-byte tap word of every output column of one padded input row `P` (one input channel):
/// bytes P[ox*stride + kx*dilation] for kx < kernel_w, flipped to u8.
static inline __attribute__((always_inline)) void dw_words(const dscsimd_dwconv *a, uint32_t *words, const uint8_t *P) {
    const int s = a->stride_w, kw = a->kernel_w, d = a->dilation_w;
    int ox = 0;
    if (3 * s + (kw - 1) * d <= 15) {
        // 16 words at a time: 128-bit lane l holds the 16 bytes from column 4l's first tap on, and one
        // byte shuffle picks each word's taps (0x80: zero).
        uint8_t ctl[16];
        for (int k = 0; k < 4; k++)
            for (int kx = 0; kx < 4; kx++) ctl[4 * k + kx] = kx < kw ? (uint8_t)(k * s + kx * d) : 0x80;
        __m128i c128;
        memcpy(&c128, ctl, 16);
        const __m512i c512 = _mm512_broadcast_i32x4(c128);
        const __m512i flip = _mm512_set1_epi32((int)a->vnni_xor);
        for (; ox + 16 <= a->out_w; ox += 16) {
            const uint8_t *b = P + (size_t)ox * s;
            __m512i v = _mm512_castsi128_si512(_mm_loadu_si128((const __m128i *)(const void *)b));
            v = _mm512_inserti32x4(v, _mm_loadu_si128((const __m128i *)(const void *)(b + 4 * s)), 1);
            v = _mm512_inserti32x4(v, _mm_loadu_si128((const __m128i *)(const void *)(b + 8 * s)), 2);
            v = _mm512_inserti32x4(v, _mm_loadu_si128((const __m128i *)(const void *)(b + 12 * s)), 3);
            _mm512_storeu_si512((void *)(words + ox), _mm512_xor_si512(_mm512_shuffle_epi8(v, c512), flip));
        }
    }
    dw_words_tail(a, words, P, ox);
}
#endif

#if KAVXVNNI
/// `dw_words` of the AVX-VNNI build: 256-bit shuffles (8 words at a time), else per word.
static inline __attribute__((always_inline)) void dw_words(const dscsimd_dwconv *a, uint32_t *words, const uint8_t *P) {
    const int s = a->stride_w, kw = a->kernel_w, d = a->dilation_w;
    int ox = 0;
    if (3 * s + (kw - 1) * d <= 15) {
        uint8_t ctl[32];
        for (int k = 0; k < 4; k++)
            for (int kx = 0; kx < 4; kx++) ctl[4 * k + kx] = ctl[16 + 4 * k + kx] = kx < kw ? (uint8_t)(k * s + kx * d) : 0x80;
        __m256i c256;
        memcpy(&c256, ctl, 32);
        const __m256i flip = _mm256_set1_epi32((int)a->vnni_xor);
        for (; ox + 8 <= a->out_w; ox += 8) {
            const uint8_t *b = P + (size_t)ox * s;
            __m256i v = _mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)(const void *)b));
            v = _mm256_inserti128_si256(v, _mm_loadu_si128((const __m128i *)(const void *)(b + 4 * s)), 1);
            _mm256_storeu_si256((__m256i *)(void *)(words + ox), _mm256_xor_si256(_mm256_shuffle_epi8(v, c256), flip));
        }
    }
    dw_words_tail(a, words, P, ox);
}
#endif

#if KVNNI || KAVXVNNI
/// The tap words of the kernel_h input rows that output row (bi, oy) of a single-input-channel
/// depthwise kernel reads (`dw_words` of each padded row `P`), in the cache `c`; rows outside the image
/// read `padwords`.
static inline __attribute__((always_inline)) void dw_single_rows(
    const dscsimd_dwconv *a, dw_slots *c, int bi, int oy, const uint8_t *img, uint8_t *P, const uint32_t *padwords,
    uint8_t *slots, size_t wrow, int width, int left, int inside, const uint32_t **rowp) {
    const size_t in_row = (size_t)a->in_w;
    for (int ky = 0; ky < a->kernel_h; ky++) {
        int iy, fresh;
        const int slot = dw_slot(c, a, bi, oy, ky, &iy, &fresh);
        rowp[ky] = padwords;
        if (slot >= 0) {
            uint32_t *g = (uint32_t *)(void *)(slots + (size_t)slot * wrow);
            if (fresh) {
                memset(P, (uint8_t)a->pad_value, (size_t)left);
                memcpy(P + left, img + (size_t)iy * in_row, (size_t)inside);
                memset(P + left + inside, (uint8_t)a->pad_value, (size_t)(width - left - inside));
                dw_words(a, g, P);
            }
            rowp[ky] = g;
        }
    }
}
#endif

#endif
