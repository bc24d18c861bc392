// Vector math for the CPU backend's elementwise and softmax kernels: a float32 exp that vectorizes
// (Cephes polynomial, range reduction with the 1.5·2²³ rounding trick, two-step scaling so
// denormal results are right), compiled twice — AVX2+FMA and baseline — and chosen at run time.
#include "CEmberKernels.h"
#include <math.h>
#include <string.h>

#include "Vector8.h"

// exp(x) to about 1 ulp: +inf above 88.72, 0 below −103.97, NaN stays NaN.
EMBER_INLINE v8f exp8(v8f x) {
  x = select8(x > splat(88.9f), splat(88.9f), x);  // comparisons are false for NaN: it passes
  x = select8(x < splat(-104.0f), splat(-104.0f), x);
  v8f t = x * splat(1.44269504088896341f) + splat(12582912.0f);
  v8f n = t - splat(12582912.0f);
  v8i ni = (v8i)((v8u)t - (v8u){0x4B400000u, 0x4B400000u, 0x4B400000u, 0x4B400000u, 0x4B400000u,
                                 0x4B400000u, 0x4B400000u, 0x4B400000u});
  v8f r = x - n * splat(0.693359375f);
  r = r - n * splat(-2.12194440e-4f);
  v8f r2 = r * r;
  v8f p = splat(1.9875691500e-4f);
  p = p * r + splat(1.3981999507e-3f);
  p = p * r + splat(8.3334519073e-3f);
  p = p * r + splat(4.1665795894e-2f);
  p = p * r + splat(1.6666665459e-1f);
  p = p * r + splat(5.0000001201e-1f);
  p = p * r2 + r + splat(1.0f);
  v8i n1 = ni >> 1;
  v8i n2 = ni - n1;
  v8u bias = {127u, 127u, 127u, 127u, 127u, 127u, 127u, 127u};
  v8f s1 = (v8f)(((v8u)n1 + bias) << 23);
  v8f s2 = (v8f)(((v8u)n2 + bias) << 23);
  return p * s1 * s2;
}

// Loads up to 8 elements, padding with `pad`.
EMBER_INLINE v8f loadTail(const float *p, long n, float pad) {
  float buf[8];
  for (int i = 0; i < 8; i++) buf[i] = i < n ? p[i] : pad;
  return load8(buf);
}

EMBER_INLINE void storeTail(float *p, long n, v8f v) {
  float buf[8];
  store8(buf, v);
  for (long i = 0; i < n; i++) p[i] = buf[i];
}

EMBER_INLINE float hmax8(v8f v) {
  float m = v[0];
  for (int i = 1; i < 8; i++) m = v[i] > m ? v[i] : m;
  return m;
}

EMBER_INLINE float hsum8(v8f v) {
  return ((v[0] + v[1]) + (v[2] + v[3])) + ((v[4] + v[5]) + (v[6] + v[7]));
}

EMBER_INLINE void expBody(const float *x, float *y, long n) {
  long i = 0;
  for (; i + 16 <= n; i += 16) {
    v8f a = load8(x + i), b = load8(x + i + 8);
    store8(y + i, exp8(a));
    store8(y + i + 8, exp8(b));
  }
  for (; i + 8 <= n; i += 8) store8(y + i, exp8(load8(x + i)));
  if (i < n) storeTail(y + i, n - i, exp8(loadTail(x + i, n - i, 0.0f)));
}

// 1 / (1 + exp(−x)) computed from e = exp(−|x|) so it never overflows.
EMBER_INLINE void sigmoidBody(const float *x, float *y, long n) {
  for (long i = 0; i < n; i += 8) {
    long m = n - i < 8 ? n - i : 8;
    v8f v = m == 8 ? load8(x + i) : loadTail(x + i, m, 0.0f);
    v8i negative = v < splat(0.0f);
    v8f e = exp8(select8(negative, v, -v));
    v8f d = splat(1.0f) / (splat(1.0f) + e);
    v8f s = select8(negative, e * d, d);
    if (m == 8) store8(y + i, s); else storeTail(y + i, m, s);
  }
}

