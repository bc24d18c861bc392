import EmberCore

/// How a loss combines its per-element values, like PyTorch's `reduction` argument.
public enum Reduction: Sendable {
  /// The mean over elements (the default; weighted losses divide by the weights, as PyTorch does).
  case mean
  /// The sum over elements.
  case sum
  /// No reduction: one value per element (or per sample for class losses).
  case none
  /// The sum divided by the batch size (the first axis): PyTorch's `'batchmean'`, the reduction
  /// that gives the true KL divergence in `klDivergence`.
  case batchMean
}

extension Tensor {
  /// Applies `reduction` to per-element losses.
  func reduced(_ reduction: Reduction) -> Tensor {
    switch reduction {
    case .mean: return mean()
    case .sum: return sum()
    case .none: return self
    case .batchMean: return sum() / Double(Swift.max(rank == 0 ? 1 : shape[0], 1))
    }
  }
}

/// Checks that a loss's prediction and target shapes agree (PyTorch only warns, but a `[N, 1]`
/// against `[N]` broadcast is almost always a bug).
func checkSameShape(_ a: Tensor, _ b: Tensor, _ op: String) {
  precondition(a.shape == b.shape,
               "\(op): prediction shape \(a.shape) differs from target shape \(b.shape)")
}
