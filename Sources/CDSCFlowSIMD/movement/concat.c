// Concatenation as row copies, the same for every ISA: each of `outer` output rows is the inputs' rows
// one after the other; an input written in place by its producer (NULL source) is skipped.
#include "CDSCFlowSIMD.h"
#include <string.h>

void dscsimd_concat_rows(const dscsimd_op *op) {
    const dscsimd_concat *a = &op->concat;
    for (int64_t o = 0; o < a->outer; o++) {
        uint8_t *dst = a->output + o * a->out_row_bytes;
        for (int32_t k = 0; k < a->inputs; k++) {
            const int64_t n = a->row_bytes[k];
            if (a->sources[k]) memcpy(dst, a->sources[k] + o * n, (size_t)n);
            dst += n;
        }
    }
}
