// What the Add kernels of every build share with add-prepare.c.
#ifndef DSCSIMD_ADD_INTERNAL_H
#define DSCSIMD_ADD_INTERNAL_H

#include "CDSCFlowSIMD.h"

/// One output of the Add `a` from raw input values x1, x2 by TFLite's formulas: the lanes the float
/// form cannot decide. Within `dscsimd_add_float_prepare`'s range nothing wraps.
__attribute__((visibility("hidden"), noinline, cold)) uint8_t dscsimd_add_lane(const dscsimd_add *a, int32_t x1,
                                                                              int32_t x2);

#endif
