// What the ap_fixed kernel templates share: generic int16 vectors and their loads, included after an
// ISA begin header so they compile for that build.
#ifndef DSCSIMD_APFIXED_COMMON_H
#define DSCSIMD_APFIXED_COMMON_H

#include "../common/vectors.h"

typedef int16_t v16hi_apf __attribute__((vector_size(32)));

/// 16 int16 codes widened to int32.
#define load16_apf(p) __builtin_convertvector(({ v16hi_apf _v; memcpy(&_v, (p), 32); _v; }), v16si)
/// 16 int32 values (already within int16) narrowed and stored as int16 codes.
#define store16_apf(p, v) do { v16hi_apf _o = __builtin_convertvector((v), v16hi_apf); memcpy((p), &_o, 32); } while (0)
/// clamp(v, lo, hi) lane by lane.
#define clamp_apf(v, lo, hi) __builtin_elementwise_min(__builtin_elementwise_max((v), splat_v16si(lo)), splat_v16si(hi))

#endif
