// Closes an ISA build opened by one of the begin headers.
#if DSCSIMD_PUSHED
#pragma clang attribute pop
#endif
#undef KSUFFIX
#undef KVNNI
#undef KAVX2
#undef KAVXVNNI
#undef DSCSIMD_BUILD
#undef DSCSIMD_PUSHED