// tanh(x): Cephes' odd polynomial below |x| = 0.625, 1 − 2/(e^{2|x|} + 1) above (exp8 saturates
// to +inf for large |x|, giving ±1); NaN stays NaN.
EMBER_INLINE v8f tanh8(v8f x) {
  v8i sign = (v8i)x & (v8i)splat(-0.0f);
  v8f a = (v8f)((v8i)x ^ sign);
  v8f s = x * x;
  v8f p = splat(-5.70498872745e-3f);
  p = p * s + splat(2.06390887954e-2f);
  p = p * s + splat(-5.37397155531e-2f);
  p = p * s + splat(1.33314422036e-1f);
  p = p * s + splat(-3.33332819422e-1f);
  v8f small = p * s * x + x;
  v8f e = exp8(a + a);
  v8f large = (v8f)((v8i)(splat(1.0f) - splat(2.0f) / (e + splat(1.0f))) | sign);
  return select8(a < splat(0.625f), small, large);
}

// erf(x): the odd/even rational approximation of Eigen and XLA on x clamped to [−4, 4] (erf is ±1
// in float32 beyond); NaN stays NaN (the comparisons are false for it).
EMBER_INLINE v8f erf8(v8f x) {
  x = select8(x > splat(4.0f), splat(4.0f), x);
  x = select8(x < splat(-4.0f), splat(-4.0f), x);
  v8f x2 = x * x;
  v8f p = splat(-2.72614225801306e-10f);
  p = p * x2 + splat(2.77068142495902e-08f);
  p = p * x2 + splat(-2.10102402082508e-06f);
  p = p * x2 + splat(-5.69250639462346e-05f);
  p = p * x2 + splat(-7.34990630326855e-04f);
  p = p * x2 + splat(-2.95459980854025e-03f);
  p = p * x2 + splat(-1.60960333262415e-02f);
  p = p * x;
  v8f q = splat(-1.45660718464996e-05f);
  q = q * x2 + splat(-2.13374055278905e-04f);
  q = q * x2 + splat(-1.68282697438203e-03f);
  q = q * x2 + splat(-7.37332916720468e-03f);
  q = q * x2 + splat(-1.42647390514189e-02f);
  return p / q;
}

// One 8-wide map over n elements, the tail padded with zeros.
#define EMBER_MAP8(name, f)                                        \
  EMBER_INLINE void name(const float *x, float *y, long n) {       \
    long i = 0;                                                    \
    for (; i + 8 <= n; i += 8) store8(y + i, f(load8(x + i)));      \
    if (i < n) storeTail(y + i, n - i, f(loadTail(x + i, n - i, 0.0f))); \
  }
EMBER_MAP8(tanhBody, tanh8)
EMBER_MAP8(erfBody, erf8)

