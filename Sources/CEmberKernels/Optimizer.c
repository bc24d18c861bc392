#include "CEmberKernels.h"

// The common Adam/AdamW step (moments present, no AMSGrad, no weight decay) as one pass over
// memory. `restrict` lets the compiler vectorize it (Swift cannot prove the buffers do not alias).
typedef float emberAdamV8 __attribute__((vector_size(32), aligned(4)));

static inline void adamBody(const float *restrict p0, const float *restrict g0,
                            const float *restrict m0, const float *restrict v0,
                            float *restrict p1, float *restrict m1, float *restrict v1, long n,
                            float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2,
                            float correction2, float epsilon, float stepSize) {
  long i = 0;
  // Eight lanes at a time (vector extensions: a plain loop would not vectorize sqrtf, which may
  // set errno).
  for (; i + 8 <= n; i += 8) {
    emberAdamV8 g = *(const emberAdamV8 *)(g0 + i);
    emberAdamV8 m = *(const emberAdamV8 *)(m0 + i) * beta1 + g * oneMinusBeta1;
    emberAdamV8 v = *(const emberAdamV8 *)(v0 + i) * beta2 + (g * g) * oneMinusBeta2;
    *(emberAdamV8 *)(m1 + i) = m;
    *(emberAdamV8 *)(v1 + i) = v;
    *(emberAdamV8 *)(p1 + i) = *(const emberAdamV8 *)(p0 + i)
      - m / (__builtin_elementwise_sqrt(v) / correction2 + epsilon) * stepSize;
  }
  for (; i < n; i++) {
    float g = g0[i];
    float m = m0[i] * beta1 + g * oneMinusBeta1;             // m ← β₁m + (1 − β₁)g
    float v = v0[i] * beta2 + (g * g) * oneMinusBeta2;       // v ← β₂v + (1 − β₂)g²
    m1[i] = m;
    v1[i] = v;
    p1[i] = p0[i] - m / (__builtin_elementwise_sqrt(v) / correction2 + epsilon) * stepSize;
  }
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma")))
static void adamAVX2(const float *p0, const float *g0, const float *m0, const float *v0, float *p1,
                     float *m1, float *v1, long n, float b1, float ob1, float b2, float ob2,
                     float c2, float eps, float lr) {
  adamBody(p0, g0, m0, v0, p1, m1, v1, n, b1, ob1, b2, ob2, c2, eps, lr);
}
#endif

static void adamGeneric(const float *p0, const float *g0, const float *m0, const float *v0,
                        float *p1, float *m1, float *v1, long n, float b1, float ob1, float b2,
                        float ob2, float c2, float eps, float lr) {
  adamBody(p0, g0, m0, v0, p1, m1, v1, n, b1, ob1, b2, ob2, c2, eps, lr);
}

void ember_adam_f32(const float *p0, const float *g0, const float *m0, const float *v0, float *p1,
                    float *m1, float *v1, long n, float beta1, float oneMinusBeta1, float beta2,
                    float oneMinusBeta2, float correction2, float epsilon, float stepSize) {
#if defined(__x86_64__)
  if (ember_cpu_features() & 1) {
    adamAVX2(p0, g0, m0, v0, p1, m1, v1, n, beta1, oneMinusBeta1, beta2, oneMinusBeta2,
             correction2, epsilon, stepSize);
    return;
  }
#endif
  adamGeneric(p0, g0, m0, v0, p1, m1, v1, n, beta1, oneMinusBeta1, beta2, oneMinusBeta2,
              correction2, epsilon, stepSize);
}
