// AVX-512 requantization: gemmlowp double rounding on 16 lanes, the narrow form, and the per-block
// parameter registers of the conv epilogue. Included only by AVX-512 builds.
#ifndef DSCSIMD_REQUANT_AVX512_H
#define DSCSIMD_REQUANT_AVX512_H

/// The tail stores of the block epilogues: a masked store of the lanes `keep` selects (a prefix). Under
/// AddressSanitizer LLVM checks a masked store lane by lane with a branch each, which made the AVX-512
/// conv tiles (hundreds of unrolled stores) take minutes to compile; there the bytes up to the last kept
/// lane are checked once (`__asan_storeN`, ASan's own report) and the store is issued from assembly,
/// which ASan does not instrument. Other builds use the intrinsic.
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DSCSIMD_ASAN_STORES 1
#endif
#endif
#ifdef DSCSIMD_ASAN_STORES
void __asan_storeN(uintptr_t address, size_t size);
static inline __attribute__((always_inline)) void rq_store_epi8_128(uint8_t *p, __mmask16 keep, __m128i v) {
    if (keep == 0) return;
    __asan_storeN((uintptr_t)p, (size_t)(32 - __builtin_clz((unsigned)keep)));
    __asm__ volatile("vmovdqu8 %1, %0%{%2%}" : "+m"(*(uint8_t(*)[16])(void *)p) : "v"(v), "Yk"(keep));
}
static inline __attribute__((always_inline)) void rq_store_epi32_512(uint8_t *p, __mmask16 keep, __m512i v) {
    if (keep == 0) return;
    __asan_storeN((uintptr_t)p, 4 * (size_t)(32 - __builtin_clz((unsigned)keep)));
    __asm__ volatile("vmovdqu32 %1, %0%{%2%}" : "+m"(*(uint8_t(*)[64])(void *)p) : "v"(v), "Yk"(keep));
}
#else
static inline __attribute__((always_inline)) void rq_store_epi8_128(uint8_t *p, __mmask16 keep, __m128i v) {
    _mm_mask_storeu_epi8(p, keep, v);
}
static inline __attribute__((always_inline)) void rq_store_epi32_512(uint8_t *p, __mmask16 keep, __m512i v) {
    _mm512_mask_storeu_epi32(p, keep, v);
}
#endif

/// M(0) ... M(15): the 16 vector registers of a block written out (the unroller gives up on the larger
/// bodies and would leave the vectors in memory).
#define DSC_RQ_EACH16(M) M(0) M(1) M(2) M(3) M(4) M(5) M(6) M(7) M(8) M(9) M(10) M(11) M(12) M(13) M(14) M(15)

/// 16 channels' requantization parameters in registers. Double rounding: m, l (left shifts), r, mask
/// (2^r - 1). Single rounding: m and t (total shifts). Narrow form: m, r, t = the multipliers of the
/// odd lanes (m >> 32 per qword), l / mask = the 64-bit nudges of the even / odd lanes.
typedef struct {
    __m512i m, l, r, mask, t;
} dscsimd_rq_block;

/// The narrow form (DSCSIMD_RQ_NARROW): with h = floor((acc*m + 2^30) / 2^31) (SRDHM without its
/// saturation case), the rounding right shift is floor((h + 2^(r-1) - [h < 0]) / 2^r). [h < 0] may be
/// replaced by [acc < 0] (they differ only when h = 0, where both give 0 for r >= 1), and
/// floor(floor(X / 2^31) + k) = floor((X + k*2^31) / 2^31), so the half and zp*2^r ride in the 64-bit
/// nudge: out + zp = (floor((acc*m + nudge) / 2^31) - [acc < 0]) >> r, nudge = 2^30 + (2^(r-1) +
/// zp*2^r) * 2^31. The flag's bound keeps every 32-bit intermediate in range.
/// With `relu` (lo >= zero point) the [acc < 0] term is left out: for acc < 0 both forms give at most
/// the zero point (h <= 0 there, and floor((h + 2^(r-1)) / 2^r) <= 0), which the lower clamp raises to lo.
static inline __attribute__((always_inline)) __m512i dscsimd_rq_narrow512(
    __m512i x, const dscsimd_rq_block *p, int relu) {
    __m512i pe = _mm512_add_epi64(_mm512_mul_epi32(x, p->m), p->l);
    __m512i po = _mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(x, 32), p->t), p->mask);
    __m512i h = _mm512_mask_blend_epi32((__mmask16)0xAAAA, _mm512_srli_epi64(pe, 31), _mm512_slli_epi64(po, 1));
    if (relu) return _mm512_srav_epi32(h, p->r);
    return _mm512_srav_epi32(_mm512_add_epi32(h, _mm512_srai_epi32(x, 31)), p->r);
}

