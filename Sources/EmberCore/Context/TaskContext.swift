import EmberBackend

/// The task-local settings that ops and layers read — gradient recording, the learning phase and
/// the default device — captured so that work handed to another thread (a data loader's
/// prefetch, a worker pool) runs exactly as it would have run on the thread that handed it over.
///
/// Task-local values follow Swift tasks, not Dispatch queues or threads; code that starts work on
/// a queue captures `TaskContext.current` first and runs the work inside `run(_:)`.
///
/// ```swift
/// let context = TaskContext.current
/// queue.async { context.run { batch = dataset.batch(at: indices) } }
/// ```
public struct TaskContext: Sendable, Equatable {
  /// Whether ops record the gradient graph.
  public var recordsGradients: Bool
  /// Training or inference.
  public var learningPhase: LearningPhase
  /// Where new tensors are created.
  public var device: Device

  /// Settings to run code under.
  public init(recordsGradients: Bool, learningPhase: LearningPhase, device: Device) {
    (self.recordsGradients, self.learningPhase, self.device) = (recordsGradients, learningPhase, device)
  }

  /// The settings in effect here.
  public static var current: TaskContext {
    TaskContext(
      recordsGradients: GradientMode.isEnabled, learningPhase: LearningPhase.current,
      device: Device.default)
  }

  /// Runs `body` with these settings.
  public func run<Result>(_ body: () throws -> Result) rethrows -> Result {
    try GradientMode.$enabled.withValue(recordsGradients) {
      try withLearningPhase(learningPhase) {
        try withDevice(device, body)
      }
    }
  }
}
