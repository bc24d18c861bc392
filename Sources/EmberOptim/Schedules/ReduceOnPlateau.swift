/// Cuts the optimizer's learning rate when a metric stops improving, like
/// `torch.optim.lr_scheduler.ReduceLROnPlateau` with `threshold_mode="abs"`.
///
/// A metric improves when it beats the best so far by more than `minDelta` (below `best − minDelta`
/// in `.min` mode, above `best + minDelta` in `.max`). After more than `patience` calls without
/// improvement the rate becomes `max(lr·factor, minimumLearningRate)` and `cooldown` calls follow
/// during which bad calls are not counted.
public final class ReduceOnPlateau {
  /// Whether lower or higher metric values are better.
  public enum Mode: Sendable {
    /// Lower is better (losses).
    case min
    /// Higher is better (accuracies).
    case max
  }

  /// Factor applied to the learning rate on a plateau.
  public var factor: Double
  /// Calls without improvement tolerated before a cut.
  public var patience: Int
  /// Smallest change that counts as an improvement.
  public var minDelta: Double
  /// Whether lower or higher is better.
  public var mode: Mode
  /// Calls to wait after a cut before counting bad calls again.
  public var cooldown: Int
  /// The rate never goes below this.
  public var minimumLearningRate: Double

  /// The best metric seen so far.
  public private(set) var best: Double
  /// Consecutive calls without improvement.
  public private(set) var badSteps = 0
  /// Calls left in the current cooldown.
  public private(set) var cooldownLeft = 0

  /// Creates the scheduler with PyTorch's defaults (factor 0.1, patience 10).
  public init(
    factor: Double = 0.1, patience: Int = 10, minDelta: Double = 1e-4, mode: Mode = .min,
    cooldown: Int = 0, minimumLearningRate: Double = 0
  ) {
    precondition(factor < 1, "ReduceOnPlateau: factor \(factor) must be below 1")
    self.factor = factor
    self.patience = patience
    self.minDelta = minDelta
    self.mode = mode
    self.cooldown = cooldown
    self.minimumLearningRate = minimumLearningRate
    self.best = mode == .min ? .infinity : -.infinity
  }

  /// Records `metric` (once per epoch, say) and cuts `optimizer.learningRate` on a plateau.
  public func step(metric: Double, optimizer: any Optimizer) {
    let improved = mode == .min ? metric < best - minDelta : metric > best + minDelta
    if improved {
      best = metric
      badSteps = 0
    } else {
      badSteps += 1
    }
    if cooldownLeft > 0 {
      cooldownLeft -= 1
      badSteps = 0
    }
    if badSteps > patience {
      let old = optimizer.learningRate
      let new = Swift.max(old * factor, minimumLearningRate)
      if old - new > 1e-8 { optimizer.learningRate = new }  // PyTorch's eps
      cooldownLeft = cooldown
      badSteps = 0
    }
  }
}
