// Portable build: no target features (the generic vectors lower to SSE2 on x86-64, NEON on aarch64).
#include "common.h"
#define KSUFFIX portable
#define KVNNI 0
#define KAVX2 0
#define KAVXVNNI 0
#define DSCSIMD_BUILD 1
// No attribute push: end.h pops only what a begin header pushed.
#define DSCSIMD_PUSHED 0
