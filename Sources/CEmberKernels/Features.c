#include "CEmberKernels.h"

// Bit 0: AVX2+FMA, bit 1: AVX-512F.
int ember_cpu_features(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  int f = 0;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) f |= 1;
  if (__builtin_cpu_supports("avx512f")) f |= 2;
  return f;
#else
  return 0;
#endif
}