/// The narrow form's parameters for one multiplier m >= 0, right shift r and zero point zp on every lane.
static inline __attribute__((always_inline)) dscsimd_rq_block dscsimd_rq_block_uniform(
    int32_t m, int r, int32_t zp) {
    dscsimd_rq_block p;
    const int64_t k = ((int64_t)1 << (r - 1)) + (int64_t)zp * ((int64_t)1 << r);
    p.m = p.t = _mm512_set1_epi32(m);
    p.l = p.mask = _mm512_set1_epi64(((int64_t)1 << 30) + k * ((int64_t)1 << 31));
    p.r = _mm512_set1_epi32(r);
    return p;
}

/// gemmlowp double rounding on 16 lanes with AVX-512: the 64-bit products of even and odd lanes,
/// floor((p + 2^30) / 2^31) taken from bits 31...62, then the rounding right shift. `mask` is
/// 2^r - 1; `flags` (DSCSIMD_RQ_*) skip the left shift and the INT32_MIN check when no channel needs them.
static inline __attribute__((always_inline)) __m512i rq_double512(__m512i x, __m512i m, __m512i l, __m512i r,
                                                                       __m512i mask, int flags) {
    const __m512i nudge = _mm512_set1_epi64((int64_t)1 << 30);
    __m512i a = (flags & DSCSIMD_RQ_LEFT_SHIFT) ? _mm512_sllv_epi32(x, l) : x;
    __m512i pe = _mm512_add_epi64(_mm512_mul_epi32(a, m), nudge);
    __m512i po = _mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(a, 32), _mm512_srli_epi64(m, 32)), nudge);
    __m512i h = _mm512_mask_blend_epi32((__mmask16)0xAAAA, _mm512_srli_epi64(pe, 31), _mm512_slli_epi64(po, 1));
    if (flags & DSCSIMD_RQ_MIN_MULTIPLIER) {
        const __m512i min = _mm512_set1_epi32(INT32_MIN);
        __mmask16 sat = _mm512_cmpeq_epi32_mask(a, min) & _mm512_cmpeq_epi32_mask(m, min);
        h = _mm512_mask_mov_epi32(h, sat, _mm512_set1_epi32(INT32_MAX));
    }
    __m512i rem = _mm512_and_si512(h, mask);
    __m512i thr = _mm512_add_epi32(_mm512_srli_epi32(mask, 1), _mm512_srli_epi32(h, 31));
    __mmask16 up = _mm512_cmpgt_epi32_mask(rem, thr);
    __m512i q = _mm512_srav_epi32(h, r);
    return _mm512_mask_sub_epi32(q, up, q, _mm512_set1_epi32(-1));
}

/// One block of 16 channels' requantization parameters in registers (`dscsimd_rq_block`), loaded
/// once per tile so the byte stores (which may alias anything) do not force a reload for every row.
static inline __attribute__((always_inline)) dscsimd_rq_block rq_block_load(const dscsimd_requant *rq, int c0) {
    dscsimd_rq_block p;
    p.m = _mm512_loadu_si512((const void *)(rq->multiplier + c0));
    if (!rq->single_rounding && (rq->flags & DSCSIMD_RQ_NARROW)) {
        p.r = _mm512_loadu_si512((const void *)(rq->right_shift + c0));
        p.l = _mm512_loadu_si512((const void *)(rq->narrow_nudge + c0));
        p.mask = _mm512_loadu_si512((const void *)(rq->narrow_nudge + c0 + 8));
        p.t = _mm512_srli_epi64(p.m, 32);
    } else if (rq->single_rounding) {
        p.t = _mm512_loadu_si512((const void *)(rq->total_shift + c0));
        p.l = p.r = p.mask = p.t;
    } else {
        p.l = _mm512_loadu_si512((const void *)(rq->left_shift + c0));
        p.r = _mm512_loadu_si512((const void *)(rq->right_shift + c0));
        p.mask = _mm512_loadu_si512((const void *)(rq->right_mask + c0));
        p.t = p.r;
    }
    return p;
}

