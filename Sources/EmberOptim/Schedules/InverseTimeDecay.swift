/// Inverse-time decay, like Keras's `InverseTimeDecay`.
///
/// `lr(t) = initial / (1 + decayRate · t / decaySteps)`, with `⌊t / decaySteps⌋` when `staircase`.
public struct InverseTimeDecay: LearningRateSchedule {
  /// The learning rate at step 0.
  public var initial: Double
  /// How fast the rate falls.
  public var decayRate: Double
  /// Steps per unit of decay.
  public var decaySteps: Int
  /// Whether to decay in whole periods only.
  public var staircase: Bool

  /// Creates an inverse-time decay.
  public init(initial: Double, decayRate: Double, decaySteps: Int = 1, staircase: Bool = false) {
    precondition(decaySteps > 0, "InverseTimeDecay: decaySteps \(decaySteps) is not positive")
    self.initial = initial
    self.decayRate = decayRate
    self.decaySteps = decaySteps
    self.staircase = staircase
  }

  public func learningRate(at step: Int) -> Double {
    let periods = staircase
      ? Double(step / decaySteps) : Double(step) / Double(decaySteps)
    return initial / (1 + decayRate * periods)
  }
}
