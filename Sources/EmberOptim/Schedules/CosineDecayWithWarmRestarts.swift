import Foundation

/// Cosine decay that restarts at `initial` after each period (SGDR, Loshchilov & Hutter, 2017),
/// like `torch.optim.lr_scheduler.CosineAnnealingWarmRestarts`.
///
/// Period `i` lasts `Tᵢ = firstPeriod · periodMultiplierⁱ` steps; with `τ` steps into the current
/// period, `lr = minimum + (initial − minimum)·(1 + cos(π·τ / Tᵢ)) / 2`.
public struct CosineDecayWithWarmRestarts: LearningRateSchedule {
  /// The learning rate at the start of each period.
  public var initial: Double
  /// Length of the first period in steps (PyTorch's `T_0`).
  public var firstPeriod: Int
  /// Growth factor of each period (PyTorch's `T_mult`).
  public var periodMultiplier: Int
  /// The learning rate at the end of each period (PyTorch's `eta_min`).
  public var minimum: Double

  /// Creates SGDR.
  public init(initial: Double, firstPeriod: Int, periodMultiplier: Int = 1, minimum: Double = 0) {
    precondition(firstPeriod > 0,
                 "CosineDecayWithWarmRestarts: firstPeriod \(firstPeriod) is not positive")
    precondition(periodMultiplier >= 1,
                 "CosineDecayWithWarmRestarts: periodMultiplier \(periodMultiplier) is below 1")
    self.initial = initial
    self.firstPeriod = firstPeriod
    self.periodMultiplier = periodMultiplier
    self.minimum = minimum
  }

  public func learningRate(at step: Int) -> Double {
    var position = max(step, 0), period = firstPeriod
    if periodMultiplier == 1 {
      position %= period
    } else {
      while position >= period {
        position -= period
        period *= periodMultiplier
      }
    }
    return minimum
      + (initial - minimum) * (1 + cos(Double.pi * Double(position) / Double(period))) / 2
  }
}
