// int8 Softmax (TFLite's reference arithmetic) in scalar code, the same for every ISA: the per-value
// work tabulated at pack time by d = max(row) - x (`dscsimd_softmax`), the gemmlowp reciprocal per row.
#include "CDSCFlowSIMD.h"
#include "../common/scalar-fixedpoint.h"

void dscsimd_softmax_scalar(const dscsimd_op *op) {
    const dscsimd_softmax *a = &op->softmax;
    const int32_t depth = a->depth;
    for (int64_t r = 0; r < a->rows; r++) {
        const int8_t *row = a->input + r * depth;
        int8_t *out = a->output + r * depth;
        int32_t max_in = INT8_MIN;
        for (int32_t c = 0; c < depth; c++) max_in = row[c] > max_in ? row[c] : max_in;
        uint32_t sum = 0;
        for (int32_t c = 0; c < depth; c++) sum += (uint32_t)a->sum_table[max_in - row[c]];
        // GetReciprocal(sum, 12): sum > 0 (the maximum contributes exp(0)).
        int headroom_plus_one = sum ? __builtin_clz(sum) : 32;
        int num_bits_over_unit = 12 - headroom_plus_one;
        uint32_t shifted = (headroom_plus_one < 32 ? sum << headroom_plus_one : 0) - (1u << 31);
        int32_t scale = sm_one_over_one_plus_x((int32_t)shifted);
        int e = num_bits_over_unit + 31 - 8;
        for (int32_t c = 0; c < depth; c++) {
            int32_t v = sm_rdbpot(sm_srdhm(scale, a->exp_table[max_in - row[c]]), e < 0 ? 0 : e) - 128;
            out[c] = (int8_t)(v < -128 ? -128 : (v > 127 ? 127 : v));
        }
    }
}
