// Box–Muller normals in float32 from Philox words, vectorized and chosen at run time.
// Every lane runs the same IEEE operations (no fused multiply-add, exact sqrt, exact quadrant
// reduction), so the AVX-512, AVX2 and baseline builds give bit-identical numbers.
#include "CEmberKernels.h"
#include <string.h>

#pragma clang fp contract(off)
#include "Vector8.h"

// ln(x) for normal x in (0, 1] (Cephes logf: x = m·2ᵉ with m in [√½, √2), a degree-9 polynomial).
EMBER_INLINE v8f log8(v8f x) {
  v8i bits = (v8i)x;
  v8i e = ((bits >> 23) & splati(0xff)) - splati(126);
  v8f m = (v8f)((bits & splati(0x007fffff)) | splati(0x3f000000));  // in [0.5, 1)
  v8i small = m < splat(0.707106781186547524f);
  e = e + small;  // −1 where small
  m = m + select8(small, m, splat(0.0f)) - splat(1.0f);
  v8f z = m * m;
  v8f p = splat(7.0376836292e-2f);
  p = p * m - splat(1.1514610310e-1f);
  p = p * m + splat(1.1676998740e-1f);
  p = p * m - splat(1.2420140846e-1f);
  p = p * m + splat(1.4249322787e-1f);
  p = p * m - splat(1.6668057665e-1f);
  p = p * m + splat(2.0000714765e-1f);
  p = p * m - splat(2.4999993993e-1f);
  p = p * m + splat(3.3333331174e-1f);
  v8f ef = __builtin_convertvector(e, v8f);
  v8f y = p * m * z;
  y = y + ef * splat(-2.12194440e-4f);
  y = y - splat(0.5f) * z;
  return m + y + ef * splat(0.693359375f);
}

// Eight pairs: words w[2j] (u₁) and w[2j + 1] (u₂) → out[2j] = r·cos θ, out[2j + 1] = r·sin θ.
EMBER_INLINE void pairs8(const uint32_t *w, float *out, float mean, float std) {
  v8u a, b;
  memcpy(&a, w, sizeof a);
  memcpy(&b, w + 8, sizeof b);
  v8u even = __builtin_shufflevector(a, b, 0, 2, 4, 6, 8, 10, 12, 14);
  v8u odd = __builtin_shufflevector(a, b, 1, 3, 5, 7, 9, 11, 13, 15);
  // u₁ = 1 − (w >> 8)·2⁻²⁴ = (2²⁴ − (w >> 8))·2⁻²⁴, exactly, in (0, 1].
  v8i m1 = splati(16777216) - (v8i)(even >> 8);
  v8f u1 = __builtin_convertvector(m1, v8f) * splat(0x1p-24f);
  v8f r = __builtin_elementwise_sqrt(splat(-2.0f) * log8(u1));
  // θ = 2π·k·2⁻²⁴ = (π/2)·(q + f·2⁻²²) with q the nearest quarter turn and |f| ≤ 2²¹: exact.
  v8i k = (v8i)(odd >> 8);
  v8i q = (k + splati(1 << 21)) >> 22;
  v8i f = k - (q << 22);
  v8f t = __builtin_convertvector(f, v8f) * splat(3.74507028e-7f);  // π/2 · 2⁻²², |t| ≤ π/4
  v8f t2 = t * t;
  v8f s = splat(-1.9515295891e-4f);
  s = s * t2 + splat(8.3321608736e-3f);
  s = s * t2 - splat(1.6666654611e-1f);
  s = s * t2 * t + t;
  v8f c = splat(2.443315711809948e-5f);
  c = c * t2 - splat(1.388731625493765e-3f);
  c = c * t2 + splat(4.166664568298827e-2f);
  c = c * t2 * t2 - splat(0.5f) * t2 + splat(1.0f);
  v8i swap = -(q & splati(1));  // all ones for odd quarters
  v8f cosine = select8(swap, s, c), sine = select8(swap, c, s);
  v8u cosSign = (v8u)(((q + splati(1)) >> 1) & splati(1)) << 31;
  v8u sinSign = (v8u)((q >> 1) & splati(1)) << 31;
  cosine = (v8f)((v8u)cosine ^ cosSign);
  sine = (v8f)((v8u)sine ^ sinSign);
  v8f z0 = splat(mean) + splat(std) * (r * cosine);
  v8f z1 = splat(mean) + splat(std) * (r * sine);
  v8f lo = __builtin_shufflevector(z0, z1, 0, 8, 1, 9, 2, 10, 3, 11);
  v8f hi = __builtin_shufflevector(z0, z1, 4, 12, 5, 13, 6, 14, 7, 15);
  memcpy(out, &lo, sizeof lo);
  memcpy(out + 8, &hi, sizeof hi);
}

EMBER_INLINE void normalBody(const uint32_t *words, float *out, long count, float mean, float std) {
  long i = 0;
  for (; i + 16 <= count; i += 16) pairs8(words + i, out + i, mean, std);
  if (i < count) {
    uint32_t w[16] = {0};
    float z[16];
    long words_left = (count - i + 1) & ~1L;
    memcpy(w, words + i, (size_t)words_left * sizeof *w);
    pairs8(w, z, mean, std);
    memcpy(out + i, z, (size_t)(count - i) * sizeof *z);
  }
}

#if defined(__x86_64__)
__attribute__((target("avx512f,avx512vl"))) static void normal_avx512(const uint32_t *words,
    float *out, long count, float mean, float std) {
  normalBody(words, out, count, mean, std);
}
__attribute__((target("avx2"))) static void normal_avx2(const uint32_t *words, float *out,
    long count, float mean, float std) {
  normalBody(words, out, count, mean, std);
}
#endif
static void normal_generic(const uint32_t *words, float *out, long count, float mean, float std) {
  normalBody(words, out, count, mean, std);
}

void ember_normal_f32(const uint32_t *words, float *out, long count, float mean, float std,
                      int variant) {
  static int best = -1;  // chosen once; a benign race writes the same value
  if (variant < 0) {
    if (best < 0) best = ember_cpu_features() & 2 ? 2 : ember_cpu_features() & 1 ? 1 : 0;
    variant = best;
  }
#if defined(__x86_64__)
  if (variant == 2) { normal_avx512(words, out, count, mean, std); return; }
  if (variant == 1) { normal_avx2(words, out, count, mean, std); return; }
#endif
  normal_generic(words, out, count, mean, std);
}
