import Ember
import Foundation

/// The test metrics that `ember train` prints after training and `ember evaluate` prints again.
enum TestReport {
  /// Evaluates a classifier on `test` in batches, in inference phase and without gradients.
  ///
  /// - Parameters:
  ///   - predict: maps a batch of inputs to logits `[batch, classes]`, or to one probability per
  ///     example `[batch]` (two classes, compared with 0.5).
  ///   - loss: the training loss of `(predictions, targets)`.
  /// - Returns: the printable report and its numbers (`loss`, `accuracy`).
  static func classification(
    test: any Dataset, classNames: [String], predict: (Tensor) -> Tensor,
    loss: (Tensor, Tensor) -> Tensor
  ) -> (text: String, metrics: [String: Double]) {
    let confusion = ConfusionMatrix(classes: classNames.count, classNames: classNames)
    let scores = PrecisionRecallF1(classes: classNames.count, classNames: classNames)
    let lossValue = accumulate(test, metrics: [confusion, scores], predict: predict, loss: loss)
    let counts = confusion.counts
    let total = counts.joined().reduce(0, +)
    let correct = counts.indices.reduce(0) { $0 + counts[$1][$1] }
    let accuracy = confusion.result
    let text = """
      Test set: \(grouped(total)) examples - loss: \(format(lossValue, 4)) - accuracy: \
      \(format(100 * accuracy, 2))% (\(grouped(correct)) of \(grouped(total)))

      Confusion matrix (rows: true class, columns: predicted class):
      \(confusion)

      \(scores.report(digits: 3))
      """
    return (text, ["loss": lossValue, "accuracy": accuracy])
  }

  /// Evaluates a regressor on `test`, in the target's own units.
  ///
  /// - Parameters:
  ///   - predict: maps a batch of inputs to predictions `[batch, 1]`, standardized.
  ///   - targetMean, targetStd: undo the standardization of predictions and targets.
  static func regression(
    test: any Dataset, targetMean: Double, targetStd: Double, predict: (Tensor) -> Tensor
  ) -> (text: String, metrics: [String: Double]) {
    let mae = MeanAbsoluteError(), rmse = RootMeanSquaredError(), r2 = RSquared()
    let unscaled = { (x: Tensor) in x * targetStd + targetMean }
    let lossValue = accumulate(
      test, metrics: [mae, rmse, r2], predict: { unscaled(predict($0)) },
      loss: { meanSquaredError($0, $1) }, targets: unscaled)
    let count = test.count
    let text = """
      Test set: \(grouped(count)) examples - MSE: \(format(lossValue, 4)) - MAE: \
      \(format(mae.result, 4)) - RMSE: \(format(rmse.result, 4)) - R²: \(format(r2.result, 4))
      """
    return (text, ["mse": lossValue, "mae": mae.result, "rmse": rmse.result, "r2": r2.result])
  }

  /// Runs `predict` over `test` in batches of 1,000, updates `metrics`, and returns the mean loss.
  private static func accumulate(
    _ test: any Dataset, metrics: [any Metric], predict: (Tensor) -> Tensor,
    loss: (Tensor, Tensor) -> Tensor, targets transform: (Tensor) -> Tensor = { $0 }
  ) -> Double {
    for metric in metrics { metric.reset() }
    var lossSum = 0.0
    withoutGradients {
      withLearningPhase(.inference) {
        for batch in DataLoader(test, batchSize: 1000, prefetch: false) {
          let predictions = predict(batch.inputs), targets = transform(batch.targets)
          lossSum += loss(predictions, targets).item * Double(batch.count)
          for metric in metrics { metric.update(predictions: predictions, targets: targets) }
        }
      }
    }
    return lossSum / Double(Swift.max(test.count, 1))
  }

  /// `value` with `decimals` digits after the point.
  static func format(_ value: Double, _ decimals: Int) -> String {
    String(format: "%.\(decimals)f", value)
  }

  /// `12345` as `12,345`.
  static func grouped(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var result = ""
    for (index, digit) in digits.enumerated() {
      if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
      result.append(digit)
    }
    return (value < 0 ? "-" : "") + result
  }
}