/// `requant16` with the block's parameters in registers; `mode` is 0 (double rounding, no rare case),
/// 1 (double rounding with `flags`), 2 (single rounding), 3 (DSCSIMD_RQ_NARROW), 4 (narrow with
/// hi = 127: the signed saturating narrowing is the upper clamp) or 5 (4 with lo >= zero point, see
/// `dscsimd_rq_narrow512`), so each case compiles without tests.
static inline __attribute__((always_inline)) __m128i rq_block_apply(__m512i acc, const dscsimd_rq_block *p,
                                                                       const int mode, int flags, __m512i zp,
                                                                       __m512i lo, __m512i hi) {
    __m512i v;
    __m128i bytes;
    if (mode >= 3) {
        v = _mm512_max_epi32(dscsimd_rq_narrow512(acc, p, mode == 5), lo);
        if (mode >= 4) {
            bytes = _mm512_cvtsepi32_epi8(v);
            __asm__("" : "+v"(bytes));
            return bytes;
        }
        v = _mm512_min_epi32(v, hi);
        bytes = _mm512_cvtepi32_epi8(v);
        __asm__("" : "+v"(bytes));
        return bytes;
    }
    if (mode == 2) v = (__m512i)rq_single((v16si)acc, (v16si)p->m, (v16si)p->t);
    else v = rq_double512(acc, p->m, p->l, p->r, p->mask, mode == 0 ? 0 : flags);
    v = _mm512_min_epi32(_mm512_max_epi32(_mm512_add_epi32(v, zp), lo), hi);
    bytes = _mm512_cvtepi32_epi8(v);
    __asm__("" : "+v"(bytes));  // keep vpmovdb in a register (see requant16)
    return bytes;
}

/// DSCSIMD_RQ_MODE_MULSHIFT on 16 lanes: clamp((max(acc, 0) * m) >> shift, lo, hi) on the 64-bit
/// products of the even and odd lanes, clamped in 64 bits, then the low halves recombined.
static inline __attribute__((always_inline)) __m512i rq_mulshift512(__m512i acc, __m512i m, __m128i shift, int relu,
                                                                   __m512i lo64, __m512i hi64) {
    if (relu) acc = _mm512_max_epi32(acc, _mm512_setzero_si512());
    __m512i pe = _mm512_sra_epi64(_mm512_mul_epi32(acc, m), shift);
    __m512i po = _mm512_sra_epi64(_mm512_mul_epi32(_mm512_srli_epi64(acc, 32), _mm512_srli_epi64(m, 32)), shift);
    pe = _mm512_min_epi64(_mm512_max_epi64(pe, lo64), hi64);
    po = _mm512_min_epi64(_mm512_max_epi64(po, lo64), hi64);
    return _mm512_mask_blend_epi32((__mmask16)0xAAAA, pe, _mm512_slli_epi64(po, 32));
}

/// Stores the int32 outputs of one 16-channel block (DSCSIMD_RQ_MODE_RAW); with `pairs` vector i
/// holds rows 2i (lanes 0-7) and 2i+1 (lanes 8-15).
static inline __attribute__((always_inline)) void rq_block_store_raw(
    const int MR, const int pairs, const __m512i *v, int rows, int c, int n, uint8_t *out, size_t out_stride)
{
    const __mmask16 keep = n >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n) - 1u);
    if (pairs) {
#pragma clang loop unroll(full)
        for (int i = 0; i < MR / 2; i++) {
            if (2 * i >= rows) break;
            rq_store_epi32_512(out + (size_t)(2 * i) * out_stride + 4 * (size_t)c, keep & 0xFF, v[i]);
            if (2 * i + 1 < rows)
                rq_store_epi32_512(out + (size_t)(2 * i + 1) * out_stride + 4 * (size_t)c, keep & 0xFF,
                                         _mm512_shuffle_i64x2(v[i], v[i], 0xEE));
        }
        return;
    }
