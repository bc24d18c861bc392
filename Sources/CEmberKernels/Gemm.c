// The built-in GEMM's inner loops: packing and the macro-kernel over packed blocks (BLIS's layers
// below the cache blocking), one set per instruction set, chosen at run time (PERFORMANCE.md §2).
//
// Cache blocking and threading live in Swift (Sources/EmberCPU/Kernels/BuiltInGemm.swift): it packs a
// `kc`×`nc` block of B into panels of NR columns and an `mc`×`kc` block of A into panels of MR rows,
// then calls the block function, which walks the MR×NR tiles (B panel outer, so it stays in L1 while
// the A panels stream from L2) and runs the register-blocked micro-kernel on each. Panels are
// zero-padded to full MR/NR, so the micro-kernel always computes a whole tile and only its store is cut
// to the valid corner. The micro-kernel's epilogue is C = α·AB + β·C (β = 0 never reads C).
#include "CEmberKernels.h"
#include <string.h>

typedef float f32x8 __attribute__((vector_size(32)));
typedef float f32x16 __attribute__((vector_size(64)));
typedef double f64x4 __attribute__((vector_size(32)));
typedef double f64x8 __attribute__((vector_size(64)));

#define EMBER_GEMM_INLINE static inline __attribute__((always_inline))

// Transposes eight rows of eight floats (`r[i][j]` → `r[j][i]`) with the unpack/shuffle/permute
// sequence, written with generic vectors so it lowers to whatever the enclosing function targets.
EMBER_GEMM_INLINE void ember_transpose8x8(f32x8 r[8]) {
  f32x8 t[8], u[8];
  for (int i = 0; i < 8; i += 2) {
    t[i] = __builtin_shufflevector(r[i], r[i + 1], 0, 8, 1, 9, 4, 12, 5, 13);
    t[i + 1] = __builtin_shufflevector(r[i], r[i + 1], 2, 10, 3, 11, 6, 14, 7, 15);
  }
  for (int i = 0; i < 8; i += 4) {
    u[i] = __builtin_shufflevector(t[i], t[i + 2], 0, 1, 8, 9, 4, 5, 12, 13);
    u[i + 1] = __builtin_shufflevector(t[i], t[i + 2], 2, 3, 10, 11, 6, 7, 14, 15);
    u[i + 2] = __builtin_shufflevector(t[i + 1], t[i + 3], 0, 1, 8, 9, 4, 5, 12, 13);
    u[i + 3] = __builtin_shufflevector(t[i + 1], t[i + 3], 2, 3, 10, 11, 6, 7, 14, 15);
  }
  for (int i = 0; i < 4; i++) {
    r[i] = __builtin_shufflevector(u[i], u[i + 4], 0, 1, 2, 3, 8, 9, 10, 11);
    r[i + 4] = __builtin_shufflevector(u[i], u[i + 4], 4, 5, 6, 7, 12, 13, 14, 15);
  }
}

// Loads 8 floats of row `i` of an 8-row group (rows ≥ `valid` read as zeros).
EMBER_GEMM_INLINE f32x8 ember_load_row8(const float *base, long stride, int i, long valid, long p) {
  f32x8 v = {0};
  if (i < valid) memcpy(&v, base + i * stride + p, sizeof v);
  return v;
}

// Packs 8 rows (`valid` of them real) × `depth` steps, each row contiguous over the steps, into
// `dst[p·ld + j]` for j < `width` (≤ 8): the transposing pack, eight steps per 8×8 transpose.
EMBER_GEMM_INLINE void ember_pack_rows8_f32(const float *src, long stride, long valid, long depth,
                                            float *dst, long ld, int width) {
  long p = 0;
  for (; p + 8 <= depth; p += 8) {
    f32x8 r[8];
    for (int i = 0; i < 8; i++) r[i] = ember_load_row8(src, stride, i, valid, p);
    ember_transpose8x8(r);
    for (int j = 0; j < 8; j++) memcpy(dst + (p + j) * ld, &r[j], (size_t)width * sizeof(float));
  }
  for (; p < depth; p++) {
    for (int i = 0; i < width; i++) dst[p * ld + i] = i < valid ? src[i * stride + p] : 0;
  }
}

