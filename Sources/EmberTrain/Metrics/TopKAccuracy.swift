import EmberCore

/// The fraction of examples whose target class is among the `k` highest-scoring classes.
///
/// Predictions are `[batch, classes]`; targets are class indices `[batch]` or one-hot rows.
public final class TopKAccuracy: Metric {
  public let name: String
  /// How many of the best classes count as a hit.
  public let k: Int
  private var correct: Tensor?
  private var total = 0

  /// Top-`k` accuracy, named `top_<k>_accuracy` unless `name` says otherwise.
  public init(k: Int, name: String? = nil) {
    precondition(k >= 1, "TopKAccuracy: k = \(k) must be at least 1")
    self.k = k
    self.name = name ?? "top_\(k)_accuracy"
  }

  public func reset() {
    correct = nil
    total = 0
  }

  public func update(predictions: Tensor, targets: Tensor) {
    precondition(predictions.rank == 2,
                 "TopKAccuracy: predictions must be [batch, classes], got \(predictions.shape)")
    let expected = targetClasses(targets, predictions: predictions, op: "TopKAccuracy")
    let best = predictions.topK(Swift.min(k, predictions.shape[1]), axis: -1).indices
    // The k indices of a row are distinct, so each row matches at most once.
    let hits = best.equal(expected.unsqueezed(axis: 1)).cast(to: .int64).sum()
    correct = correct.map { $0 + hits } ?? hits
    total += expected.count
  }

  public var result: Double {
    guard let correct, total > 0 else { return 0 }
    return correct.item / Double(total)
  }
}