EMBER_INLINE void softmaxBody(const float *x, float *y, long rows, long cols, int logarithm) {
  for (long row = 0; row < rows; row++) {
    const float *a = x + row * cols;
    float *b = y + row * cols;
    long i = 0;
    v8f m0 = splat(-INFINITY), m1 = m0;
    for (; i + 16 <= cols; i += 16) {
      v8f u = load8(a + i), w = load8(a + i + 8);
      m0 = select8(u > m0, u, m0);
      m1 = select8(w > m1, w, m1);
    }
    if (i + 8 <= cols) {
      v8f u = load8(a + i);
      m0 = select8(u > m0, u, m0);
      i += 8;
    }
    float m = hmax8(select8(m1 > m0, m1, m0));
    for (; i < cols; i++) m = a[i] > m ? a[i] : m;
    v8f shift = splat(m);
    v8f s0 = splat(0.0f), s1 = s0;
    i = 0;
    if (logarithm) {
      for (; i + 16 <= cols; i += 16) {
        s0 += exp8(load8(a + i) - shift);
        s1 += exp8(load8(a + i + 8) - shift);
      }
    } else {
      for (; i + 16 <= cols; i += 16) {
        v8f e0 = exp8(load8(a + i) - shift), e1 = exp8(load8(a + i + 8) - shift);
        store8(b + i, e0);
        store8(b + i + 8, e1);
        s0 += e0;
        s1 += e1;
      }
    }
    for (; i < cols; i += 8) {
      long k = cols - i < 8 ? cols - i : 8;
      v8f e = exp8(loadTail(a + i, k, -INFINITY) - shift);  // padding gives exp(−inf) = 0
      if (!logarithm) storeTail(b + i, k, e);
      s0 += e;
    }
    float sum = hsum8(s0 + s1);
    if (logarithm) {
      // (x − m) − log Σ, never x − (m + log Σ): at |m| ≈ 1e4 the rounding of m + log Σ alone
      // costs 5e-4 in float32.
      float logSum = logf(sum);
      v8f c = splat(logSum);
      i = 0;
      for (; i + 8 <= cols; i += 8) store8(b + i, (load8(a + i) - shift) - c);
      for (; i < cols; i++) b[i] = (a[i] - m) - logSum;
    } else {
      v8f c = splat(1.0f / sum);
      i = 0;
      for (; i + 8 <= cols; i += 8) store8(b + i, load8(b + i) * c);
      for (; i < cols; i++) b[i] = b[i] * (1.0f / sum);
    }
  }
}

#if defined(__x86_64__) || defined(__i386__)
#define EMBER_AVX2 __attribute__((target("avx2,fma")))
#define EMBER_HAS_AVX2_PATH 1
#else
#define EMBER_AVX2
#define EMBER_HAS_AVX2_PATH 0
#endif

EMBER_AVX2 static void expAVX2(const float *x, float *y, long n) { expBody(x, y, n); }
static void expGeneric(const float *x, float *y, long n) { expBody(x, y, n); }
EMBER_AVX2 static void sigmoidAVX2(const float *x, float *y, long n) { sigmoidBody(x, y, n); }
static void sigmoidGeneric(const float *x, float *y, long n) { sigmoidBody(x, y, n); }
EMBER_AVX2 static void softmaxAVX2(const float *x, float *y, long r, long c, int l) {
  softmaxBody(x, y, r, c, l);
}
static void softmaxGeneric(const float *x, float *y, long r, long c, int l) {
  softmaxBody(x, y, r, c, l);
}

EMBER_AVX2 static void tanhAVX2(const float *x, float *y, long n) { tanhBody(x, y, n); }
static void tanhGeneric(const float *x, float *y, long n) { tanhBody(x, y, n); }
EMBER_AVX2 static void erfAVX2(const float *x, float *y, long n) { erfBody(x, y, n); }
static void erfGeneric(const float *x, float *y, long n) { erfBody(x, y, n); }

// 1 when the AVX2 variants may run; computed once (a benign race writes the same value).
static int useAVX2(void) {
  static int cached = -1;
  if (cached < 0) cached = EMBER_HAS_AVX2_PATH && (ember_cpu_features() & 1);
  return cached;
}

void ember_exp_f32(const float *x, float *y, long n) {
  if (useAVX2()) expAVX2(x, y, n); else expGeneric(x, y, n);
}

void ember_sigmoid_f32(const float *x, float *y, long n) {
  if (useAVX2()) sigmoidAVX2(x, y, n); else sigmoidGeneric(x, y, n);
}

void ember_softmax_rows_f32(const float *x, float *y, long rows, long cols, int logarithm) {
  if (useAVX2()) softmaxAVX2(x, y, rows, cols, logarithm);
  else softmaxGeneric(x, y, rows, cols, logarithm);
}

