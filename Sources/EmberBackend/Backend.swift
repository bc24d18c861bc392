/// The primitive kernels of one device. Backends know nothing of gradients.
///
/// Every method takes `Operand`s whose layouts may be strided (including stride 0 for broadcasting).
/// Output operands are freshly allocated by the caller and contiguous unless a method says otherwise.
/// The caller has already checked shapes; a backend may trap on shapes it does not expect.
public protocol Backend: AnyObject, Sendable {
  /// The device this backend runs on.
  var device: Device { get }

  /// A short human description (for `ember info`).
  var name: String { get }

  /// Memory for `count` elements of `dtype` (contents undefined).
  func allocate(count: Int, dtype: DType) -> Buffer

  /// Copies `byteCount` host bytes into the start of `buffer`.
  func upload(_ source: UnsafeRawPointer, byteCount: Int, to buffer: Buffer)

  /// Copies the elements `operand` sees, in row-major order, into host memory (as `operand.dtype`).
  func download(_ operand: Operand, to destination: UnsafeMutableRawPointer)

  /// Writes `source`'s elements into `destination`, converting dtypes; `destination` may be strided
  /// (a slice of a larger buffer) but never overlaps `source`. Shapes are equal.
  func copy(_ source: Operand, to destination: Operand)

  /// Sets every element `destination` sees to `value` (converted to its dtype).
  func fill(_ destination: Operand, with value: Double)

  /// Fills the contiguous `out` with draws from `distribution`, element `e` computed from the Philox
  /// stream at `position` and `e` alone (the words each element reads are in `RandomDistribution`).
  func random(_ distribution: RandomDistribution, at position: PhiloxPosition, to out: Operand)

  /// `out = op(x)`; `out` has `x`'s shape.
  func unary(_ op: UnaryOp, _ x: Operand, to out: Operand)

  /// `out = op(a, b)`; `a`, `b` and `out` have the same shape (the inputs broadcast with stride 0).
  func binary(_ op: BinaryOp, _ a: Operand, _ b: Operand, to out: Operand)

  /// `out = condition ? a : b`; all four have the same shape; `condition` is `bool`.
  func select(_ condition: Operand, _ a: Operand, _ b: Operand, to out: Operand)

  /// Reduces `x` over `axes` (sorted, distinct) into `out`, whose shape is `x`'s with those axes set
  /// to 1. For `argmax`/`argmin`, `axes` has exactly one axis and `out` is `int64`.
  func reduce(_ op: ReduceOp, _ x: Operand, axes: [Int], to out: Operand)

  /// Batched matrix product `c[i] = α·a[i]·b[i] + β·c[i]` over every batch index `i`: `a` is
  /// `[…, m, k]`, `b` is `[…, k, n]`, `c` is `[…, m, n]`, with the same batch axes, each of which
  /// may have its own stride in each operand (0 broadcasts; transposed and sliced views multiply
  /// in place). The inner axes may have any strides. With `β = 0`, `c` is only written.
  /// Float dtypes go through BLAS when loaded; integers use a plain loop.
  func matmul(_ a: Operand, _ b: Operand, to c: Operand, alpha: Double, beta: Double)

  /// The convolution `geometry` describes, plus `bias[o]` on every output of channel `o` when
  /// given: `input`, `weight` and `out` are contiguous in the geometry's shapes, `bias` is `[O]`.
  func convolution(
    _ input: Operand, weight: Operand, bias: Operand?, geometry: ConvolutionGeometry, to out: Operand)

  /// The convolution's gradient with respect to its input (a transposed convolution):
  /// `out[n, g·C' + c, y', x'] = Σ gradient[n, o, y, x]·w[o, c, i, j]` over the outputs `(o, y, x)`
  /// whose window reads `(y', x')` at tap `(i, j)`. `gradient` has the output shape, `out` the input
  /// shape (every element written), all contiguous.
  func convolutionBackwardInput(
    _ gradient: Operand, weight: Operand, geometry: ConvolutionGeometry, to out: Operand)

  /// The convolution's gradient with respect to its weight: `out[o, c, i, j] =
  /// Σ_{n, y, x} gradient[n, o, y, x]·input[n, g·C' + c, y·sh − top + i·dh, x·sw − left + j·dw]`.
  /// All contiguous; the sum's order depends on the batch size only, not on the thread count.
  func convolutionBackwardWeight(
    _ input: Operand, gradient: Operand, geometry: ConvolutionGeometry, to out: Operand)

