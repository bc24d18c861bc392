import EmberCore

/// The coefficient of determination `R² = 1 − Σ(t − p)² / Σ(t − t̄)²`, per output column and
/// averaged over columns (scikit-learn's `r2_score` with `multioutput='uniform_average'`).
///
/// Targets are `[batch]` (one output) or `[batch, outputs…]`. A column whose targets are all equal
/// scores 1 when predicted exactly and 0 otherwise, as in scikit-learn.
public final class RSquared: Metric {
  public let name: String
  // Per column: Σ t, Σ t², Σ (t − p)², accumulated in float64.
  private var sums: (targets: Tensor, squares: Tensor, residuals: Tensor)?
  private var total = 0

  /// The metric, logged as `name`.
  public init(name: String = "r2") { self.name = name }

  public func reset() { (sums, total) = (nil, 0) }

  public func update(predictions: Tensor, targets: Tensor) {
    let (p, t) = regressionPair(predictions, targets, op: "RSquared")
    let rows = t.rank == 0 ? 1 : t.shape[0]
    let (p2, t2) = (p.reshaped([rows, -1]), t.reshaped([rows, -1]))
    let batch = (t2.sum(axis: 0), t2.squared().sum(axis: 0), (t2 - p2).squared().sum(axis: 0))
    if let old = sums {
      sums = (old.targets + batch.0, old.squares + batch.1, old.residuals + batch.2)
    } else {
      sums = batch
    }
    total += rows
  }

  public var result: Double {
    guard let sums, total > 0 else { return 0 }
    let n = Double(total)
    let (s, s2, residuals) = (sums.targets.doubles, sums.squares.doubles, sums.residuals.doubles)
    var score = 0.0
    for column in s.indices {
      // Σ(t − t̄)² = Σt² − (Σt)²/n.
      let totalSquares = Swift.max(0, s2[column] - s[column] * s[column] / n)
      if totalSquares > 0 {
        score += 1 - residuals[column] / totalSquares
      } else {
        score += residuals[column] == 0 ? 1 : 0
      }
    }
    return score / Double(s.count)
  }
}
