// Depthwise conv with kernel_w <= 4 on AVX-512 VNNI: each input row regrouped into 4-byte tap groups
// (kernel columns of one channel), so one vpdpbusd per kernel row does up to 4 taps of 16 channels.
#include "../isa/avx512vnni-begin.h"
#if DSCSIMD_BUILD
#include "../requant/requant.h"
#include "dw-rows.h"

/// Regroups a padded row for VNNI: for output column ox and channel c, the 4 bytes
/// [P(ox*s + kx*d)[c] for kx < kernel_w, 0...] (flipped to u8), so one vpdpbusd per kernel row
/// does up to 4 taps of 16 channels.
static inline __attribute__((always_inline)) void dw_group(const dscsimd_dwconv *a, uint8_t *dst, const uint8_t *P) {
    const int C = a->channels, s = a->stride_w, kw = a->kernel_w;
    const size_t step = (size_t)a->dilation_w * C;
    const __m512i flip = _mm512_set1_epi32((int)a->vnni_xor);
    const __m128i zero = _mm_setzero_si128();
    for (int ox = 0; ox < a->out_w; ox++) {
        const uint8_t *base = P + (size_t)ox * s * C;
        uint8_t *d = dst + (size_t)ox * C * 4;
        for (int c = 0; c < C; c += 16) {
            __m128i x0 = _mm_loadu_si128((const __m128i *)(const void *)(base + c));
            __m128i x1 = kw > 1 ? _mm_loadu_si128((const __m128i *)(const void *)(base + step + c)) : zero;
            __m128i x2 = kw > 2 ? _mm_loadu_si128((const __m128i *)(const void *)(base + 2 * step + c)) : zero;
            __m128i x3 = kw > 3 ? _mm_loadu_si128((const __m128i *)(const void *)(base + 3 * step + c)) : zero;
            __m128i t0 = _mm_unpacklo_epi8(x0, x1), t1 = _mm_unpackhi_epi8(x0, x1);
            __m128i t2 = _mm_unpacklo_epi8(x2, x3), t3 = _mm_unpackhi_epi8(x2, x3);
            __m512i z = _mm512_castsi128_si512(_mm_unpacklo_epi16(t0, t2));
            z = _mm512_inserti32x4(z, _mm_unpackhi_epi16(t0, t2), 1);
            z = _mm512_inserti32x4(z, _mm_unpacklo_epi16(t1, t3), 2);
            z = _mm512_inserti32x4(z, _mm_unpackhi_epi16(t1, t3), 3);
            z = _mm512_xor_si512(z, flip);
            if (c + 16 <= C) _mm512_storeu_si512((void *)(d + (size_t)c * 4), z);
            else _mm512_mask_storeu_epi32((void *)(d + (size_t)c * 4), (__mmask16)((1u << (C - c)) - 1u), z);
        }
    }
}

/// `dw_group` for one input channel (every output channel reads it): the 4-byte tap group of each
/// output column, computed once and repeated across the channels.
static inline __attribute__((always_inline)) void dw_group1(const dscsimd_dwconv *a, uint8_t *dst,
                                                                 const uint8_t *src_row, int width, uint8_t *P) {
    const int C = a->channels, s = a->stride_w, kw = a->kernel_w, d = a->dilation_w;
    {
        int left = a->pad_left < width ? a->pad_left : width;
        int inside = a->in_w < width - left ? a->in_w : width - left;
        memset(P, (uint8_t)a->pad_value, (size_t)left);
        memcpy(P + left, src_row, (size_t)inside);
        memset(P + left + inside, (uint8_t)a->pad_value, (size_t)(width - left - inside));
    }
    for (int ox = 0; ox < a->out_w; ox++) {
        const uint8_t *b = P + (size_t)ox * s;
        uint32_t word = b[0];
        if (kw > 1) word |= (uint32_t)b[d] << 8;
        if (kw > 2) word |= (uint32_t)b[2 * d] << 16;
        if (kw > 3) word |= (uint32_t)b[3 * d] << 24;
        __m512i v = _mm512_set1_epi32((int)(word ^ a->vnni_xor));
        uint8_t *o = dst + (size_t)ox * C * 4;
        int c = 0;
        for (; c + 16 <= C; c += 16) _mm512_storeu_si512((void *)(o + (size_t)c * 4), v);
        // Exact tail: overlapping wide stores would defeat store-to-load forwarding of the reads.
        if (c < C) _mm512_mask_storeu_epi32((void *)(o + (size_t)c * 4), (__mmask16)((1u << (C - c)) - 1u), v);
    }
}