  /// Max pooling: `values` gets each window's largest element (NaN if the window holds one; padding
  /// never wins) and `indices` (`int64`) its position `y·inputWidth + x` in its plane, as PyTorch's
  /// `return_indices`; the first on ties. `input` is `[planes, H, W]` contiguous.
  func maxPool(_ input: Operand, geometry: PoolingGeometry, values: Operand, indices: Operand)

  /// The gradient of `maxPool` with respect to its input: `out` (the input's shape, every
  /// element written) is zero except where a window's maximum was, which gets the sum of the
  /// `gradient` of every window whose maximum it was (`indices` from `maxPool`).
  func maxPoolBackward(_ gradient: Operand, indices: Operand, geometry: PoolingGeometry, to out: Operand)

  /// Average pooling: each window's mean over its positions inside the input, or over every
  /// position inside the padded input when `countPadding` (PyTorch's `count_include_pad`).
  func averagePool(_ input: Operand, geometry: PoolingGeometry, countPadding: Bool, to out: Operand)

  /// The gradient of `averagePool` with respect to its input (every element of `out` written).
  func averagePoolBackward(
    _ gradient: Operand, geometry: PoolingGeometry, countPadding: Bool, to out: Operand)

  /// Batch normalization's statistics: `mean[c]` and the biased `variance[c]` of `input`
  /// (`[N, C, …]`, contiguous) over every axis but 1, in one pass; both `[C]` of the input's dtype.
  func channelMoments(_ input: Operand, mean: Operand, variance: Operand)

  /// Batch normalization's backward sums over every axis but 1 of `gradient` and `input`
  /// (`[N, C, …]`, contiguous): `sum[c] = Σ gradient` and `centeredSum[c] = Σ gradient·(input −
  /// mean[c])`, in one pass; `mean`, `sum` and `centeredSum` are `[C]` of the input's dtype.
  func channelGradientSums(
    _ gradient: Operand, _ input: Operand, mean: Operand, sum: Operand, centeredSum: Operand)

  /// Softmax (or log-softmax when `log`) along `axis`, numerically stable; `out` has `x`'s shape.
  func softmax(_ x: Operand, axis: Int, log: Bool, to out: Operand)

  /// `out[…, j, …] = x[…, index[…, j, …], …]` along `axis` (PyTorch's `gather`); `index` is `int64`
  /// with `out`'s shape; indices are checked to lie in `0..<x.shape[axis]`.
  func gather(_ x: Operand, axis: Int, index: Operand, to out: Operand)

  /// `out[…, index[…, j, …], …] += source[…, j, …]` along `axis` (PyTorch's `scatter_add_`);
  /// `out` is contiguous and already holds the starting values; `index` has `source`'s shape.
  func scatterAdd(_ source: Operand, axis: Int, index: Operand, into out: Operand)

  /// Inclusive cumulative sum along `axis`; `out` has `x`'s shape.
  func cumsum(_ x: Operand, axis: Int, to out: Operand)

  /// Sorts along `axis` (stable), writing sorted values and their `int64` source indices.
  func sort(_ x: Operand, axis: Int, descending: Bool, values: Operand, indices: Operand)

  /// Evaluates `program` elementwise in one pass: output `k` gets register `program.results[k]`.
  ///
  /// `inputs` (any dtype, any strides, broadcast with stride 0) and `outputs` (any dtype, not
  /// broadcast) all have one shape; element `e` is the row-major index into it. `scalars` holds
  /// `program.scalarCount` values; `random` is the Philox position of the program's random leaves
  /// (required when `program.isRandom`). An output may be the very same elements as an input (an
  /// in-place update: every input element is read before its output element is written), but must
  /// not overlap an input otherwise. Results do not depend on the thread count.
  func fused(
    _ program: FusedProgram, scalars: [Double], inputs: [Operand], outputs: [Operand],
    random: PhiloxPosition?)

  /// Live and peak bytes and allocation and download counts of this backend.
  var memoryStatistics: MemoryStatistics { get }

  /// Starts a new peak: `peakBytes` becomes `currentBytes`.
  func resetPeakMemory()

  /// Waits until all queued work has finished (a no-op on the CPU).
  func synchronize()
}

extension Backend {
  /// `c[i] = a[i]·b[i]` (α = 1, β = 0).
  public func matmul(_ a: Operand, _ b: Operand, to c: Operand) {
    matmul(a, b, to: c, alpha: 1, beta: 0)
  }
}