#pragma clang loop unroll(full)
    for (int r = 0; r < MR; r++) {
        if (r >= rows) break;
        rq_store_epi32_512(out + (size_t)r * out_stride + 4 * (size_t)c, keep, v[r]);
    }
}

/// Requantizes and stores one 16-channel block: acc[r] is row r's accumulator, `rows` (<= MR) rows;
/// `out_stride` is the bytes between rows. With `pairs` (at most 8 channels, n <= 8), acc[i] holds
/// rows 2i (lanes 0-7) and 2i+1 (lanes 8-15), so the parameters' first 8 lanes are repeated in the
/// upper half. A saturating accumulator is clamped and its bias added first (`dscsimd_requant.saturate`).
static inline __attribute__((always_inline)) void rq_block_store(
    const int MR, const int mode, const int pairs, const __m512i *acc_in, int rows, const dscsimd_requant *rq,
    int c, int n, uint8_t *out, size_t out_stride)
{
    dscsimd_rq_block p = rq_block_load(rq, c);
    if (pairs) {
        p.m = _mm512_shuffle_i64x2(p.m, p.m, 0x44);
        p.l = _mm512_shuffle_i64x2(p.l, p.l, 0x44);
        p.r = _mm512_shuffle_i64x2(p.r, p.r, 0x44);
        p.mask = _mm512_shuffle_i64x2(p.mask, p.mask, 0x44);
        p.t = _mm512_shuffle_i64x2(p.t, p.t, 0x44);
    }
    const int vectors = pairs ? MR / 2 : MR;
    __m512i acc[16];
#pragma clang loop unroll(full)
    for (int r = 0; r < vectors; r++) acc[r] = acc_in[r];
    if (rq->saturate) {
        __m512i pb = _mm512_loadu_si512((const void *)(rq->post_bias + c));
        if (pairs) pb = _mm512_shuffle_i64x2(pb, pb, 0x44);
        const __m512i slo = _mm512_set1_epi32(rq->sat_lo), shi = _mm512_set1_epi32(rq->sat_hi);
#pragma clang loop unroll(full)
        for (int r = 0; r < vectors; r++) acc[r] = _mm512_add_epi32(_mm512_min_epi32(_mm512_max_epi32(acc[r], slo), shi), pb);
    }
    if (mode == 7) {
        rq_block_store_raw(MR, pairs, acc, rows, c, n, out, out_stride);
        return;
    }
    const int flags = rq->flags;
    const __m512i zp = _mm512_set1_epi32(rq->zero_point), lo = _mm512_set1_epi32(rq->lo), hi = _mm512_set1_epi32(rq->hi);
    const __mmask16 keep = n >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n) - 1u);
    __m128i o[16];
    if (mode == 6 && (rq->flags & DSCSIMD_RQ_MULSHIFT_NARROW)) {
        // DSCSIMD_RQ_MULSHIFT_NARROW: 32-bit lanes throughout.
        __m512i cap = _mm512_loadu_si512((const void *)(rq->mulshift_cap + c));
        if (pairs) cap = _mm512_shuffle_i64x2(cap, cap, 0x44);
        const __m128i shift = _mm_cvtsi32_si128(rq->mulshift_shift);
        const __m512i zero = _mm512_setzero_si512();
#define DSC_RQ_MULSHIFT_NARROW(r)                                                                            \
    if ((r) < vectors) {                                                                                     \
        __m512i x = _mm512_min_epi32(_mm512_max_epi32(acc[r], zero), cap);                                   \
        x = _mm512_srl_epi32(_mm512_mullo_epi32(x, p.m), shift);                                             \
        o[r] = _mm512_cvtepi32_epi8(_mm512_max_epi32(_mm512_min_epi32(x, hi), lo));                          \
        __asm__("" : "+v"(o[r]));                                                                            \
    }
        DSC_RQ_EACH16(DSC_RQ_MULSHIFT_NARROW)
#undef DSC_RQ_MULSHIFT_NARROW
    } else if (mode == 6) {
        const __m128i shift = _mm_cvtsi32_si128(rq->mulshift_shift);
        const __m512i lo64 = _mm512_set1_epi64(rq->lo), hi64 = _mm512_set1_epi64(rq->hi);
#define DSC_RQ_MULSHIFT(r)                                                                              \
    if ((r) < vectors) {                                                                                \
        o[r] = _mm512_cvtepi32_epi8(rq_mulshift512(acc[r], p.m, shift, rq->mulshift_relu, lo64, hi64));  \
        __asm__("" : "+v"(o[r]));                                                                       \
    }
        DSC_RQ_EACH16(DSC_RQ_MULSHIFT)
#undef DSC_RQ_MULSHIFT
    } else if (mode == 8) {
        // DSCSIMD_RQ_MODE_MULADDSHIFT (`rq_muladdshift`): 32-bit lanes, the shift logical on max(v, 0).
        __m512i add = _mm512_loadu_si512((const void *)(rq->addend + c));
        if (pairs) add = _mm512_shuffle_i64x2(add, add, 0x44);
        const __m128i shift = _mm_cvtsi32_si128(rq->mulshift_shift);
        const __m512i half = _mm512_set1_epi32(rq->mulshift_shift > 0 ? (int32_t)1 << (rq->mulshift_shift - 1) : 0);
        const __m512i zero = _mm512_setzero_si512();
#define DSC_RQ_MULADDSHIFT(r)                                                                          \
    if ((r) < vectors) {                                                                               \
        __m512i v = _mm512_max_epi32(_mm512_add_epi32(_mm512_mullo_epi32(acc[r], p.m), add), zero);     \
        v = _mm512_srl_epi32(_mm512_add_epi32(v, half), shift);                                        \
        o[r] = _mm512_cvtepi32_epi8(_mm512_min_epi32(v, hi));                                          \
        __asm__("" : "+v"(o[r]));                                                                      \
    }
        DSC_RQ_MULADDSHIFT(0) DSC_RQ_MULADDSHIFT(1) DSC_RQ_MULADDSHIFT(2) DSC_RQ_MULADDSHIFT(3)
        DSC_RQ_MULADDSHIFT(4) DSC_RQ_MULADDSHIFT(5) DSC_RQ_MULADDSHIFT(6) DSC_RQ_MULADDSHIFT(7)
        DSC_RQ_MULADDSHIFT(8) DSC_RQ_MULADDSHIFT(9) DSC_RQ_MULADDSHIFT(10) DSC_RQ_MULADDSHIFT(11)
        DSC_RQ_MULADDSHIFT(12) DSC_RQ_MULADDSHIFT(13) DSC_RQ_MULADDSHIFT(14) DSC_RQ_MULADDSHIFT(15)
#undef DSC_RQ_MULADDSHIFT
    } else if (mode == 9) {
        // DSCSIMD_RQ_MODE_ORT (`rq_ort`): float multiply, float clamp, cvtps2dq (round to nearest even).
        __m512 sc = _mm512_loadu_ps(rq->ort_scale + c);
        if (pairs) sc = _mm512_shuffle_f32x4(sc, sc, 0x44);
        const __m512 flo = _mm512_set1_ps((float)(rq->lo - rq->zero_point));
        const __m512 fhi = _mm512_set1_ps((float)(rq->hi - rq->zero_point));
#define DSC_RQ_ORT(r)                                                                                       \
    if ((r) < vectors) {                                                                                    \
        __m512 f = _mm512_mul_ps(_mm512_cvtepi32_ps(acc[r]), sc);                                           \
        f = _mm512_min_ps(_mm512_max_ps(f, flo), fhi);                                                      \
        o[r] = _mm512_cvtepi32_epi8(_mm512_add_epi32(_mm512_cvtps_epi32(f), zp));                           \
        __asm__("" : "+v"(o[r]));                                                                           \
    }
        DSC_RQ_ORT(0) DSC_RQ_ORT(1) DSC_RQ_ORT(2) DSC_RQ_ORT(3) DSC_RQ_ORT(4) DSC_RQ_ORT(5) DSC_RQ_ORT(6) DSC_RQ_ORT(7)
        DSC_RQ_ORT(8) DSC_RQ_ORT(9) DSC_RQ_ORT(10) DSC_RQ_ORT(11) DSC_RQ_ORT(12) DSC_RQ_ORT(13) DSC_RQ_ORT(14) DSC_RQ_ORT(15)
#undef DSC_RQ_ORT
    } else {
        // Written out rather than `unroll(full)`: the unroller gives up on the larger modes (16 copies
        // of the rare-case requantization) and would leave o[] in memory.
#define DSC_RQ_APPLY(r) if ((r) < vectors) o[r] = rq_block_apply(acc[r], &p, mode, flags, zp, lo, hi);
        DSC_RQ_EACH16(DSC_RQ_APPLY)
#undef DSC_RQ_APPLY
    }
    if (pairs) {
#pragma clang loop unroll(full)
        for (int i = 0; i < vectors; i++) {
            if (2 * i >= rows) break;
            rq_store_epi8_128(out + (size_t)(2 * i) * out_stride + c, keep, o[i]);
            if (2 * i + 1 < rows) rq_store_epi8_128(out + (size_t)(2 * i + 1) * out_stride + c, keep, _mm_srli_si128(o[i], 8));
        }
        return;
    }
