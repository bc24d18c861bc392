
/// Whether layers behave as in training (dropout active, batch statistics) or inference.
public enum LearningPhase: Sendable {
  case training, inference

  @TaskLocal static var current: LearningPhase = .inference

  /// The phase in effect for the current task (inference unless inside `withLearningPhase`).
  public static var isTraining: Bool { current == .training }
}

/// Runs `body` in `phase` (the trainer wraps its training steps in `.training`).
public func withLearningPhase<Result>(_ phase: LearningPhase, _ body: () throws -> Result) rethrows -> Result {
  try LearningPhase.$current.withValue(phase, operation: body)
}
