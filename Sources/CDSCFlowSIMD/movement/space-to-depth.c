// Space-to-depth (SkyNet's reorg, TFLite SPACE_TO_DEPTH) as byte runs, the same for every ISA: in the
// block-major order a kernel row's `block` input pixels are one run of block * C elements in the input
// and in the output.
#include "CDSCFlowSIMD.h"
#include <string.h>

void dscsimd_space_to_depth(const dscsimd_op *op) {
    const dscsimd_s2d *a = &op->s2d;
    const int b = a->block, oh = a->in_h / b, ow = a->in_w / b;
    const size_t es = (size_t)a->elem_size, C = (size_t)a->channels;
    const size_t in_row = (size_t)a->in_w * C * es, stride = (size_t)a->out_pixel_stride * es;
    for (int n = 0; n < a->batches; n++) {
        for (int y = 0; y < oh; y++) {
            for (int dy = 0; dy < b; dy++) {
                const uint8_t *src_row = a->input + ((size_t)n * a->in_h + (size_t)y * b + dy) * in_row;
                uint8_t *dst = a->output + ((size_t)n * oh + y) * ow * stride;
                for (int x = 0; x < ow; x++, dst += stride) {
                    const uint8_t *src = src_row + (size_t)x * b * C * es;
                    if (!a->channel_major) {
                        memcpy(dst + (size_t)dy * b * C * es, src, (size_t)b * C * es);
                        continue;
                    }
                    for (int dx = 0; dx < b; dx++)
                        for (size_t c = 0; c < C; c++)
                            memcpy(dst + ((c * b + dy) * b + dx) * es, src + ((size_t)dx * C + c) * es, es);
                }
            }
        }
    }
}
