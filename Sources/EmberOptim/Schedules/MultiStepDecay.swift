import Foundation

/// Multiplies the learning rate by `gamma` at each milestone, like
/// `torch.optim.lr_scheduler.MultiStepLR`.
///
/// `lr(t) = initial · γ^k`, where `k` counts the milestones `≤ t`.
public struct MultiStepDecay: LearningRateSchedule {
  /// The learning rate at step 0.
  public var initial: Double
  /// Steps at which the rate decays (a repeated milestone decays twice, as in PyTorch).
  public var milestones: [Int]
  /// The decay factor γ.
  public var gamma: Double

  /// Creates a multi-step decay (`gamma` 0.1 like PyTorch).
  public init(initial: Double, milestones: [Int], gamma: Double = 0.1) {
    self.initial = initial
    self.milestones = milestones.sorted()
    self.gamma = gamma
  }

  public func learningRate(at step: Int) -> Double {
    initial * pow(gamma, Double(milestones.filter { $0 <= step }.count))
  }
}
