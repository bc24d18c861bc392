import EmberOptim

/// Sets the optimizer's learning rate from a schedule at the start of every epoch (or every
/// batch, with `perBatch: true`) and logs it as `"lr"`.
///
/// ```swift
/// LearningRateScheduler { epoch in epoch < 10 ? 1e-3 : 1e-4 }
/// LearningRateScheduler(schedule: CosineDecay(…), perBatch: true)  // indexed by optimizer step
/// ```
public final class LearningRateScheduler: Callback {
  /// The rate for an epoch (or, with `perBatch`, for a global optimizer step).
  public let rate: (Int) -> Double
  /// Whether the schedule is indexed by optimizer step rather than by epoch.
  public let perBatch: Bool

  /// Follows `schedule`, indexed by epoch or, with `perBatch`, by optimizer step.
  public init(schedule: any LearningRateSchedule, perBatch: Bool = false) {
    self.rate = { schedule.learningRate(at: $0) }
    self.perBatch = perBatch
  }

  /// Follows the function `rate` of the epoch or, with `perBatch`, of the optimizer step.
  public init(perBatch: Bool = false, _ rate: @escaping (Int) -> Double) {
    self.rate = rate
    self.perBatch = perBatch
  }

  public func epochBegan(_ epoch: Int, trainer: Trainer) {
    if !perBatch { trainer.optimizer.learningRate = rate(epoch) }
  }

  public func batchBegan(_ batch: Int, trainer: Trainer) {
    if perBatch { trainer.optimizer.learningRate = rate(trainer.step) }
  }

  public func epochEnded(_ epoch: Int, logs: inout [String: Double], trainer: Trainer) {
    logs["lr"] = trainer.optimizer.learningRate
  }
}
