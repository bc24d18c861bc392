#ifndef CEMBER_KERNELS_H
#define CEMBER_KERNELS_H
// The few SIMD inner loops that need AVX2/AVX-512, chosen at run time (see PERFORMANCE.md).
int ember_cpu_features(void);
#endif
