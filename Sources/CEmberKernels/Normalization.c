// Batch normalization's per-channel sums in one pass over `[rows, channels, spatial]` (Normalization
// kernels in EmberCPU). Each contiguous run of `spatial` values is summed in the element type with
// vector partial sums (reassociation allowed inside these functions only), shifted by the
// channel's first value so E[(x−K)²] − E[x−K]² does not cancel, and the runs are combined in double.
#include "CEmberKernels.h"

#define EMBER_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))

#define EMBER_CHANNEL_MOMENTS(name, T)                                                       \
  EMBER_CLONES void name(const T *x, long rows, long channels, long spatial, long c0, long c1, \
                         double *mean, double *variance) {                                   \
    _Pragma("clang fp reassociate(on)")                                                      \
    double count = (double)rows * (double)spatial;                                           \
    for (long c = c0; c < c1; c++) {                                                         \
      T shift = x[c * spatial];                                                              \
      double s = 0, q = 0;                                                                   \
      for (long n = 0; n < rows; n++) {                                                      \
        const T *run = x + (n * channels + c) * spatial;                                     \
        T rs = 0, rq = 0;                                                                    \
        for (long i = 0; i < spatial; i++) {                                                 \
          T d = run[i] - shift;                                                              \
          rs += d;                                                                           \
          rq += d * d;                                                                       \
        }                                                                                    \
        s += rs;                                                                             \
        q += rq;                                                                             \
      }                                                                                      \
      double m = s / count, v = q / count - m * m;                                           \
      mean[c] = (double)shift + m;                                                           \
      variance[c] = v > 0 ? v : 0;                                                           \
    }                                                                                        \
  }

EMBER_CHANNEL_MOMENTS(ember_channel_moments_f32, float)
EMBER_CHANNEL_MOMENTS(ember_channel_moments_f64, double)

#define EMBER_CHANNEL_GRADIENT_SUMS(name, T)                                                  \
  EMBER_CLONES void name(const T *dy, const T *x, const double *mean, long rows, long channels, \
                         long spatial, long c0, long c1, double *sum, double *centered) {     \
    _Pragma("clang fp reassociate(on)")                                                       \
    for (long c = c0; c < c1; c++) {                                                          \
      T m = (T)mean[c];                                                                       \
      double s = 0, t = 0;                                                                    \
      for (long n = 0; n < rows; n++) {                                                       \
        const T *g = dy + (n * channels + c) * spatial, *v = x + (n * channels + c) * spatial; \
        T rs = 0, rt = 0;                                                                     \
        for (long i = 0; i < spatial; i++) {                                                  \
          rs += g[i];                                                                         \
          rt += g[i] * (v[i] - m);                                                            \
        }                                                                                     \
        s += rs;                                                                              \
        t += rt;                                                                              \
      }                                                                                       \
      sum[c] = s;                                                                             \
      centered[c] = t;                                                                        \
    }                                                                                         \
  }

EMBER_CHANNEL_GRADIENT_SUMS(ember_channel_gradient_sums_f32, float)
EMBER_CHANNEL_GRADIENT_SUMS(ember_channel_gradient_sums_f64, double)
