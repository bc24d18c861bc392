// GEMM micro-kernels for the built-in fallback (used when no BLAS library is loaded).
//
// A micro-kernel computes one MR×NR tile of C from a packed A panel (k steps of MR values) and a
// packed B panel (k steps of NR values); packing, cache blocking and threading live in Swift
// (Sources/EmberCPU/Kernels/GemmFallback.swift). Panels are zero-padded to full MR/NR, so a kernel
// always computes a full tile and only its store is cut to the `m`×`n` valid corner.
// The instruction set is chosen once at run time (PERFORMANCE.md §2).
#include "CEmberKernels.h"
#include <string.h>

typedef float f32x8 __attribute__((vector_size(32)));
typedef float f32x16 __attribute__((vector_size(64)));
typedef double f64x4 __attribute__((vector_size(32)));
typedef double f64x8 __attribute__((vector_size(64)));

// Defines `NAME(k, a, b, c, ldc, m, n, accumulate)`: C[0..<m, 0..<n] (+)= A·B for one tile whose
// rows are MR_ and whose columns are two vectors of VEC (2·lanes columns).
#define EMBER_GEMM_KERNEL(NAME, ATTR, T, VEC, MR_)                                               \
  ATTR static void NAME(long k, const T *restrict a, const T *restrict b, T *restrict c,        \
                        long ldc, long m, long n, int accumulate) {                            \
    enum { L = sizeof(VEC) / sizeof(T), NR_ = 2 * L };                                          \
    VEC acc[MR_][2];                                                                            \
    _Pragma("clang loop unroll(full)") for (int i = 0; i < MR_; i++) {                          \
      acc[i][0] = (VEC){0};                                                                     \
      acc[i][1] = (VEC){0};                                                                     \
    }                                                                                           \
    for (long p = 0; p < k; p++) {                                                              \
      VEC b0, b1;                                                                               \
      memcpy(&b0, b + p * NR_, sizeof(VEC));                                                    \
      memcpy(&b1, b + p * NR_ + L, sizeof(VEC));                                                \
      const T *ap = a + p * MR_;                                                                \
      _Pragma("clang loop unroll(full)") for (int i = 0; i < MR_; i++) {                        \
        VEC av = ap[i] - (VEC){0};                                                              \
        acc[i][0] += av * b0;                                                                   \
        acc[i][1] += av * b1;                                                                   \
      }                                                                                         \
    }                                                                                           \
    if (m == MR_ && n == NR_) {                                                                 \
      _Pragma("clang loop unroll(full)") for (int i = 0; i < MR_; i++) {                        \
        T *row = c + i * ldc;                                                                   \
        if (accumulate) {                                                                       \
          VEC c0, c1;                                                                           \
          memcpy(&c0, row, sizeof(VEC));                                                        \
          memcpy(&c1, row + L, sizeof(VEC));                                                    \
          acc[i][0] += c0;                                                                      \
          acc[i][1] += c1;                                                                      \
        }                                                                                       \
        memcpy(row, &acc[i][0], sizeof(VEC));                                                   \
        memcpy(row + L, &acc[i][1], sizeof(VEC));                                               \
      }                                                                                         \
    } else {                                                                                    \
      T tile[MR_][NR_];                                                                         \
      memcpy(tile, acc, sizeof(tile));                                                          \
      for (long i = 0; i < m; i++) {                                                            \
        T *row = c + i * ldc;                                                                   \
        if (accumulate) {                                                                       \
          for (long j = 0; j < n; j++) row[j] += tile[i][j];                                   \
        } else {                                                                                \
          for (long j = 0; j < n; j++) row[j] = tile[i][j];                                    \
        }                                                                                       \
      }                                                                                         \
    }                                                                                           \
  }

#define EMBER_NO_ATTR

// Portable kernels: vector extensions lower to whatever the baseline has (SSE2 on x86-64, NEON on arm64).
EMBER_GEMM_KERNEL(sgemm_generic, EMBER_NO_ATTR, float, f32x8, 6)
EMBER_GEMM_KERNEL(dgemm_generic, EMBER_NO_ATTR, double, f64x4, 6)
// The AVX-512 tile shape compiled without target attributes, so tests can check its packing on any CPU.
EMBER_GEMM_KERNEL(sgemm_generic_wide, EMBER_NO_ATTR, float, f32x16, 6)
EMBER_GEMM_KERNEL(dgemm_generic_wide, EMBER_NO_ATTR, double, f64x8, 6)

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define EMBER_GEMM_X86 1
// 6×16 floats (6×8 doubles): 12 accumulators + 2 B vectors + 1 broadcast of the 16 ymm registers.
EMBER_GEMM_KERNEL(sgemm_avx2, __attribute__((target("avx2,fma"))), float, f32x8, 6)
EMBER_GEMM_KERNEL(dgemm_avx2, __attribute__((target("avx2,fma"))), double, f64x4, 6)
// 6×32 floats (6×16 doubles) in zmm registers.
EMBER_GEMM_KERNEL(sgemm_avx512, __attribute__((target("avx512f,avx512vl,fma"))), float, f32x16, 6)
EMBER_GEMM_KERNEL(dgemm_avx512, __attribute__((target("avx512f,avx512vl,fma"))), double, f64x8, 6)
#endif

static int ember_gemm_best_variant(void) {
  int features = ember_cpu_features();
  if (features & 2) return 2;
  if (features & 1) return 1;
  return 0;
}

static int ember_gemm_supported(int variant) {
  switch (variant) {
  case 0: case 3: return 1;
  case 1: return (ember_cpu_features() & 1) != 0;
  case 2: return (ember_cpu_features() & 2) != 0;
  default: return 0;
  }
}

ember_gemm_f32_kernel ember_gemm_f32_select(int variant, int *mr, int *nr) {
  if (variant < 0) variant = ember_gemm_best_variant();
  if (!ember_gemm_supported(variant)) return 0;
  *mr = 6;
  switch (variant) {
#ifdef EMBER_GEMM_X86
  case 1: *nr = 16; return sgemm_avx2;
  case 2: *nr = 32; return sgemm_avx512;
#endif
  case 3: *nr = 32; return sgemm_generic_wide;
  default: *nr = 16; return sgemm_generic;
  }
}

ember_gemm_f64_kernel ember_gemm_f64_select(int variant, int *mr, int *nr) {
  if (variant < 0) variant = ember_gemm_best_variant();
  if (!ember_gemm_supported(variant)) return 0;
  *mr = 6;
  switch (variant) {
#ifdef EMBER_GEMM_X86
  case 1: *nr = 8; return dgemm_avx2;
  case 2: *nr = 16; return dgemm_avx512;
#endif
  case 3: *nr = 16; return dgemm_generic_wide;
  default: *nr = 8; return dgemm_generic;
  }
}
