import EmberCore

/// A quantity accumulated over batches and read at the end of an epoch.
///
/// `update` is called once per batch with the model's (detached) predictions and the targets;
/// implementations accumulate with tensor ops and read values back only in `result`, so a
/// training step pays no device round trip for its metrics.
public protocol Metric: AnyObject {
  /// The key under which `Trainer` logs `result` (`"accuracy"`; validation adds `val_`).
  var name: String { get }
  /// Forgets everything accumulated.
  func reset()
  /// Accumulates one batch.
  func update(predictions: Tensor, targets: Tensor)
  /// The value over everything accumulated since `reset()`.
  var result: Double { get }
  /// The values to log, keyed by name (default: `[name: result]`); a metric with several values
  /// (precision, recall and F1) reports them all.
  var results: [String: Double] { get }
  /// The keys of `results`, in display order (default: `[name]`).
  var resultNames: [String] { get }
}

extension Metric {
  /// `[name: result]`.
  public var results: [String: Double] { [name: result] }
  /// `[name]`.
  public var resultNames: [String] { [name] }
}

/// Class indices (`int64`, shape `[batch, …]`) from predictions: the argmax over the last axis
/// when it has `classes > 1` entries, a `threshold` when the predictions have a single score per
/// example.
func predictedClasses(_ predictions: Tensor, threshold: Double = 0.5) -> Tensor {
  if predictions.rank >= 2 && predictions.shape[predictions.rank - 1] > 1 {
    return predictions.argmax(axis: -1)
  }
  let scores = predictions.rank >= 2 ? predictions.squeezed(axis: -1) : predictions
  return scores.greater(threshold).cast(to: .int64)
}

/// Class indices (`int64`) from targets given as indices (`[batch, …]`) or as one-hot or
/// probability rows with the predictions' shape.
func targetClasses(_ targets: Tensor, predictions: Tensor, op: String) -> Tensor {
  if targets.shape == predictions.shape && predictions.rank >= 2
    && predictions.shape[predictions.rank - 1] > 1
  {
    return targets.argmax(axis: -1)
  }
  let indices = targets.shape.last == 1 && targets.rank >= 2 ? targets.squeezed(axis: -1) : targets
  let expected = predictions.rank >= 2 ? Array(predictions.shape.dropLast()) : predictions.shape
  precondition(
    indices.shape == expected,
    "\(op): targets of shape \(targets.shape) do not match predictions \(predictions.shape)")
  return indices.dtype.isFloatingPoint
    ? indices.rounded().cast(to: .int64) : indices.cast(to: .int64)
}

/// Predictions reshaped to the targets' shape (a `[batch, 1]` output against `[batch]` targets)
/// and both cast to `float64` for accumulation.
func regressionPair(_ predictions: Tensor, _ targets: Tensor, op: String) -> (Tensor, Tensor) {
  precondition(
    predictions.count == targets.count,
    "\(op): predictions \(predictions.shape) and targets \(targets.shape) differ in size")
  let p = predictions.shape == targets.shape ? predictions : predictions.reshaped(targets.shape)
  return (p.cast(to: .float64), targets.cast(to: .float64))
}
