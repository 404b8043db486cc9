// Mean of int8/uint8 values over the middle axis of an [outer][mid][inner] view, built once per ISA by
// mean-<isa>.c: 16 inner elements at a time summed over `mid` in int32 lanes (wrapping, as TFLite Micro's
// int32 sum does), then TFLite's requantization (`dscsimd_mean`).
#ifndef DSCSIMD_MEAN_H
#define DSCSIMD_MEAN_H

#include "../requant/requant.h"

void KFN(dscsimd_mean)(const dscsimd_op *op) {
    const dscsimd_mean *a = &op->mean;
    const dscsimd_requant rq = a->rq;  // local: output stores cannot alias it
    const int64_t mid = a->mid, inner = a->inner;
    const int sgn = !a->input_unsigned;
    for (int64_t o = 0; o < a->outer; o++) {
        const uint8_t *base = a->input + o * mid * inner;
        uint8_t *out = a->output + o * inner;
        if (inner == 1) {
            // One sum per output: 16 values per step, then across the lanes.
            v16si acc = splat_v16si(0);
            int64_t m = 0;
            for (; m + 16 <= mid; m += 16) acc = (v16si)((v16su)acc + (v16su)load_partial16_widened(base + m, 16, sgn));
            if (m < mid) acc = (v16si)((v16su)acc + (v16su)load_partial16_widened(base + m, (int)(mid - m), sgn));
            uint32_t sum = 0;
            for (int l = 0; l < 16; l++) sum += (uint32_t)acc[l];
            const v16si v = splat_v16si((int32_t)(sum + (uint32_t)a->bias));
            store_partial16(out, requant16(v, &rq, 0), 1);
            continue;
        }
        for (int64_t i = 0; i < inner; i += 16) {
            const int n = inner - i < 16 ? (int)(inner - i) : 16;
            v16si acc = splat_v16si(a->bias);
            for (int64_t m = 0; m < mid; m++) acc = (v16si)((v16su)acc + (v16su)load_partial16_widened(base + m * inner + i, n, sgn));
            store_partial16(out + i, requant16(acc, &rq, 0), n);
        }
    }
}

#endif