// The same exp and erf as scalar functions whose loops the compiler vectorizes 16 wide for
// AVX-512 (the 8-wide vector code above gains nothing from wider registers): bit moves by
// `memcpy`, clamps by comparisons, no calls, so each loop becomes straight-line vector code.
EMBER_INLINE float expScalar(float x) {
  x = x > 88.9f ? 88.9f : x;
  x = x < -104.0f ? -104.0f : x;
  float t = x * 1.44269504088896341f + 12582912.0f;
  float n = t - 12582912.0f;
  unsigned tb;
  memcpy(&tb, &t, 4);
  int ni = (int)(tb - 0x4B400000u);
  float r = x - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  float r2 = r * r;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r2 + r + 1.0f;
  int n1 = ni >> 1, n2 = ni - n1;
  unsigned b1 = ((unsigned)n1 + 127u) << 23, b2 = ((unsigned)n2 + 127u) << 23;
  float s1, s2;
  memcpy(&s1, &b1, 4);
  memcpy(&s2, &b2, 4);
  return p * s1 * s2;
}

EMBER_INLINE float erfScalar(float x) {
  x = x > 4.0f ? 4.0f : x;
  x = x < -4.0f ? -4.0f : x;
  float x2 = x * x;
  float p = -2.72614225801306e-10f;
  p = p * x2 + 2.77068142495902e-08f;
  p = p * x2 + -2.10102402082508e-06f;
  p = p * x2 + -5.69250639462346e-05f;
  p = p * x2 + -7.34990630326855e-04f;
  p = p * x2 + -2.95459980854025e-03f;
  p = p * x2 + -1.60960333262415e-02f;
  p = p * x;
  float q = -1.45660718464996e-05f;
  q = q * x2 + -2.13374055278905e-04f;
  q = q * x2 + -1.68282697438203e-03f;
  q = q * x2 + -7.37332916720468e-03f;
  q = q * x2 + -1.42647390514189e-02f;
  return p / q;
}

#if defined(__x86_64__) || defined(__i386__)
#define EMBER_AVX512 __attribute__((target("avx512f,avx512vl,avx512dq,avx2,fma")))
#define EMBER_HAS_AVX512_PATH 1
#else
#define EMBER_AVX512
#define EMBER_HAS_AVX512_PATH 0
#endif

// `x` may equal `y` (see EMBER_ELEMENTWISE below).
EMBER_AVX512 static void expAVX512(const float *x, float *y, long n) {
  _Pragma("clang loop vectorize(assume_safety)")
  for (long i = 0; i < n; i++) y[i] = expScalar(x[i]);
}
EMBER_AVX512 static void erfAVX512(const float *x, float *y, long n) {
  _Pragma("clang loop vectorize(assume_safety)")
  for (long i = 0; i < n; i++) y[i] = erfScalar(x[i]);
}

// 1 when the AVX-512 variants may run; computed once.
static int useAVX512(void) {
  static int cached = -1;
  if (cached < 0) cached = EMBER_HAS_AVX512_PATH && (ember_cpu_features() & 3) == 3;
  return cached;
}

void ember_tanh_f32(const float *x, float *y, long n) {
  if (useAVX2()) tanhAVX2(x, y, n); else tanhGeneric(x, y, n);
}

void ember_erf_f32(const float *x, float *y, long n) {
  if (useAVX512()) erfAVX512(x, y, n);
  else if (useAVX2()) erfAVX2(x, y, n);
  else erfGeneric(x, y, n);
}

void ember_exp_f32_blocks(const float *x, float *y, long n) {
  if (useAVX512()) expAVX512(x, y, n);
  else ember_exp_f32(x, y, n);
}

