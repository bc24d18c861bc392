/// Whether a monitored quantity improves by going down (`min`) or up (`max`).
public enum MonitorMode: Sendable {
  /// Lower is better (losses, errors).
  case min
  /// Higher is better (accuracy, F1, R²).
  case max
  /// `max` for names containing `acc`, `f1`, `precision`, `recall`, `r2` or `auc`; `min`
  /// otherwise.
  case auto

  /// `min` or `max`, resolving `auto` from the monitored name.
  public func resolved(for monitor: String) -> MonitorMode {
    guard self == .auto else { return self }
    let name = monitor.lowercased()
    let higherIsBetter = ["acc", "f1", "precision", "recall", "r2", "auc"]
    return higherIsBetter.contains { name.contains($0) } ? .max : .min
  }

  /// `true` when `value` beats `best` by more than `minDelta` (`best` may be `nil`: anything
  /// that is not NaN improves on nothing).
  func isImprovement(_ value: Double, over best: Double?, minDelta: Double) -> Bool {
    guard !value.isNaN else { return false }
    guard let best else { return true }
    switch self {
    case .max: return value > best + Swift.abs(minDelta)
    default: return value < best - Swift.abs(minDelta)
    }
  }
}