// Defines FN, one tile of ROWS rows × NV vectors: C[0..<m, 0..<n] = α·(A·B) + β·C (m ≤ ROWS,
// n ≤ NV·lanes), element (i, p) of A at a[i·ars + p·acs] (a packed panel: ars 1, acs its height)
// and row p of B at b + p·ldb (a packed panel: ldb NV·lanes). With CLAMP, rows i ≥ m read row
// m − 1 (A read where it lies has no zero padding; those rows are never stored).
#define EMBER_GEMM_TILE(FN, ATTR, T, VEC, ROWS, NV, CLAMP)                                         \
  ATTR EMBER_GEMM_INLINE void FN(long k, const T *restrict a, long ars, long acs,                 \
                                 const T *restrict b, long ldb, T *restrict c, long ldc, long m,  \
                                 long n, T alpha, T beta) {                                       \
    enum { L = sizeof(VEC) / sizeof(T), NR_ = NV * L };                                           \
    /* The C tile is written once per depth block: start loading it now, behind a loop long     \
       enough to hide it (over a short depth the prefetches only cost issue slots). */            \
    if (k >= 32) {                                                                                \
      _Pragma("clang loop unroll(full)") for (int i = 0; i < ROWS; i++) {                         \
        __builtin_prefetch(c + i * ldc, 1, 3);                                                    \
        __builtin_prefetch(c + i * ldc + NR_ - 1, 1, 3);                                          \
      }                                                                                           \
    }                                                                                             \
    long offset[ROWS];                                                                            \
    _Pragma("clang loop unroll(full)") for (int i = 0; i < ROWS; i++)                             \
      offset[i] = (CLAMP && i >= m ? m - 1 : i) * ars;                                            \
    VEC acc[ROWS][NV];                                                                            \
    _Pragma("clang loop unroll(full)") for (int i = 0; i < ROWS; i++) {                           \
      _Pragma("clang loop unroll(full)") for (int v = 0; v < NV; v++) acc[i][v] = (VEC){0};       \
    }                                                                                             \
    _Pragma("clang loop unroll_count(2)") for (long p = 0; p < k; p++) {                          \
      VEC bv[NV];                                                                                 \
      _Pragma("clang loop unroll(full)") for (int v = 0; v < NV; v++)                             \
        memcpy(&bv[v], b + p * ldb + v * L, sizeof(VEC));                                         \
      const T *ap = a + p * acs;                                                                  \
      _Pragma("clang loop unroll(full)") for (int i = 0; i < ROWS; i++) {                         \
        VEC av = ap[offset[i]] - (VEC){0};                                                        \
        _Pragma("clang loop unroll(full)") for (int v = 0; v < NV; v++) acc[i][v] += av * bv[v];  \
      }                                                                                           \
    }                                                                                             \
    VEC va = alpha - (VEC){0}, vb = beta - (VEC){0};                                              \
    if (m == ROWS && n == NR_) {                                                                  \
      _Pragma("clang loop unroll(full)") for (int i = 0; i < ROWS; i++) {                         \
        T *row = c + i * ldc;                                                                     \
        _Pragma("clang loop unroll(full)") for (int v = 0; v < NV; v++) {                         \
          VEC out = alpha == 1 ? acc[i][v] : va * acc[i][v];                                      \
          if (beta != 0) {                                                                        \
            VEC old;                                                                              \
            memcpy(&old, row + v * L, sizeof(VEC));                                               \
            out += vb * old;                                                                      \
          }                                                                                       \
          memcpy(row + v * L, &out, sizeof(VEC));                                                 \
        }                                                                                         \
      }                                                                                           \
    } else {                                                                                      \
      T tile[ROWS][NR_];                                                                          \
      memcpy(tile, acc, sizeof(tile));                                                            \
      for (long i = 0; i < m; i++) {                                                              \
        T *row = c + i * ldc;                                                                     \
        if (beta != 0) {                                                                          \
          for (long j = 0; j < n; j++) row[j] = alpha * tile[i][j] + beta * row[j];               \
        } else {                                                                                  \
          for (long j = 0; j < n; j++) row[j] = alpha * tile[i][j];                               \
        }                                                                                         \
      }                                                                                           \
    }                                                                                             \
  }