// The fused kernel's arithmetic on float32 blocks: plain loops the compiler vectorizes for each
// instruction set (`target_clones`). Operand strides are 0 (a scalar) or 1. Codes: 0 add, 1 sub,
// 2 mul, 3 div, 4 maximum, 5 minimum (both NaN-propagating, as `BinaryOp`).
// `assume_safety`: the output may be the very memory of an operand (the fused kernel reuses a
// register in place), which the compiler's overlap check would send to a scalar loop; each
// iteration reads element i before writing it, so vectorizing is safe.
#define EMBER_ELEMENTWISE _Pragma("clang loop vectorize(assume_safety) interleave(enable)")
#define EMBER_BINARY_LOOPS(expr)                                                   \
  if (sa == 1 && sb == 1) {                                                        \
    EMBER_ELEMENTWISE                                                              \
    for (long i = 0; i < n; i++) { float u = a[i], v = b[i]; y[i] = (expr); }      \
  } else if (sa == 1) {                                                            \
    float v = b[0];                                                                \
    EMBER_ELEMENTWISE                                                              \
    for (long i = 0; i < n; i++) { float u = a[i]; y[i] = (expr); }                \
  } else if (sb == 1) {                                                            \
    float u = a[0];                                                                \
    EMBER_ELEMENTWISE                                                              \
    for (long i = 0; i < n; i++) { float v = b[i]; y[i] = (expr); }                \
  } else {                                                                         \
    float u = a[0], v = b[0];                                                      \
    for (long i = 0; i < n; i++) y[i] = (expr);                                    \
  }

#if defined(__x86_64__)
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#endif
void ember_fused_binary_f32(int op, const float *a, long sa, const float *b, long sb, float *y,
                            long n) {
  switch (op) {
  case 0: EMBER_BINARY_LOOPS(u + v) break;
  case 1: EMBER_BINARY_LOOPS(u - v) break;
  case 2: EMBER_BINARY_LOOPS(u * v) break;
  case 3: EMBER_BINARY_LOOPS(u / v) break;
  case 4: EMBER_BINARY_LOOPS((v > u || v != v) ? v : u) break;
  case 5: EMBER_BINARY_LOOPS((v < u || v != v) ? v : u) break;
  default: break;
  }
}

// The fused kernel's linear combination y = a·s + b·t (operand strides 0 or 1), which replaces
// `add`/`sub` of two scaled operands. Each product and the sum are rounded on their own, exactly
// as the separate instructions would round them (no contraction into FMA, on any instruction set).
#if defined(__x86_64__)
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#endif
void ember_fused_linear_f32(const float *a, long sa, float s, const float *b, long sb, float t,
                            float *y, long n) {
#pragma clang fp contract(off)
  if (sa == 1 && sb == 1) {
    EMBER_ELEMENTWISE
    for (long i = 0; i < n; i++) y[i] = a[i] * s + b[i] * t;
  } else if (sa == 1) {
    float v = b[0] * t;
    EMBER_ELEMENTWISE
    for (long i = 0; i < n; i++) y[i] = a[i] * s + v;
  } else if (sb == 1) {
    float u = a[0] * s;
    EMBER_ELEMENTWISE
    for (long i = 0; i < n; i++) y[i] = u + b[i] * t;
  } else {
    float u = a[0] * s + b[0] * t;
    for (long i = 0; i < n; i++) y[i] = u;
  }
}

// The fused kernel's cheap float32 unary ops, vectorized for each instruction set (the Swift
// loops are SSE2 and do not vectorize `sqrt`). Codes: 0 neg, 1 abs, 2 square, 3 sqrt,
// 4 reciprocal, 5 relu (NaN passes through, as `UnaryOp.relu`). `y` may be the memory of `x`.
#if defined(__x86_64__)
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#endif
void ember_fused_unary_f32(int op, const float *x, float *y, long n) {
  switch (op) {
  case 0: EMBER_ELEMENTWISE for (long i = 0; i < n; i++) y[i] = -x[i]; break;
  case 1: EMBER_ELEMENTWISE for (long i = 0; i < n; i++) y[i] = __builtin_fabsf(x[i]); break;
  case 2: EMBER_ELEMENTWISE for (long i = 0; i < n; i++) y[i] = x[i] * x[i]; break;
  case 3: EMBER_ELEMENTWISE for (long i = 0; i < n; i++) y[i] = __builtin_elementwise_sqrt(x[i]); break;
  case 4: EMBER_ELEMENTWISE for (long i = 0; i < n; i++) y[i] = 1.0f / x[i]; break;
  case 5: EMBER_ELEMENTWISE for (long i = 0; i < n; i++) y[i] = x[i] < 0.0f ? 0.0f : x[i]; break;
  default: break;
  }
}
