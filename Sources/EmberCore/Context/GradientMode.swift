/// Whether differentiable ops record the gradient graph in the current task.
public enum GradientMode {
  @TaskLocal static var enabled = true

  /// `true` when ops record the gradient graph here.
  public static var isEnabled: Bool { enabled }
}

/// Runs `body` without recording the gradient graph (inference, optimizer updates, metrics).
public func withoutGradients<Result>(_ body: () throws -> Result) rethrows -> Result {
  try GradientMode.$enabled.withValue(false, operation: body)
}

/// Runs `body` recording the gradient graph even inside `withoutGradients`.
public func withGradients<Result>(_ body: () throws -> Result) rethrows -> Result {
  try GradientMode.$enabled.withValue(true, operation: body)
}
