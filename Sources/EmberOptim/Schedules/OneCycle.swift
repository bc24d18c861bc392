import Foundation

/// The 1cycle policy (Smith & Topin, 2018) with cosine annealing, like
/// `torch.optim.lr_scheduler.OneCycleLR` (`anneal_strategy="cos"`, two phases).
///
/// The rate rises from `maxLearningRate / divFactor` to `maxLearningRate` over the first
/// `pctStart · totalSteps − 1` steps, then falls to `initial / finalDivFactor` at step
/// `totalSteps − 1`; each phase is `end + (start − end)·(1 + cos(π·fraction)) / 2`. Steps past the
/// end keep the final rate (PyTorch raises).
public struct OneCycle: LearningRateSchedule {
  /// The peak learning rate.
  public var maxLearningRate: Double
  /// Total number of steps in the cycle.
  public var totalSteps: Int
  /// Fraction of the cycle spent rising.
  public var pctStart: Double
  /// `initial = maxLearningRate / divFactor`.
  public var divFactor: Double
  /// `final = initial / finalDivFactor`.
  public var finalDivFactor: Double

  /// Creates a one-cycle schedule with PyTorch's defaults.
  public init(
    maxLearningRate: Double, totalSteps: Int, pctStart: Double = 0.3, divFactor: Double = 25,
    finalDivFactor: Double = 1e4
  ) {
    precondition(totalSteps > 1, "OneCycle: totalSteps \(totalSteps) must exceed 1")
    precondition((0...1).contains(pctStart), "OneCycle: pctStart \(pctStart) is not in [0, 1]")
    self.maxLearningRate = maxLearningRate
    self.totalSteps = totalSteps
    self.pctStart = pctStart
    self.divFactor = divFactor
    self.finalDivFactor = finalDivFactor
  }

  public func learningRate(at step: Int) -> Double {
    let initial = maxLearningRate / divFactor
    let final = initial / finalDivFactor
    let t = Double(min(max(step, 0), totalSteps - 1))
    let peakStep = pctStart * Double(totalSteps) - 1, endStep = Double(totalSteps - 1)
    if t <= peakStep { return anneal(initial, maxLearningRate, t / peakStep) }
    return anneal(maxLearningRate, final, (t - peakStep) / (endStep - peakStep))
  }

  /// The momentum at `step` when it cycles against the rate, as `OneCycleLR`'s `cycle_momentum`:
  /// from `maximum` down to `base` while the rate rises, back up to `maximum` while it falls.
  public func momentum(at step: Int, base: Double = 0.85, maximum: Double = 0.95) -> Double {
    let t = Double(min(max(step, 0), totalSteps - 1))
    let peakStep = pctStart * Double(totalSteps) - 1, endStep = Double(totalSteps - 1)
    if t <= peakStep { return anneal(maximum, base, t / peakStep) }
    return anneal(base, maximum, (t - peakStep) / (endStep - peakStep))
  }
}

/// The cosine from `start` (fraction 0) to `end` (fraction 1) of both phases of `OneCycle`.
private func anneal(_ start: Double, _ end: Double, _ fraction: Double) -> Double {
  end + (start - end) / 2 * (cos(Double.pi * fraction) + 1)
}
