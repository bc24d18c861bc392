import EmberCore

/// The fraction of examples whose predicted class is the target class.
///
/// Predictions are logits or probabilities `[batch, classes]` (the argmax is taken), or one score
/// per example `[batch]` / `[batch, 1]` compared with `threshold` (0.5 for probabilities, 0 for
/// logits). Targets are class indices `[batch]` or one-hot rows `[batch, classes]`.
public final class Accuracy: Metric {
  public let name: String
  /// The decision threshold for single-score (binary) predictions.
  public let threshold: Double
  private var correct: Tensor?
  private var total = 0

  /// Accuracy logged as `name`.
  public init(name: String = "accuracy", threshold: Double = 0.5) {
    self.name = name
    self.threshold = threshold
  }

  public func reset() {
    correct = nil
    total = 0
  }

  public func update(predictions: Tensor, targets: Tensor) {
    let predicted = predictedClasses(predictions, threshold: threshold)
    let expected = targetClasses(targets, predictions: predictions, op: "Accuracy")
    let hits = predicted.equal(expected).cast(to: .int64).sum()
    correct = correct.map { $0 + hits } ?? hits
    total += predicted.count
  }

  public var result: Double {
    guard let correct, total > 0 else { return 0 }
    return correct.item / Double(total)
  }
}
