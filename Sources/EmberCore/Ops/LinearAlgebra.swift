import EmberBackend

extension Tensor {
  /// Matrix product with `torch.matmul`'s rules: vector·vector is a dot product, a vector operand gains
  /// (then loses) a unit axis, and leading batch axes broadcast.
  ///
  /// Shapes: `[…, m, k]` · `[…, k, n]` → `[…broadcast, m, n]`.
  public func matmul(_ other: Tensor) -> Tensor {
    precondition(rank >= 1 && other.rank >= 1,
                 "matmul: shapes \(shape) and \(other.shape) need at least one axis each")
    if rank == 1 && other.rank == 1 {
      precondition(shape[0] == other.shape[0], "matmul: shapes \(shape) and \(other.shape) do not chain")
      return (self * other).sum()
    }
    if rank == 1 { return unsqueezed(axis: 0).matmul(other).squeezed(axis: -2) }
    if other.rank == 1 { return matmul(other.unsqueezed(axis: 1)).squeezed(axis: -1) }
    return Tensor.batchedMatmul(self, other)
  }

  /// `[…, m, k]` · `[…, k, n]` with broadcast batch axes, both of rank ≥ 2.
  private static func batchedMatmul(_ a: Tensor, _ b: Tensor) -> Tensor {
    let (left, right, batch, m, n) = matmulOperands(a, b, op: "matmul")
    let out = empty(batch + [m, n], dtype: left.dtype, device: a.device)
    a.backend.matmul(
      left.operandBroadcast(batch), right.operandBroadcast(batch), to: out.operand, alpha: 1, beta: 0)
    // dA = G·Bᵀ, dB = Aᵀ·G (broadcast batch axes are summed back in backward).
    return record("matmul", out, inputs: [left, right]) { g in
      matmulGradients(g, left, right, alpha: 1)
    }
  }

  /// `β·input + α·(a·b)` in one product, `input` broadcast to the result (PyTorch's `addmm` and
  /// `baddbmm`): the GEMM adds the product into a copy of `input` instead of writing it and adding
  /// in a second pass.
  ///
  /// Shapes: `input` broadcasts to `[…, m, n]`; `a` `[…, m, k]`, `b` `[…, k, n]` (rank ≥ 2).
  public static func addmm(
    _ input: Tensor, _ a: Tensor, _ b: Tensor, beta: Double = 1, alpha: Double = 1
  ) -> Tensor {
    precondition(a.rank >= 2 && b.rank >= 2,
                 "addmm: shapes \(a.shape) and \(b.shape) need at least two axes each")
    a.checkDevice(input, op: "addmm")
    let (left, right, batch, m, n) = matmulOperands(a, b, op: "addmm")
    let shape = batch + [m, n]
    precondition(Layout.broadcastShape(input.shape, shape) == shape,
                 "addmm: input of shape \(input.shape) does not broadcast to \(shape)")
    let out = empty(shape, dtype: left.dtype, device: a.device)
    let base = input.cast(to: left.dtype)
    var source = base.operand
    source.layout = base.layout.broadcast(to: shape)
    a.backend.copy(source, to: out.operand)
    a.backend.matmul(
      left.operandBroadcast(batch), right.operandBroadcast(batch), to: out.operand, alpha: alpha,
      beta: beta)
    // dInput = β·G, dA = α·G·Bᵀ, dB = α·Aᵀ·G
    return record("addmm", out, inputs: [base, left, right]) { g in
      [base.gradNode == nil ? nil : beta == 1 ? g : g * beta] + matmulGradients(g, left, right, alpha: alpha)
    }
  }

  /// The promoted inputs of a product and its result's batch axes and matrix size.
  private static func matmulOperands(_ a: Tensor, _ b: Tensor, op: String)
    -> (Tensor, Tensor, batch: [Int], m: Int, n: Int)
  {
    a.checkDevice(b, op: op)
    let m = a.shape[a.rank - 2], k = a.shape[a.rank - 1], n = b.shape[b.rank - 1]
    precondition(b.shape[b.rank - 2] == k, "\(op): shapes \(a.shape) and \(b.shape) do not chain")
    guard let batch = Layout.broadcastShape(Array(a.shape.dropLast(2)), Array(b.shape.dropLast(2))) else {
      preconditionFailure("\(op): batch axes of \(a.shape) and \(b.shape) do not broadcast")
    }
    let type = DType.promoted(a.dtype, b.dtype)
    return (a.cast(to: type), b.cast(to: type), batch, m, n)
  }

  /// `dA = α·G·Bᵀ`, `dB = α·Aᵀ·G`. Each gradient is produced in its input's memory order: for a
  /// transposed input (`x·Wᵀ` in Linear) it is computed as (B·Gᵀ)ᵀ or (Gᵀ·A)ᵀ, so the gradient
  /// that reaches W is contiguous. An input that tracks no gradient (a data batch) gets none.
  private static func matmulGradients(_ g: Tensor, _ left: Tensor, _ right: Tensor, alpha: Double)
    -> [Tensor?]
  {
    let scaled = alpha == 1 ? g : g * alpha
    let da: Tensor? = left.gradNode == nil ? nil
      : left.isTransposedView ? right.matmul(scaled.transposed()).transposed() : scaled.matmul(right.transposed())
    let db: Tensor? = right.gradNode == nil ? nil
      : right.isTransposedView ? scaled.transposed().matmul(left).transposed() : left.transposed().matmul(scaled)
    return [da, db]
  }

  /// The kernel view of this `[…, rows, columns]` tensor with its batch axes broadcast to `batch`
  /// (stride 0 where broadcast) — every layout multiplies in place, with no copy.
  private func operandBroadcast(_ batch: [Int]) -> Operand {
    var result = operand
    result.layout = layout.broadcast(to: batch + shape.suffix(2))
    return result
  }

  /// `true` when the last two axes are stored column-major (a transposed view of a row-major matrix).
  var isTransposedView: Bool {
    rank >= 2 && shape[rank - 2] > 1 && shape[rank - 1] > 1 && strides[rank - 2] == 1
      && strides[rank - 1] == shape[rank - 2]
  }
}
