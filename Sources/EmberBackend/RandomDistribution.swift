/// A distribution the backend's `random(_:at:to:)` kernel draws from, and which words of the
/// Philox stream each element reads.
///
/// Element `e` (the row-major index in the output) reads only the words named below, counted
/// from the position's first word, so every element is a function of `(position, e)` alone: a
/// seed gives the same numbers on any thread count, and a kernel on another device can reproduce
/// them. "Word `k`" below means word `position.word + k` of the stream.
///
/// Uniforms from words: `u₂₄(w) = Float(w >> 8) · 2⁻²⁴` in `[0, 1)` for float32 and
/// `u₅₃(lo, hi) = Double(((hi << 32) | lo) >> 11) · 2⁻⁵³` in `[0, 1)` for float64. A float32
/// element reads word `e`; a float64 element reads words `2e` (low) and `2e + 1` (high).
///
/// - `uniform`: `min(low + (high − low) · u, high)`, computed in the output's type.
/// - `normal`: Box–Muller on pairs. Elements `2j` and `2j + 1` share `u₁ = 1 − u` of element
///   `2j`'s words (so `u₁` lies in `(0, 1]` and its logarithm is finite) and `u₂ = u` of element
///   `2j + 1`'s words; with `r = √(−2 ln u₁)` and `θ = 2π·u₂`, element `2j` is
///   `mean + std · (r·cos θ)` and element `2j + 1` is `mean + std · (r·sin θ)`. A last element of
///   even index still reads its partner's words. Float32 is computed in float32 (logarithm, sine
///   and cosine as polynomials, within 2 ulp; `θ` is reduced to a quarter turn exactly from the
///   integer bits, no fused multiply-add, so every CPU gives the same bits); float64 in `Double`
///   with the C library.
/// - `truncatedNormal`: the inverse CDF, as PyTorch's `trunc_normal_`. With `Φ` the standard
///   normal CDF, `α = (low − mean) / std` and `β = (high − mean) / std`, element `e` is
///   `clamp(mean + std · Φ⁻¹(Φ(α) + (Φ(β) − Φ(α)) · v), low, high)`, where `v` is the midpoint
///   uniform `(Float(w >> 8) + 0.5) · 2⁻²⁴` (float32) or `(Double(x >> 11) + 0.5) · 2⁻⁵³`
///   (float64, `x` the element's 64 bits), never 0 or 1. When `α + β > 0` the same value is
///   computed in the mirrored lower tail, `−Φ⁻¹(Φ(−β) + (Φ(−α) − Φ(−β)) · (1 − v))`, so bounds far
///   above the mean keep their precision. Computed in `Double` for both dtypes (`Φ⁻¹` by
///   Wichura's AS241, as Python's `NormalDist`).
/// - `bernoulli`: element `e` is 1 (`true`) when
///   `UInt64(word e) < UInt64((p · 2³²).rounded(.down))`, else 0, for every output dtype (dropout
///   keeps element `e` when Bernoulli(1 − p) is 1 at the same position, so `Tensor.bernoulli` and
///   dropout masks agree).
/// - `integers`: `low + ⌊x · width / 2⁶⁴⌋` with `x = (word 2e + 1) << 32 | word 2e`, for every
///   dtype (multiply-shift without rejection: the bias is below `width / 2⁶⁴`).
/// - `permutation`: a one-axis `int64` output of `n` elements becomes a uniformly random ordering
///   of `0..<n` by Fisher–Yates: starting from `0, 1, …, n − 1`, step `i` (`0 ≤ i < n − 1`) swaps
///   elements `i` and `i + ⌊x_i · (n − i) / 2⁶⁴⌋`, `x_i` the 64 bits of words `2i`, `2i + 1`. The
///   words are counter-based; only the swaps run in order.
public enum RandomDistribution: Hashable, Sendable {
  /// Uniform in `[low, high)` (PyTorch's `uniform_`); float dtypes.
  case uniform(low: Double, high: Double)
  /// Normal with `mean` and `standardDeviation` (PyTorch's `normal_`); float dtypes.
  case normal(mean: Double, standardDeviation: Double)
  /// Normal with `mean` and `standardDeviation` restricted to `[low, high]` (absolute bounds, as
  /// PyTorch's `trunc_normal_`); float dtypes.
  case truncatedNormal(mean: Double, standardDeviation: Double, low: Double, high: Double)
  /// 1 with `probability`, else 0; any dtype.
  case bernoulli(probability: Double)
  /// Uniform integers in `low ..< low + width` (PyTorch's `randint`); any dtype; `width > 0`.
  case integers(low: Int64, width: UInt64)
  /// A random ordering of `0..<n` into a one-axis `int64` output of `n` elements (`randperm`).
  case permutation

  /// The 32-bit words each element reads: 2 for float64 floats, integers and permutations, else 1.
  public func wordsPerElement(dtype: DType) -> Int {
    switch self {
    case .uniform, .normal, .truncatedNormal: return dtype == .float64 ? 2 : 1
    case .bernoulli: return 1
    case .integers, .permutation: return 2
    }
  }

  /// The words a draw of `count` elements of `dtype` reads (normals read whole pairs); a generator
  /// reserves at least this many.
  public func wordCount(count: Int, dtype: DType) -> Int {
    precondition(count >= 0, "random: negative element count \(count)")
    if case .normal = self { return wordsPerElement(dtype: dtype) * (count + (count & 1)) }
    return wordsPerElement(dtype: dtype) * count
  }
}