#pragma clang loop unroll(full)
    for (int r = 0; r < MR; r++) {
        if (r >= rows) break;
        if (n >= 16) _mm_storeu_si128((__m128i *)(void *)(out + r * out_stride + c), o[r]);
        else rq_store_epi8_128(out + r * out_stride + c, keep, o[r]);
    }
}

/// `rq_block_store` dispatched on the requantization: 6 mul-shift, 7 raw int32, 8 multiply-add-shift,
/// 9 ONNX Runtime's, else TFLite's by rounding mode and flags.
static inline __attribute__((always_inline)) void rq_block_store_any(
    const int MR, const int pairs, const __m512i *acc, int rows, const dscsimd_requant *rq, int c, int n,
    uint8_t *out, size_t out_stride)
{
    if (rq->mode == DSCSIMD_RQ_MODE_MULSHIFT) rq_block_store(MR, 6, pairs, acc, rows, rq, c, n, out, out_stride);
    else if (rq->mode == DSCSIMD_RQ_MODE_RAW) rq_block_store(MR, 7, pairs, acc, rows, rq, c, n, out, out_stride);
    else if (rq->mode == DSCSIMD_RQ_MODE_MULADDSHIFT) rq_block_store(MR, 8, pairs, acc, rows, rq, c, n, out, out_stride);
    else if (rq->mode == DSCSIMD_RQ_MODE_ORT) rq_block_store(MR, 9, pairs, acc, rows, rq, c, n, out, out_stride);
    else if (rq->single_rounding) rq_block_store(MR, 2, pairs, acc, rows, rq, c, n, out, out_stride);
    else if ((rq->flags & DSCSIMD_RQ_NARROW) && rq->hi == 127 && rq->lo >= rq->zero_point)
        rq_block_store(MR, 5, pairs, acc, rows, rq, c, n, out, out_stride);
    else if ((rq->flags & DSCSIMD_RQ_NARROW) && rq->hi == 127) rq_block_store(MR, 4, pairs, acc, rows, rq, c, n, out, out_stride);
    else if (rq->flags & DSCSIMD_RQ_NARROW) rq_block_store(MR, 3, pairs, acc, rows, rq, c, n, out, out_stride);
    else if (rq->flags) rq_block_store(MR, 1, pairs, acc, rows, rq, c, n, out, out_stride);
    else rq_block_store(MR, 0, pairs, acc, rows, rq, c, n, out, out_stride);
}

#endif
