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
    a.checkDevice(b, op: "matmul")
    let m = a.shape[a.rank - 2], k = a.shape[a.rank - 1], n = b.shape[b.rank - 1]
    precondition(b.shape[b.rank - 2] == k, "matmul: shapes \(a.shape) and \(b.shape) do not chain")
    guard let batch = Layout.broadcastShape(Array(a.shape.dropLast(2)), Array(b.shape.dropLast(2))) else {
      preconditionFailure("matmul: batch axes of \(a.shape) and \(b.shape) do not broadcast")
    }
    let type = DType.promoted(a.dtype, b.dtype)
    let left = a.cast(to: type), right = b.cast(to: type)
    let batchCount = batch.reduce(1, *)
    let out = empty(batch + [m, n], dtype: type, device: a.device)
    let lhs = left.detached().collapsedBatch(batch, rows: m, columns: k)
    let rhs = right.detached().collapsedBatch(batch, rows: k, columns: n)
    let c = Operand(buffer: out.buffer, layout: Layout(contiguous: [batchCount, m, n]), dtype: type)
    a.backend.matmul(lhs, rhs, to: c)
    // dA = G·Bᵀ, dB = Aᵀ·G (broadcast batch axes are summed back in backward). Each gradient is
    // produced in its input's memory order: for a transposed input (`x·Wᵀ` in Linear) it is
    // computed as (B·Gᵀ)ᵀ or (Gᵀ·A)ᵀ, so the gradient that reaches W is contiguous.
    // An input that tracks no gradient (a data batch) gets none computed.
    return record("matmul", out, inputs: [left, right]) { g in
      let da: Tensor? = left.gradNode == nil ? nil
        : left.isTransposedView ? right.matmul(g.transposed()).transposed() : g.matmul(right.transposed())
      let db: Tensor? = right.gradNode == nil ? nil
        : right.isTransposedView ? g.transposed().matmul(left).transposed() : left.transposed().matmul(g)
      return [da, db]
    }
  }

  /// This `[…, rows, columns]` tensor broadcast to `batch` and seen as `[batchCount, rows, columns]`
  /// (batch stride 0 when the batch is broadcast; copies only when the batch axes cannot merge).
  private func collapsedBatch(_ batch: [Int], rows: Int, columns: Int) -> Operand {
    var source = self
    var full = source.layout.broadcast(to: batch + [rows, columns])
    let batchCount = batch.reduce(1, *)
    func mergedBatchStride(_ l: Layout) -> Int? {
      // The batch axes (those of size > 1) must form one arithmetic sequence.
      var merged: Int? = nil, expected = 0
      for axis in stride(from: batch.count - 1, through: 0, by: -1) where l.shape[axis] != 1 {
        if merged == nil { merged = l.strides[axis]; expected = l.strides[axis] * l.shape[axis]; continue }
        if l.strides[axis] != expected { return nil }
        expected *= l.shape[axis]
      }
      return merged ?? 0
    }
    var batchStride = mergedBatchStride(full)
    if batchStride == nil {
      source = source.expanded(to: batch + [rows, columns]).contiguous().detached()
      full = source.layout
      batchStride = rows * columns
    }
    let inner = full.strides.suffix(2)
    return Operand(
      buffer: source.buffer,
      layout: Layout(shape: [batchCount, rows, columns], strides: [batchStride!] + inner, offset: full.offset),
      dtype: source.dtype)
  }

  /// `true` when the last two axes are stored column-major (a transposed view of a row-major matrix).
  var isTransposedView: Bool {
    rank >= 2 && shape[rank - 2] > 1 && shape[rank - 1] > 1 && strides[rank - 2] == 1
      && strides[rank - 1] == shape[rank - 2]
  }
}
