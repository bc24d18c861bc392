/// A learning rate as a function of the step.
///
/// `step` counts from 0; whether a step is an epoch or a batch is the caller's choice. A schedule
/// is a value: it keeps no state, so `learningRate(at:)` can be asked in any order.
///
/// ```swift
/// let schedule = CosineDecay(initial: 0.1, totalSteps: 100)
/// optimizer.learningRate = schedule.learningRate(at: epoch)
/// ```
public protocol LearningRateSchedule: Sendable {
  /// The learning rate for step `step` (from 0).
  func learningRate(at step: Int) -> Double
}
