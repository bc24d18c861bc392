/// Ramps the learning rate up linearly, then hands over to another schedule.
///
/// For `t < warmupSteps`: `lr(t) = inner(0) · (s + (1 − s)·t / warmupSteps)` with start factor
/// `s` (PyTorch's `LinearLR` with `end_factor` 1); afterwards `lr(t) = inner(t − warmupSteps)`, so
/// the wrapped schedule starts where the warmup ends (PyTorch's `SequentialLR`).
public struct LinearWarmup: LearningRateSchedule {
  /// The schedule that runs after the warmup.
  public var schedule: any LearningRateSchedule
  /// Length of the warmup in steps.
  public var warmupSteps: Int
  /// Fraction of the initial rate at step 0.
  public var startFactor: Double

  /// Wraps `schedule` with a linear warmup.
  public init(
    wrapping schedule: any LearningRateSchedule, warmupSteps: Int, startFactor: Double = 0
  ) {
    precondition(warmupSteps >= 0, "LinearWarmup: warmupSteps \(warmupSteps) is negative")
    self.schedule = schedule
    self.warmupSteps = warmupSteps
    self.startFactor = startFactor
  }

  public func learningRate(at step: Int) -> Double {
    guard step < warmupSteps else { return schedule.learningRate(at: step - warmupSteps) }
    let factor = startFactor + (1 - startFactor) * Double(max(step, 0)) / Double(warmupSteps)
    return schedule.learningRate(at: 0) * factor
  }
}
