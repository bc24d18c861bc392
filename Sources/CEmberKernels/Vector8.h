// The 8-wide float32 helpers the C kernels share (GCC/clang vector extensions). Private to
// CEmberKernels. They are always inlined, so their vector ABI never matters.
#ifndef CEMBER_VECTOR8_H
#define CEMBER_VECTOR8_H
#include <string.h>

#pragma clang diagnostic ignored "-Wpsabi"

typedef float v8f __attribute__((vector_size(32), aligned(4)));
typedef int v8i __attribute__((vector_size(32), aligned(4)));
typedef unsigned v8u __attribute__((vector_size(32), aligned(4)));

#define EMBER_INLINE static inline __attribute__((always_inline))

EMBER_INLINE v8f splat(float x) { return (v8f){x, x, x, x, x, x, x, x}; }
EMBER_INLINE v8i splati(int x) { return (v8i){x, x, x, x, x, x, x, x}; }

// Lanes of `a` where `mask` is set, of `b` elsewhere.
EMBER_INLINE v8f select8(v8i mask, v8f a, v8f b) {
  return (v8f)(((v8i)a & mask) | ((v8i)b & ~mask));
}

EMBER_INLINE v8f load8(const float *p) {
  v8f v;
  memcpy(&v, p, sizeof v);
  return v;
}

EMBER_INLINE void store8(float *p, v8f v) { memcpy(p, &v, sizeof v); }
#endif
