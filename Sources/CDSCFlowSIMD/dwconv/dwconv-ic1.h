// The depthwise kernel of one input channel (depth multiplier C, e.g. person_detect's first layer) on
// the VNNI builds: per input row the 4-byte tap word of each output column is computed once
// (`dw_single_rows`); the build's `ic1_vector` (before this header) computes 16 output bytes from
// those words with one vpdpbusd per kernel row; this driver walks the rows.
#ifndef DSCSIMD_DWCONV_IC1_H
#define DSCSIMD_DWCONV_IC1_H

void KFN(dscsimd_dwconv_ic1)(const dscsimd_op *op) {
    const dscsimd_dwconv *a = &op->dw;
    const dscsimd_requant rq = a->rq;  // local: output stores cannot alias it
    const int32_t *vbias = a->vnni_bias;
    const int8_t *vweights = a->vnni_weights;
    const int C = a->channels, L = a->period, kh = a->kernel_h;
    const dw_span span = dw_span_of(a);  // this call's output rows
    const int width = span.width;
    const size_t prow = ((size_t)width + 64 + 63) / 64 * 64;
    const size_t wrow = ((size_t)a->out_w * 4 + 64 + 63) / 64 * 64;
    // Scratch: [padded row][tap words of a padding row][kernel_h rows of tap words].
    uint8_t *P = a->scratch;
    uint32_t *padwords = (uint32_t *)(void *)(P + prow);
    uint32_t *slots = (uint32_t *)(void *)(P + prow + wrow);
    memset(P, (uint8_t)a->pad_value, (size_t)width);
    dw_words(a, padwords, P);
    const size_t image = (size_t)a->in_w * a->in_h;
    dw_slots cache;
    dw_slots_init(&cache, a);
    const uint32_t *rowp[64];
    const size_t n = span.n;
    const int left = a->pad_left < width ? a->pad_left : width;
    const int inside = a->in_w < width - left ? a->in_w : width - left;
    // Lane l of an output vector reads the word of pixel l / C of its first pixel's 16 (C < 16).
    int32_t lane_pixel[16];
    for (int l = 0; l < 16; l++) lane_pixel[l] = l / C;
    uint8_t *out = span.out;
    for (size_t row = span.row_begin; row < span.row_end; row++) {
        const int bi = (int)(row / a->out_h), oy = (int)(row % a->out_h);
        dw_single_rows(a, &cache, bi, oy, a->input + (size_t)bi * image, P, padwords, (uint8_t *)slots, wrow, width,
                       left, inside, rowp);
        int j = 0;
        for (size_t i = 0; i < n; i += 16) {
            const size_t rest = n - i;
            ic1_vector(out + i, rest >= 16 ? 16 : (int)rest, rowp, kh, i, C, lane_pixel, vbias + j,
                       vweights + (size_t)j * 4, L, &rq, j);
            j += 16;
            if (j == L) j = 0;
        }
        out += n;
    }
}

#endif
