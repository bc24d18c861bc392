import Foundation

/// Half a cosine from `initial` down to `minimum` over `totalSteps`, like
/// `torch.optim.lr_scheduler.CosineAnnealingLR` (`T_max` = `totalSteps`, `eta_min` = `minimum`).
///
/// `lr(t) = minimum + (initial − minimum)·(1 + cos(π·t / totalSteps)) / 2`. Past `totalSteps` the
/// rate stays at `minimum` (Keras's choice; PyTorch's closed form would climb back up).
public struct CosineDecay: LearningRateSchedule {
  /// The learning rate at step 0.
  public var initial: Double
  /// Steps to reach `minimum`.
  public var totalSteps: Int
  /// The final learning rate.
  public var minimum: Double

  /// Creates a cosine decay.
  public init(initial: Double, totalSteps: Int, minimum: Double = 0) {
    precondition(totalSteps > 0, "CosineDecay: totalSteps \(totalSteps) is not positive")
    self.initial = initial
    self.totalSteps = totalSteps
    self.minimum = minimum
  }

  public func learningRate(at step: Int) -> Double {
    let t = Double(min(max(step, 0), totalSteps))
    return minimum + (initial - minimum) * (1 + cos(Double.pi * t / Double(totalSteps))) / 2
  }
}