// One tile of a block function (EMBER_GEMM_BLOCK_LOOP) at rows ir and columns jr.
#define EMBER_GEMM_BLOCK_TILE(NAME, MR_, CLAMP, ars, acs, astep, ldb, bstep)                       \
  {                                                                                               \
    long n = nc - jr < NAME##_NR ? nc - jr : NAME##_NR;                                           \
    long m = mc - ir < MR_ ? mc - ir : MR_;                                                       \
    const __typeof__(*a) *ap = a + ir * (astep), *bp = b + jr * (bstep);                          \
    __typeof__(*c) *cp = c + ir * ldc + jr;                                                       \
    if (m == MR_) NAME##_kernel##CLAMP(kc, ap, ars, acs, bp, ldb, cp, ldc, m, n, alpha, beta);    \
    else if (m <= (MR_ + 3) / 4)                                                                  \
      NAME##_kernel_q1##CLAMP(kc, ap, ars, acs, bp, ldb, cp, ldc, m, n, alpha, beta);             \
    else if (m <= (MR_ + 1) / 2)                                                                  \
      NAME##_kernel_q2##CLAMP(kc, ap, ars, acs, bp, ldb, cp, ldc, m, n, alpha, beta);             \
    else if (m <= (3 * MR_ + 3) / 4)                                                              \
      NAME##_kernel_q3##CLAMP(kc, ap, ars, acs, bp, ldb, cp, ldc, m, n, alpha, beta);             \
    else NAME##_kernel##CLAMP(kc, ap, ars, acs, bp, ldb, cp, ldc, m, n, alpha, beta);             \
  }

