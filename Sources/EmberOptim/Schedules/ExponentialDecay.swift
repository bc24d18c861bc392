import Foundation

/// Exponential decay, like `torch.optim.lr_scheduler.ExponentialLR` or Keras's `ExponentialDecay`.
///
/// `lr(t) = initial · rate^(t / decaySteps)`, with `⌊t / decaySteps⌋` when `staircase`. With
/// `init(initial:gamma:)` (`decaySteps` 1) it is PyTorch's `initial · γᵗ`.
public struct ExponentialDecay: LearningRateSchedule {
  /// The learning rate at step 0.
  public var initial: Double
  /// The factor applied per `decaySteps` steps.
  public var decayRate: Double
  /// Steps over which the rate is multiplied by `decayRate`.
  public var decaySteps: Int
  /// Whether to decay in whole periods only.
  public var staircase: Bool

  /// PyTorch's form: multiplies by `gamma` every step.
  public init(initial: Double, gamma: Double) {
    self.init(initial: initial, decayRate: gamma, decaySteps: 1)
  }

  /// Keras's form: multiplies by `decayRate` every `decaySteps` steps.
  public init(initial: Double, decayRate: Double, decaySteps: Int, staircase: Bool = false) {
    precondition(decaySteps > 0, "ExponentialDecay: decaySteps \(decaySteps) is not positive")
    self.initial = initial
    self.decayRate = decayRate
    self.decaySteps = decaySteps
    self.staircase = staircase
  }

  public func learningRate(at step: Int) -> Double {
    let periods = staircase
      ? Double(step / decaySteps) : Double(step) / Double(decaySteps)
    return initial * pow(decayRate, periods)
  }
}
