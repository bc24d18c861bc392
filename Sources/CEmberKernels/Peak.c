// The machine's FP32 FMA throughput, measured as ../shared/bench/peak.c does: twelve independent FMA
// chains in the widest registers the CPU has (zmm with AVX-512F, ymm with AVX2+FMA, else the portable
// vectors), so `ember bench` can give its GEMM and training rates as a share of the peak.
#include "CEmberKernels.h"

typedef float f32x8 __attribute__((vector_size(32)));
typedef float f32x16 __attribute__((vector_size(64)));

#define EMBER_PEAK_CHAINS 12
#define EMBER_PEAK_DEFINE(NAME, ATTR, VEC)                                                         \
  ATTR static float NAME(long iterations) {                                                        \
    VEC a = 0.999999f - (VEC){0}, b = 1e-7f - (VEC){0};                                           \
    VEC r[EMBER_PEAK_CHAINS];                                                                      \
    for (int i = 0; i < EMBER_PEAK_CHAINS; i++) r[i] = (float)i - (VEC){0};                        \
    for (long n = 0; n < iterations; n++) {                                                        \
      _Pragma("clang loop unroll(full)") for (int i = 0; i < EMBER_PEAK_CHAINS; i++) {            \
        r[i] = r[i] * a + b;                                                                       \
      }                                                                                            \
    }                                                                                              \
    VEC sum = {0};                                                                                 \
    for (int i = 0; i < EMBER_PEAK_CHAINS; i++) sum += r[i];                                       \
    return sum[0];                                                                                 \
  }

EMBER_PEAK_DEFINE(ember_peak_generic, , f32x8)
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
EMBER_PEAK_DEFINE(ember_peak_avx2, __attribute__((target("avx2,fma"))), f32x8)
EMBER_PEAK_DEFINE(ember_peak_avx512, __attribute__((target("avx512f,fma"))), f32x16)
#endif

double ember_fma_chains_f32(long iterations, float *sink) {
  int features = ember_cpu_features();
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
  if (features & 2) { *sink = ember_peak_avx512(iterations); return (double)iterations * EMBER_PEAK_CHAINS * 16 * 2; }
  if (features & 1) { *sink = ember_peak_avx2(iterations); return (double)iterations * EMBER_PEAK_CHAINS * 8 * 2; }
#endif
  (void)features;
  *sink = ember_peak_generic(iterations);
  return (double)iterations * EMBER_PEAK_CHAINS * 8 * 2;
}