// Defines the body of a block function: every tile of an mc×nc block of C, the tile at rows ir
// and columns jr reading A from a + ir·astep (strides ars, acs) and B from b + jr·bstep (row
// stride ldb); the last rows of the block go through tiles a quarter, half or three quarters as
// tall (a 10-row C: one 8-row tile and one of 2). B panels outer, so each stays in L1 while the A
// panels stream from L2 (BLIS) — unless all of B fits in L1 with room to spare (a short depth):
// then rows outer, so C is written row block by row block (a 128×512 C over depth 10 runs 2×
// faster so on Zen 4: each row block's lines and pages are written once, together).
#define EMBER_GEMM_BLOCK_LOOP(NAME, MR_, CLAMP, ars, acs, astep, ldb, bstep)                       \
  if (kc * nc * (long)sizeof(*b) <= 24 * 1024) {                                                  \
    for (long ir = 0; ir < mc; ir += MR_)                                                         \
      for (long jr = 0; jr < nc; jr += NAME##_NR)                                                 \
        EMBER_GEMM_BLOCK_TILE(NAME, MR_, CLAMP, ars, acs, astep, ldb, bstep)                       \
  } else {                                                                                        \
    for (long jr = 0; jr < nc; jr += NAME##_NR)                                                   \
      for (long ir = 0; ir < mc; ir += MR_)                                                       \
        EMBER_GEMM_BLOCK_TILE(NAME, MR_, CLAMP, ars, acs, astep, ldb, bstep)                       \
  }

// Defines, for element type T, vector type VEC and tile MR×(NV·lanes):
//   NAME_block:  every tile of an mc×nc block of packed A and B;
//   NAME_block_strided: the same with A and B read where they lie or packed (CEmberKernels.h);
//   NAME_pack_a: rows×depth of A (element (i, p) at a[i·rs + p·cs]) into MR-row panels;
//   NAME_pack_b: depth×columns of B (element (p, j) at b[p·rs + j·cs]) into NR-column panels.
// FAST_PACK is 1 where the transposing packs use the 8×8 float transpose (float32 only).
#define EMBER_GEMM_DEFINE(NAME, ATTR, T, VEC, MR_, NV, FAST_PACK)                                 \
  enum { NAME##_L = sizeof(VEC) / sizeof(T), NAME##_NR = NV * NAME##_L };                         \
  EMBER_GEMM_TILE(NAME##_kernel0, ATTR, T, VEC, MR_, NV, 0)                                       \
  EMBER_GEMM_TILE(NAME##_kernel_q10, ATTR, T, VEC, (MR_ + 3) / 4, NV, 0)                          \
  EMBER_GEMM_TILE(NAME##_kernel_q20, ATTR, T, VEC, (MR_ + 1) / 2, NV, 0)                          \
  EMBER_GEMM_TILE(NAME##_kernel_q30, ATTR, T, VEC, (3 * MR_ + 3) / 4, NV, 0)                      \
  EMBER_GEMM_TILE(NAME##_kernel1, ATTR, T, VEC, MR_, NV, 1)                                       \
  EMBER_GEMM_TILE(NAME##_kernel_q11, ATTR, T, VEC, (MR_ + 3) / 4, NV, 1)                          \
  EMBER_GEMM_TILE(NAME##_kernel_q21, ATTR, T, VEC, (MR_ + 1) / 2, NV, 1)                          \
  EMBER_GEMM_TILE(NAME##_kernel_q31, ATTR, T, VEC, (3 * MR_ + 3) / 4, NV, 1)                      \
  ATTR static void NAME##_block(long mc, long nc, long kc, const T *a, const T *b, T *c, long ldc, \
                                T alpha, T beta) {                                                \
    EMBER_GEMM_BLOCK_LOOP(NAME, MR_, 0, 1, MR_, kc, NAME##_NR, kc)                                \
  }                                                                                               \
  ATTR static void NAME##_block_strided(long mc, long nc, long kc, const T *a, long ars, long acs, \
                                        long astep, const T *b, long ldb, long bstep, T *c,       \
                                        long ldc, T alpha, T beta) {                              \
    EMBER_GEMM_BLOCK_LOOP(NAME, MR_, 1, ars, acs, astep, ldb, bstep)                              \
  }                                                                                               \
  ATTR static void NAME##_pack_a(long rows, long depth, const T *a, long rs, long cs, T *dst) {     \
    for (long r = 0; r < rows; r += MR_) {                                                          \
      T *panel = dst + r * depth;                                                                   \
      long valid = rows - r < MR_ ? rows - r : MR_;                                                 \
      const T *src = a + r * rs;                                                                    \
      if (FAST_PACK && cs == 1 && MR_ <= 8) {                                                       \
        ember_pack_rows8_f32((const float *)src, rs, valid, depth, (float *)panel, MR_, MR_);       \
      } else if (FAST_PACK && cs == 1) {                                                            \
        for (int g = 0; g < MR_; g += 8) {                                                          \
          long left = valid - g < 0 ? 0 : valid - g;                                                \
          ember_pack_rows8_f32((const float *)(src + g * rs), rs, left < 8 ? left : 8, depth,       \
                               (float *)(panel + g), MR_, MR_ - g < 8 ? MR_ - g : 8);               \
        }                                                                                           \
      } else if (rs == 1 && valid == MR_) {                                                         \
        for (long p = 0; p < depth; p++) memcpy(panel + p * MR_, src + p * cs, MR_ * sizeof(T));    \
      } else {                                                                                      \
        for (long p = 0; p < depth; p++) {                                                          \
          const T *column = src + p * cs;                                                           \
          T *out = panel + p * MR_;                                                                 \
          for (long i = 0; i < MR_; i++) out[i] = i < valid ? column[i * rs] : 0;                   \
        }                                                                                           \
      }                                                                                             \
    }                                                                                               \
  }                                                                                                 \
  ATTR static void NAME##_pack_b(long depth, long columns, const T *b, long rs, long cs, T *dst) {  \
    enum { NR_ = NAME##_NR };                                                                       \
    for (long q = 0; q < columns; q += NR_) {                                                       \
      T *panel = dst + q * depth;                                                                   \
      long valid = columns - q < NR_ ? columns - q : NR_;                                           \
      const T *src = b + q * cs;                                                                    \
      if (cs == 1 && valid == NR_) {                                                                \
        for (long p = 0; p < depth; p++) memcpy(panel + p * NR_, src + p * rs, NR_ * sizeof(T));    \
      } else if (FAST_PACK && rs == 1) {                                                            \
        /* Each column is contiguous over the steps: transpose eight columns at a time. */          \
        for (int g = 0; g < NR_; g += 8) {                                                          \
          long left = valid - g < 0 ? 0 : valid - g;                                                \
          ember_pack_rows8_f32((const float *)(src + g * cs), cs, left < 8 ? left : 8, depth,       \
                               (float *)(panel + g), NR_, 8);                                       \
        }                                                                                           \
      } else {                                                                                      \
        for (long p = 0; p < depth; p++) {                                                          \
          const T *row = src + p * rs;                                                              \
          T *out = panel + p * NR_;                                                                 \
          for (long j = 0; j < NR_; j++) out[j] = j < valid ? row[j * cs] : 0;                      \
        }                                                                                           \
      }                                                                                             \
    }                                                                                               \
  }

#define EMBER_NO_ATTR

// Portable kernels: vector extensions lower to whatever the baseline has (SSE2 on x86-64, NEON on arm64).
EMBER_GEMM_DEFINE(sgemm_generic, EMBER_NO_ATTR, float, f32x8, 6, 2, 1)
EMBER_GEMM_DEFINE(dgemm_generic, EMBER_NO_ATTR, double, f64x4, 6, 2, 0)
// The AVX-512 tile shape compiled without target attributes, so tests check its packing on any CPU.
EMBER_GEMM_DEFINE(sgemm_generic_wide, EMBER_NO_ATTR, float, f32x16, 8, 2, 1)
// The narrow AVX-512 tile shape without target attributes (tests).
EMBER_GEMM_DEFINE(sgemm_generic_narrow, EMBER_NO_ATTR, float, f32x16, 16, 1, 1)
EMBER_GEMM_DEFINE(dgemm_generic_wide, EMBER_NO_ATTR, double, f64x8, 8, 2, 0)

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define EMBER_GEMM_X86 1
// 6×16 floats (6×8 doubles): 12 accumulators + 2 B vectors + 1 broadcast of the 16 ymm registers.
EMBER_GEMM_DEFINE(sgemm_avx2, __attribute__((target("avx2,fma"))), float, f32x8, 6, 2, 1)
EMBER_GEMM_DEFINE(dgemm_avx2, __attribute__((target("avx2,fma"))), double, f64x4, 6, 2, 0)
// 8×32 floats (8×16 doubles) in zmm registers: 16 accumulators; 8 rows keep batch-sized (multiple
// of 8) products free of padded tiles.
EMBER_GEMM_DEFINE(sgemm_avx512, __attribute__((target("avx512f,avx512vl,fma"))), float, f32x16, 8, 2, 1)
// Narrow tiles for products with few columns (n ≤ half the wide tile: a 10-class output, a 3×3
// convolution's 9 taps): 16×16 floats (one zmm per row) and 12×8 (one ymm per row).
EMBER_GEMM_DEFINE(sgemm_avx512_narrow, __attribute__((target("avx512f,avx512vl,fma"))), float, f32x16, 16, 1, 1)
EMBER_GEMM_DEFINE(sgemm_avx2_narrow, __attribute__((target("avx2,fma"))), float, f32x8, 12, 1, 1)
EMBER_GEMM_DEFINE(dgemm_avx512, __attribute__((target("avx512f,avx512vl,fma"))), double, f64x8, 8, 2, 0)
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

#define EMBER_GEMM_OPS(NAME, MR_, ID, NARROW)                                                     \
  static const ember_gemm_##ID##_ops NAME##_ops = {MR_, NAME##_NR, NAME##_pack_a, NAME##_pack_b,    \
                                                    NAME##_block, NAME##_block_strided, NARROW};

EMBER_GEMM_OPS(sgemm_generic_narrow, 16, f32, 0)
EMBER_GEMM_OPS(sgemm_generic, 6, f32, 0)
EMBER_GEMM_OPS(sgemm_generic_wide, 8, f32, &sgemm_generic_narrow_ops)
EMBER_GEMM_OPS(dgemm_generic, 6, f64, 0)
EMBER_GEMM_OPS(dgemm_generic_wide, 8, f64, 0)
#ifdef EMBER_GEMM_X86
EMBER_GEMM_OPS(sgemm_avx2_narrow, 12, f32, 0)
EMBER_GEMM_OPS(sgemm_avx512_narrow, 16, f32, 0)
EMBER_GEMM_OPS(sgemm_avx2, 6, f32, &sgemm_avx2_narrow_ops)
EMBER_GEMM_OPS(sgemm_avx512, 8, f32, &sgemm_avx512_narrow_ops)
EMBER_GEMM_OPS(dgemm_avx2, 6, f64, 0)
EMBER_GEMM_OPS(dgemm_avx512, 8, f64, 0)
#endif

const ember_gemm_f32_ops *ember_gemm_f32_select(int variant) {
  if (variant < 0) variant = ember_gemm_best_variant();
  if (!ember_gemm_supported(variant)) return 0;
  switch (variant) {
#ifdef EMBER_GEMM_X86
  case 1: return &sgemm_avx2_ops;
  case 2: return &sgemm_avx512_ops;
#endif
  case 3: return &sgemm_generic_wide_ops;
  default: return &sgemm_generic_ops;
  }
}

const ember_gemm_f64_ops *ember_gemm_f64_select(int variant) {
  if (variant < 0) variant = ember_gemm_best_variant();
  if (!ember_gemm_supported(variant)) return 0;
  switch (variant) {
#ifdef EMBER_GEMM_X86
  case 1: return &dgemm_avx2_ops;
  case 2: return &dgemm_avx512_ops;
#endif
  case 3: return &dgemm_generic_wide_ops;
  default: return &dgemm_generic_ops;
  }
}
