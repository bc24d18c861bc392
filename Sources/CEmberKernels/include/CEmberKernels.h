#ifndef CEMBER_KERNELS_H
#define CEMBER_KERNELS_H
// The few SIMD inner loops that need AVX2/AVX-512, chosen at run time (see PERFORMANCE.md).
#include <stdint.h>
int ember_cpu_features(void);
// The built-in GEMM's inner loops (Gemm.c), one set per instruction set. `pack_a` packs rows×depth of
// A (element (i, p) at a[i·rs + p·cs]) into panels of `mr` rows (panel r: for each step p, the `mr`
// values of rows r·mr…, zero-padded); `pack_b` packs depth×columns of B (element (p, j) at
// b[p·rs + j·cs]) into panels of `nr` columns. `block` computes C = α·(A·B) + β·C for an mc×nc
// block of C (row-major, leading dimension `ldc`) from packed A (mc×kc) and B (kc×nc); β = 0
// never reads C. The packed buffers need room for whole panels (rows and columns rounded up).
// `block_strided` is `block` with each operand packed or read where it lies: the tile at rows ir
// reads A element (i, p) at a[ir·astep + i·ars + p·acs] (packed: astep kc, ars 1, acs mr) and the
// tile at columns jr reads row p of B at b + jr·bstep + p·ldb (packed: bstep kc, ldb nr); B read
// where it lies needs nc to be a multiple of nr (its tiles read nr columns).
// `narrow`, when not NULL, is the same instruction set with a narrower, taller tile, for products
// with at most nr/2 columns.
typedef struct ember_gemm_f32_ops {
  int mr, nr;
  void (*pack_a)(long rows, long depth, const float *a, long rs, long cs, float *dst);
  void (*pack_b)(long depth, long columns, const float *b, long rs, long cs, float *dst);
  void (*block)(long mc, long nc, long kc, const float *a, const float *b, float *c, long ldc,
                float alpha, float beta);
  void (*block_strided)(long mc, long nc, long kc, const float *a, long ars, long acs, long astep,
                        const float *b, long ldb, long bstep, float *c, long ldc, float alpha, float beta);
  const struct ember_gemm_f32_ops *narrow;
} ember_gemm_f32_ops;
typedef struct ember_gemm_f64_ops {
  int mr, nr;
  void (*pack_a)(long rows, long depth, const double *a, long rs, long cs, double *dst);
  void (*pack_b)(long depth, long columns, const double *b, long rs, long cs, double *dst);
  void (*block)(long mc, long nc, long kc, const double *a, const double *b, double *c, long ldc,
                double alpha, double beta);
  void (*block_strided)(long mc, long nc, long kc, const double *a, long ars, long acs, long astep,
                        const double *b, long ldb, long bstep, double *c, long ldc, double alpha, double beta);
  const struct ember_gemm_f64_ops *narrow;
} ember_gemm_f64_ops;
// The GEMM of `variant` (-1: best for this CPU, 0: portable, 1: AVX2+FMA, 2: AVX-512, 3: portable
// with the AVX-512 tile shape), or NULL when this CPU cannot run it.
const ember_gemm_f32_ops *ember_gemm_f32_select(int variant);
const ember_gemm_f64_ops *ember_gemm_f64_select(int variant);
// FP32 FMA throughput (Peak.c): runs twelve independent FMA chains `iterations` times in the widest
// registers this CPU has, stores a result in `sink`, and returns the floating-point operations done.
double ember_fma_chains_f32(long iterations, float *sink);
// Vector math (VectorMath.c); pointers may not overlap unless equal.
/// y[i] = exp(x[i]) for float32, about 1 ulp.
void ember_exp_f32(const float *x, float *y, long n);
/// y[i] = 1 / (1 + exp(-x[i])) for float32, never overflowing.
void ember_sigmoid_f32(const float *x, float *y, long n);
/// Softmax (log-softmax when `logarithm` is nonzero) of each contiguous row of `cols` floats.
void ember_softmax_rows_f32(const float *x, float *y, long rows, long cols, int logarithm);
/// y[i] = tanh(x[i]) for float32, within a few ulp.
void ember_tanh_f32(const float *x, float *y, long n);
/// y[i] = erf(x[i]) for float32, within 3.4e-7 (16 wide where AVX-512 runs).
void ember_erf_f32(const float *x, float *y, long n);
/// `ember_exp_f32` for the fused kernel's blocks (`x` may equal `y`): the same results, 16 wide where
/// AVX-512 runs.
void ember_exp_f32_blocks(const float *x, float *y, long n);
/// The fused kernel's float32 block loops (VectorMath.c): y[i] = op(a[i·sa], b[i·sb]), strides 0
/// or 1, `y` may equal `a` or `b`; op 0 add, 1 sub, 2 mul, 3 div, 4 maximum, 5 minimum (NaN-propagating).
void ember_fused_binary_f32(int op, const float *a, long sa, const float *b, long sb, float *y,
                            long n);