/// Depthwise conv with kernel_w <= 4 on AVX-512 VNNI: kernel rows as vpdpbusd over regrouped rows (any
/// depth multiplier; one input channel through `dw_group1`).
void dscsimd_dwconv_regroup_avx512vnni(const dscsimd_op *op) {
    const dscsimd_dwconv *a = &op->dw;
    const dscsimd_requant rq = a->rq;  // local: output stores cannot alias it
    const int32_t *vbias = a->vnni_bias;
    const int8_t *vweights = a->vnni_weights;
    const int C = a->channels, L = a->period, kh = a->kernel_h;
    const dw_span span = dw_span_of(a);  // this call's output rows
    const int width = span.width;
    const size_t prow = ((size_t)width * C + 64 + 63) / 64 * 64;
    const size_t grow = ((size_t)a->out_w * C * 4 + 256 + 63) / 64 * 64;
    uint8_t *padrow = a->scratch;
    memset(padrow, (uint8_t)a->pad_value, prow);
    uint8_t *P = padrow + prow;
    uint8_t *padgroup = P + prow;
    uint8_t *groups = padgroup + grow;
    dw_group(a, padgroup, padrow);
    const size_t in_row = (size_t)a->in_w * a->in_c, image = in_row * a->in_h;
    dw_slots cache;
    dw_slots_init(&cache, a);
    const uint8_t *rowp[64];
    const size_t n = span.n;
    uint8_t *out = span.out;
    for (size_t row = span.row_begin; row < span.row_end; row++) {
        const int bi = (int)(row / a->out_h), oy = (int)(row % a->out_h);
        const uint8_t *img = a->input + (size_t)bi * image;
        for (int ky = 0; ky < kh; ky++) {
            int iy, fresh;
            const int slot = dw_slot(&cache, a, bi, oy, ky, &iy, &fresh);
            rowp[ky] = padgroup;
            if (slot >= 0) {
                uint8_t *g = groups + (size_t)slot * grow;
                if (fresh) {
                    if (a->in_c == 1) {
                        dw_group1(a, g, img + (size_t)iy * in_row, width, P);
                    } else {
                        dw_row(a, P, img + (size_t)iy * in_row, padrow, width, prow, 1);
                        dw_group(a, g, P);
                    }
                }
                rowp[ky] = g;
            }
        }
        {
            int j = 0;
            for (size_t i = 0; i < n; i += 16) {
                __m512i acc = _mm512_loadu_si512((const void *)(vbias + j));
                const int8_t *w = vweights + (size_t)j * 4;
                if (kh == 3) {
                    acc = _mm512_dpbusd_epi32(acc, _mm512_loadu_si512((const void *)(rowp[0] + 4 * i)), _mm512_loadu_si512((const void *)w));
                    acc = _mm512_dpbusd_epi32(acc, _mm512_loadu_si512((const void *)(rowp[1] + 4 * i)), _mm512_loadu_si512((const void *)(w + (size_t)L * 4)));
                    acc = _mm512_dpbusd_epi32(acc, _mm512_loadu_si512((const void *)(rowp[2] + 4 * i)), _mm512_loadu_si512((const void *)(w + (size_t)L * 8)));
                } else {
                    for (int ky = 0; ky < kh; ky++)
                        acc = _mm512_dpbusd_epi32(acc, _mm512_loadu_si512((const void *)(rowp[ky] + 4 * i)),
                                                  _mm512_loadu_si512((const void *)(w + (size_t)ky * L * 4)));
                }
                v16qu o = requant16((v16si)acc, &rq, j);
                size_t left = n - i;
                if (left >= 16) _mm_storeu_si128((__m128i *)(void *)(out + i), (__m128i)o);
                else _mm_mask_storeu_epi8(out + i, (__mmask16)((1u << left) - 1u), (__m128i)o);
                j += 16;
                if (j == L) j = 0;
            }
            out += n;
        }
    }
}
#endif
#include "../isa/end.h"
