// The ap_fixed buffer moves that convert codes on the way (bias fills, stores through ReLU, ACC to FM,
// narrowing copies), one portable build: memory-bound loops the compiler vectorises.
#include "../isa/portable-begin.h"
#if DSCSIMD_BUILD

void dscsimd_apfixed_fill(int16_t *dst, int32_t rows, int32_t cols, int32_t lanes, int32_t row_stride,
                          const int16_t *value) {
    if (rows <= 0 || cols <= 0) return;
    // The first row cell by cell, then copies of it.
    for (int32_t c = 0; c < cols; c++) memcpy(dst + (size_t)c * lanes, value, (size_t)lanes * sizeof(int16_t));
    for (int32_t r = 1; r < rows; r++) memcpy(dst + (size_t)r * row_stride, dst, (size_t)cols * lanes * sizeof(int16_t));
}

typedef int16_t v32hi_apf __attribute__((vector_size(64)));
typedef uint16_t v32hu_apf __attribute__((vector_size(64)));

/// ACC codes to FM codes through ReLU, in int16 without overflow: floor((e + 2) / 4) =
/// (e >> 2) + ((e >> 1) & 1); then clamp to 255 and ReLU.
#define ACC_FM_RELU(e) \
    __builtin_elementwise_max(__builtin_elementwise_min(((e) >> 2) + (((e) >> 1) & 1), (v32hi_apf){0} + 255), (v32hi_apf){0})

/// Applies `body` (an expression of v32hi_apf `v`) to `count` codes 32 at a time, then the tail.
#define APFIXED_MAP(dst, src, count, body)                                    \
    do {                                                                      \
        size_t i_ = 0;                                                        \
        for (; i_ + 32 <= (count); i_ += 32) {                                \
            v32hi_apf v;                                                      \
            memcpy(&v, (src) + i_, 64);                                       \
            v32hi_apf r_ = (body);                                            \
            memcpy((dst) + i_, &r_, 64);                                      \
        }                                                                     \
        if (i_ < (count)) {                                                   \
            v32hi_apf v = {0};                                                \
            memcpy(&v, (src) + i_, ((count) - i_) * 2);                       \
            v32hi_apf r_ = (body);                                            \
            memcpy((dst) + i_, &r_, ((count) - i_) * 2);                      \
        }                                                                     \
    } while (0)

void dscsimd_apfixed_relu(int16_t *dst, const int16_t *src, size_t count) {
    APFIXED_MAP(dst, src, count, __builtin_elementwise_max(v, (v32hi_apf){0}));
}

void dscsimd_apfixed_acc_to_fm_relu(int16_t *dst, const int16_t *src, size_t count) {
    APFIXED_MAP(dst, src, count, ACC_FM_RELU(v));
}

void dscsimd_apfixed_truncate(int16_t *dst, const int16_t *src, size_t count, int32_t bits) {
    const int16_t up = (int16_t)(16 - bits);
    APFIXED_MAP(dst, src, count, (v32hi_apf)((v32hu_apf)v << up) >> up);
}

void dscsimd_apfixed_maxpool(int16_t *dst, const int16_t *src, int32_t rows, int32_t cols, int32_t lanes,
                             int32_t dst_row_stride, int32_t src_row_stride) {
    for (int32_t i = 0; i < rows; i++) {
        const int16_t *s0 = src + (size_t)(2 * i) * src_row_stride;
        const int16_t *s1 = s0 + src_row_stride;
        int16_t *d = dst + (size_t)i * dst_row_stride;
        for (int32_t j = 0; j < cols; j++, d += lanes, s0 += 2 * lanes, s1 += 2 * lanes) {
            int32_t l = 0;
            for (; l + 32 <= lanes; l += 32) {
                v32hi_apf a, b, c, e;
                memcpy(&a, s0 + l, 64);
                memcpy(&b, s0 + lanes + l, 64);
                memcpy(&c, s1 + l, 64);
                memcpy(&e, s1 + lanes + l, 64);
                v32hi_apf m = __builtin_elementwise_max(__builtin_elementwise_max(ACC_FM_RELU(a), ACC_FM_RELU(b)),
                                                        __builtin_elementwise_max(ACC_FM_RELU(c), ACC_FM_RELU(e)));
                memcpy(d + l, &m, 64);
            }
            for (; l < lanes; l++) {
                int16_t m = 0;
                const int16_t v[4] = {s0[l], s0[lanes + l], s1[l], s1[lanes + l]};
                for (int k = 0; k < 4; k++) {
                    int32_t f = (v[k] + 2) >> 2;
                    f = f > 255 ? 255 : f;
                    m = f > m ? (int16_t)f : m;
                }
                d[l] = m;
            }
        }
    }
}

void dscsimd_apfixed_load_image(int16_t *dst, int32_t rows, int32_t cols, int32_t lanes, int32_t dst_row_stride,
                                const uint8_t *src, int32_t channels, int64_t plane_stride, int32_t src_row_stride,
                                const int16_t *table) {
    for (int32_t r = 0; r < rows; r++) {
        int16_t *d = dst + (size_t)r * dst_row_stride;
        for (int32_t ch = 0; ch < channels; ch++) {
            const uint8_t *s = src + ch * plane_stride + (int64_t)r * src_row_stride;
            for (int32_t c = 0; c < cols; c++) d[(size_t)c * lanes + ch] = table[s[c]];
        }
    }
}

void dscsimd_apfixed_reorg2x2(const dscsimd_apfixed_reorg *a) {
    for (int32_t j = 0; j < 4; j++) {
        const uint32_t m = a->field_bits[j] >= 16 ? 0xFFFFu : ((1u << a->field_bits[j]) - 1u);
        const int32_t up = 32 - a->width_bits[j];
        for (int32_t y = 0; y < a->rows; y++) {
            for (int32_t dy = 0; dy < 2; dy++) {
                const int16_t *s = a->src + (size_t)(2 * y + dy) * a->src_row_stride;
                int16_t *d = a->dst[j] + (size_t)y * a->dst_row_stride[j];
                for (int32_t x = 0; x < a->cols; x++) {
                    for (int32_t dx = 0; dx < 2; dx++) {
                        const int16_t *sc = s + (size_t)(2 * x + dx) * 32 + 8 * j;
                        int16_t *dc = d + (size_t)x * 32 + 2 * dy + dx;
                        for (int32_t l = 0; l < 8; l++) {
                            uint32_t old = (uint16_t)dc[4 * l], v = (uint16_t)sc[l];
                            uint32_t merged = (old & ~m) | (v & m);
                            dc[4 * l] = (int16_t)((int32_t)(merged << up) >> up);
                        }
                    }
                }
            }
        }
    }
}

#endif
#include "../isa/end.h"
