import EmberCore

/// The Kullback–Leibler divergence with the prediction in log space (PyTorch's `kl_div`):
/// `t·(log t − input)` per element, 0 where `t = 0`; with `logTargets`, targets are log
/// probabilities too and the term is `eᵗ·(t − input)`.
///
/// `.mean` averages over every element, as PyTorch does; `.batchMean` (sum ÷ batch size) gives the
/// true KL divergence of the distributions on the last axes.
///
/// Shapes: `logProbabilities` and `targets` of the same shape → a scalar (or that shape with
/// `.none`).
public func klDivergence(
  logProbabilities: Tensor, targets: Tensor, logTargets: Bool = false, reduction: Reduction = .mean
) -> Tensor {
  checkSameShape(logProbabilities, targets, "klDivergence")
  let t = targets.cast(to: logProbabilities.dtype)
  if logTargets { return (t.exp() * (t - logProbabilities)).reduced(reduction) }
  // xlogy(t, t): log of 1 where t = 0 keeps the unselected branch (and its gradient) finite.
  let positive = t.greater(0)
  let tLogT = t * Tensor.where(positive, t, 1).log()
  return (tLogT - t * logProbabilities).reduced(reduction)
}