/// The fused kernel's float32 neg (0), abs (1), square (2), sqrt (3), reciprocal (4), relu (5)
/// over a contiguous block; `y` may be the memory of `x`.
void ember_fused_unary_f32(int op, const float *x, float *y, long n);
/// The fused kernel's linear combination: y[i] = a[i·sa]·s + b[i·sb]·t (strides 0 or 1), each
/// product and the sum rounded separately (never an FMA). `y` may be the memory of `a` or `b`.
void ember_fused_linear_f32(const float *a, long sa, float s, const float *b, long sb, float t,
                            float *y, long n);
/// Max pooling of one `[2·out_height, width]` float plane with 2×2 windows at stride 2 (Pooling.c):
/// each window's maximum (the first on ties; NaN wins) and its position `y·width + x`.
void ember_maxpool2x2_f32(const float *src, long width, float *out, int64_t *index, long out_height,
                          long out_width);
// Philox 4×32-10 (Philox.c).
/// One block: four 32-bit words of counter `counter` under key `key` (Random123's `philox4x32`).
void ember_philox4x32_10(const uint32_t counter[4], const uint32_t key[2], uint32_t out[4]);
/// The words `word ..< word + n` of the stream `(key, stream)`: word `w` is word `w % 4` of the
/// block whose counter is `(w / 4) as 64 bits, stream as 64 bits` (low words first).
void ember_philox_u32(uint64_t key, uint64_t stream, uint64_t word, uint32_t *out, long n);
// Random numbers from Philox words (Random.c).
/// Box–Muller normals: for each pair j, out[2j] = mean + std·(r·cos θ) and
/// out[2j + 1] = mean + std·(r·sin θ), with u₁ = 1 − (words[2j] >> 8)·2⁻²⁴,
/// u₂ = (words[2j + 1] >> 8)·2⁻²⁴, r = √(−2 ln u₁), θ = 2π·u₂. Writes `count` floats (an odd
/// count still reads its last pair's two words); `words` and `out` may be the same memory.
/// `variant`: -1 best for this CPU, 0 portable, 1 AVX2, 2 AVX-512 (bit-identical results).
void ember_normal_f32(const uint32_t *words, float *out, long count, float mean, float std,
                      int variant);
/// Batch normalization's statistics over `[rows, channels, spatial]` contiguous values, for
/// channels c0..<c1 (Normalization.c): `mean[c]` and the biased `variance[c]` over rows and
/// spatial positions, in one pass.
void ember_channel_moments_f32(const float *x, long rows, long channels, long spatial, long c0, long c1,
                               double *mean, double *variance);
void ember_channel_moments_f64(const double *x, long rows, long channels, long spatial, long c0,
                               long c1, double *mean, double *variance);
/// Batch normalization's backward sums, for channels c0..<c1: `sum[c] = Σ dy` and
/// `centered[c] = Σ dy·(x − mean[c])` over rows and spatial positions, in one pass.
void ember_channel_gradient_sums_f32(const float *dy, const float *x, const double *mean, long rows,
                                     long channels, long spatial, long c0, long c1, double *sum,
                                     double *centered);
void ember_channel_gradient_sums_f64(const double *dy, const double *x, const double *mean, long rows,
                                     long channels, long spatial, long c0, long c1, double *sum,
                                     double *centered);
/// Winograd F(2×2, 3×3) (Winograd.c). `input`: the 4×4 tiles (stride 2, starting at
/// (2·ty − pad_top, 2·tx − pad_left), zero outside) of each `[height, width]` plane of `channels`
/// planes, transformed (Bᵀ·d·B), element k of tile t of channel c at v[(k·channels + c)·ldv + t];
/// at most 512 tiles per row (both functions).
void ember_winograd_input_f32(const float *x, long channels, long height, long width, long pad_top,
                              long pad_left, long tiles_h, long tiles_w, float *v, long ldv);
/// `output`: each tile's 16 products (element k of tile t, channel o at m[(k·channels + o)·ldm + t])
/// transformed back (Aᵀ·s·A) into 2×2 outputs of `[out_h, out_w]` planes, plus `bias[o]` (or none).
void ember_winograd_output_f32(const float *m, long channels, long ldm, long tiles_h, long tiles_w,
                               float *y, long out_h, long out_w, const float *bias);
/// The adjoint of `output` for the weight gradient: each 2×2 tile of the `[out_h, out_w]` output
/// gradient planes (zero past the edges) as the 16 values A·g·Aᵀ, laid out as `input`'s.
void ember_winograd_gradient_f32(const float *dy, long channels, long out_h, long out_w, long tiles_h,
                                 long tiles_w, float *m, long ldm);
#endif
