import EmberCore

/// The mean over all elements of `(prediction − target)²`.
public final class MeanSquaredError: Metric {
  public let name: String
  private var sum: Tensor?
  private var total = 0

  /// The metric, logged as `name`.
  public init(name: String = "mse") { self.name = name }

  public func reset() { (sum, total) = (nil, 0) }

  public func update(predictions: Tensor, targets: Tensor) {
    let (p, t) = regressionPair(predictions, targets, op: "MeanSquaredError")
    let batchSum = (p - t).squared().sum()
    sum = sum.map { $0 + batchSum } ?? batchSum
    total += t.count
  }

  public var result: Double { total > 0 ? sum!.item / Double(total) : 0 }
}
