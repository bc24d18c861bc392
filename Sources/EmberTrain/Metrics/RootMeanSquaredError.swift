import EmberCore

/// The square root of the mean squared error over all elements.
public final class RootMeanSquaredError: Metric {
  public let name: String
  private let meanSquared = MeanSquaredError()

  /// The metric, logged as `name`.
  public init(name: String = "rmse") { self.name = name }

  public func reset() { meanSquared.reset() }

  public func update(predictions: Tensor, targets: Tensor) {
    meanSquared.update(predictions: predictions, targets: targets)
  }

  public var result: Double { meanSquared.result.squareRoot() }
}
