import Foundation

/// Multiplies the learning rate by `gamma` every `stepSize` steps, like
/// `torch.optim.lr_scheduler.StepLR`.
///
/// `lr(t) = initial · γ^⌊t / stepSize⌋`.
public struct StepDecay: LearningRateSchedule {
  /// The learning rate at step 0.
  public var initial: Double
  /// Steps between decays.
  public var stepSize: Int
  /// The decay factor γ.
  public var gamma: Double

  /// Creates a step decay (`gamma` 0.1 like PyTorch).
  public init(initial: Double, stepSize: Int, gamma: Double = 0.1) {
    precondition(stepSize > 0, "StepDecay: stepSize \(stepSize) is not positive")
    self.initial = initial
    self.stepSize = stepSize
    self.gamma = gamma
  }

  public func learningRate(at step: Int) -> Double {
    initial * pow(gamma, Double(step / stepSize))
  }
}
