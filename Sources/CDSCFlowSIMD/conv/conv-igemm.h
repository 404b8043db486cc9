// The indirect-GEMM conv driver, built once per ISA by conv-igemm-<isa>.c.
#ifndef DSCSIMD_CONV_IGEMM_H
#define DSCSIMD_CONV_IGEMM_H

#include "conv-blocks.h"
#include "conv-indirection.h"

#ifndef DSCSIMD_CONV_IGEMM
#define DSCSIMD_CONV_IGEMM dscsimd_conv_igemm
#endif

void KFN(DSCSIMD_CONV_IGEMM)(const dscsimd_op *op) {
    const dscsimd_conv *a = &op->conv;
    // A local copy: the byte stores to the output may alias anything, so fields read through `a`
    // would be reloaded after every store.
    const dscsimd_requant rq = a->rq;
    const int kh = a->kernel_h, kw = a->kernel_w;
    const int taps = kh * kw;
    const size_t pixels = (size_t)a->batches * a->in_h * a->in_w;
    // Scratch: [pad row][indirection RB x taps][input copy with channels padded to 4, if needed].
    const int in_c = (a->in_c + 3) / 4 * 4;
    const int cq = in_c / 4;
    uint8_t *padrow = a->scratch;
    size_t padbytes = ((size_t)in_c + 63) / 64 * 64;
    // Parts of a threaded run find the input prepared by the prologue call.
    const int prepare = a->parts <= 1 || a->prologue;
    if (prepare) memset(padrow, a->pad_byte, padbytes);
    const uint8_t **scratch_ind = (const uint8_t **)(void *)(a->scratch + padbytes);
    const uint8_t *input = a->input;
    uint32_t xr = a->input_xor;
    if ((in_c != a->in_c || (KVNNI && xr != 0)) && !prepare) {
        input = (const uint8_t *)(scratch_ind + (size_t)DSCSIMD_RB * taps);
        xr = 0;
    } else if (in_c != a->in_c || (KVNNI && xr != 0)) {
        // Copy the input once, flipped to u8 (so the microkernel broadcasts straight from memory) and,
        // for few channels (first layers), with zero channels up to a multiple of 4 (their packed
        // weights are 0) so every tap is whole 4-byte groups.
        uint8_t *copy = (uint8_t *)(scratch_ind + (size_t)DSCSIMD_RB * taps);
        const uint8_t *src = a->input;
        const int c0 = a->in_c;
        if (c0 == in_c) {
            copy_xor(copy, src, pixels * (size_t)in_c, (uint8_t)xr);
        } else if (c0 < 4) {
            // One 4-byte load per pixel (the over-read stays inside the arena), upper channels masked.
            const uint32_t keep = (uint32_t)((1ull << (8 * c0)) - 1);
            for (size_t p = 0; p < pixels; p++) {
                uint32_t v;
                memcpy(&v, src, 4);
                v = (v & keep) ^ xr;
                memcpy(copy, &v, 4);
                copy += 4;
                src += c0;
            }
        } else {
            for (size_t p = 0; p < pixels; p++) {
                for (int c = 0; c < c0; c++) copy[c] = src[c] ^ (uint8_t)xr;
                for (int c = c0; c < in_c; c++) copy[c] = 0;
                copy += in_c;
                src += c0;
            }
        }
        input = (const uint8_t *)(scratch_ind + (size_t)DSCSIMD_RB * taps);
        memset(padrow, a->pad_byte ^ (uint8_t)xr, padbytes);
        xr = 0;
    }
    if (a->prologue) return;
    const conv_span span = conv_span_of(a);
    for (size_t p0 = span.begin; p0 < span.end; p0 += DSCSIMD_RB) {
        const int rows = conv_block_rows(span, p0);
        const uint8_t **ind = a->indirection ? a->indirection + (p0 / DSCSIMD_RB) * DSCSIMD_RB * (size_t)taps : scratch_ind;
        if (!a->indirection) dscsimd_conv_block_indirection(a, input, padrow, p0, rows, scratch_ind);
        conv_blocks(a, &rq, ind, taps, cq, xr, rows, a->output + p0 * conv_out_stride(a, &rq));
    }
}

#endif
