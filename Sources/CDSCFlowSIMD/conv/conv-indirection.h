// Tap pointers of the conv drivers (indirection tables and row-run pointers) and the scratch sizes the
// drivers need: ISA-independent, shared by every build.
#ifndef DSCSIMD_CONV_INDIRECTION_H
#define DSCSIMD_CONV_INDIRECTION_H

#include "CDSCFlowSIMD.h"

/// Output pixels per block of the conv drivers (a multiple of every tile's row count).
#define DSCSIMD_RB 32

/// The indirection of one block of DSCSIMD_RB output pixels starting at `p0`, laid out [tap][row]
/// (a tile loads its rows' pointers for one tap contiguously); rows past `rows` repeat the last one.
/// `input` is what the microkernel reads (the input or its u8 / channel-padded copy), with
/// channels rounded up to 4.
__attribute__((visibility("hidden"))) void dscsimd_conv_block_indirection(
    const dscsimd_conv *a, const uint8_t *input, const uint8_t *padrow, size_t p0, int rows, const uint8_t **ind);

/// Row-runs layout: the kernel_h run pointers of each of the block's output pixels into the padded
/// image `img`, laid out [ky][row]; rows past `rows` repeat the last one.
__attribute__((visibility("hidden"))) void dscsimd_conv_runs_indirection(
    const dscsimd_conv *a, const uint8_t *img, size_t p0, int rows, const uint8_t **ind);

#endif
