// The ap_fixed buffer moves that convert codes on the way (bias fills, stores through ReLU, ACC to FM,
// narrowing copies), one portable build: memory-bound loops the compiler vectorises.
#include "../isa/portable-begin.h"
#if DSCSIMD_BUILD

void dscsimd_apfixed_fill(int16_t *dst, int32_t rows, int32_t cols, int32_t lanes, int32_t row_stride,
                          const int16_t *value) {
    for (int32_t r = 0; r < rows; r++) {
        int16_t *d = dst + (size_t)r * row_stride;
        for (int32_t c = 0; c < cols; c++, d += lanes) memcpy(d, value, (size_t)lanes * sizeof(int16_t));
    }
}

void dscsimd_apfixed_relu(int16_t *dst, const int16_t *src, size_t count) {
    for (size_t i = 0; i < count; i++) dst[i] = src[i] > 0 ? src[i] : 0;
}

/// ACC code to FM code (round half up by 2 bits, saturate to 9 bits), then ReLU.
static inline int16_t apfixed_acc_fm_relu(int16_t e) {
    int32_t f = ((int32_t)e + 2) >> 2;
    f = f > 255 ? 255 : f;
    return (int16_t)(f > 0 ? f : 0);
}

void dscsimd_apfixed_acc_to_fm_relu(int16_t *dst, const int16_t *src, size_t count) {
    for (size_t i = 0; i < count; i++) dst[i] = apfixed_acc_fm_relu(src[i]);
}

void dscsimd_apfixed_truncate(int16_t *dst, const int16_t *src, size_t count, int32_t bits) {
    const int32_t up = 32 - bits;
    for (size_t i = 0; i < count; i++) dst[i] = (int16_t)((int32_t)((uint32_t)src[i] << up) >> up);
}

void dscsimd_apfixed_maxpool(int16_t *dst, const int16_t *src, int32_t rows, int32_t cols, int32_t lanes,
                             int32_t dst_row_stride, int32_t src_row_stride) {
    for (int32_t i = 0; i < rows; i++) {
        const int16_t *s0 = src + (size_t)(2 * i) * src_row_stride;
        const int16_t *s1 = s0 + src_row_stride;
        int16_t *d = dst + (size_t)i * dst_row_stride;
        for (int32_t j = 0; j < cols; j++, d += lanes, s0 += 2 * lanes, s1 += 2 * lanes) {
            for (int32_t l = 0; l < lanes; l++) {
                int16_t m = apfixed_acc_fm_relu(s0[l]);
                int16_t v = apfixed_acc_fm_relu(s0[lanes + l]);
                m = v > m ? v : m;
                v = apfixed_acc_fm_relu(s1[l]);
                m = v > m ? v : m;
                v = apfixed_acc_fm_relu(s1[lanes + l]);
                d[l] = v > m ? v : m;
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
