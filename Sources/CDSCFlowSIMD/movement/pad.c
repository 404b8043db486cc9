// Pad with a constant, the same for every ISA: the output filled with the value, then each innermost
// input run copied into place.
#include "CDSCFlowSIMD.h"
#include <string.h>

void dscsimd_pad_constant(const dscsimd_op *op) {
    const dscsimd_pad *a = &op->pad;
    const size_t es = (size_t)a->elem_size;
    const int64_t *d = a->dims, *o = a->out_dims, *b = a->before;
    size_t total = es;
    for (int k = 0; k < 5; k++) total *= (size_t)o[k];
    if (es == 1) {
        memset(a->output, a->value[0], total);
    } else {
        for (size_t i = 0; i < total; i += es) memcpy(a->output + i, a->value, es);
    }
    const size_t run = (size_t)d[4] * es;
    for (int64_t i0 = 0; i0 < d[0]; i0++)
        for (int64_t i1 = 0; i1 < d[1]; i1++)
            for (int64_t i2 = 0; i2 < d[2]; i2++)
                for (int64_t i3 = 0; i3 < d[3]; i3++) {
                    const size_t src = ((((size_t)i0 * d[1] + i1) * d[2] + i2) * d[3] + i3) * run;
                    const size_t dst = (((((size_t)(i0 + b[0]) * o[1] + (i1 + b[1])) * o[2] + (i2 + b[2])) * o[3] + (i3 + b[3])) * o[4] + b[4]) * es;
                    memcpy(a->output + dst, a->input + src, run);
                }
}
