// The natural-order ("phase") depthwise kernel of the VNNI builds: an output row's bytes are computed
// 64 at a time in their own (pixel, channel) order as 4 "phases" (lane j of phase k accumulates byte
// 4j+k), so every tap is one contiguous 64-byte load of a row padded, split by stride phase and
// flipped to u8. The build's `phase_chunk` (before this header) does one 64-byte chunk; this driver
// walks the rows. No regrouping of rows; the multiply count is 4x the useful one.
#ifndef DSCSIMD_DWCONV_PHASE_H
#define DSCSIMD_DWCONV_PHASE_H

void KFN(dscsimd_dwconv_phase)(const dscsimd_op *op) {
    const dscsimd_dwconv *a = &op->dw;
    const dscsimd_requant rq = a->phase_rq;  // local: output stores cannot alias it
    const int32_t *pbias = a->phase_bias;
    const int8_t *pw = a->phase_weights;
    const int C = a->channels, P = a->phase_period, taps = a->kernel_h * a->kernel_w, s = a->stride_w;
    const dw_span span = dw_span_of(a);  // this call's output rows
    const int width = span.width;
    const size_t phase_stride = dscsimd_dw_phase_stride(C, a->out_w, s, a->kernel_w, a->dilation_w);
    const size_t row_bytes = phase_stride * s;
    // Scratch: [raw pad row (dw_row reads it)][flipped pad row (rows outside the image)][tmp][kernel_h rows].
    uint8_t *padrow = a->scratch;
    memset(padrow, (uint8_t)a->pad_value, row_bytes);
    uint8_t *padflip = padrow + row_bytes;
    memset(padflip, (uint8_t)a->pad_value ^ (uint8_t)a->vnni_xor, row_bytes);
    uint8_t *tmp = padflip + row_bytes;
    uint8_t *rows = tmp + row_bytes;
    // AVX-512, stride 2, multiplier 1, channels a multiple of 16: rows split into stride phases by
    // 512-bit lane shuffles (`dw_row_split2`) instead of per pixel.
    const int split2 = KVNNI && s == 2 && a->depth_multiplier == 1 && C % 16 == 0;
    const size_t image = (size_t)a->in_w * a->in_c * a->in_h;
    dw_slots cache;
    dw_slots_init(&cache, a);
    size_t toff[64];
    dw_tap_offsets(a, phase_stride, toff);
    const uint8_t *base[64];
    const size_t n = span.n;
    const size_t wstride = (size_t)P * 4;
    uint8_t *out = span.out;
    for (size_t row = span.row_begin; row < span.row_end; row++) {
        const int bi = (int)(row / a->out_h), oy = (int)(row % a->out_h);
        dw_cached_rows(a, &cache, bi, oy, a->input + (size_t)bi * image, rows, padrow, padflip, tmp, toff, width,
                       phase_stride, row_bytes, (uint8_t)a->vnni_xor, split2, base);
        int j = 0;
        for (size_t i = 0; i < n; i += 64) {
            phase_chunk(out + i, n - i, base, i, taps, pbias + j, pw + (size_t)j * 4, wstride, &rq, j);
            j += 64;
            if (j == P) j = 0;
        }
        out += n;
    }
}

#endif
