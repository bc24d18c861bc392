import Foundation

/// Stops training once `seconds` of wall time have passed since `fit` began, after the batch
/// running then (the epoch still ends with its validation and callbacks), like TensorFlow
/// Addons' `TimeStopping`.
public final class TimeLimit: Callback {
  public let seconds: Double
  private var start: UInt64 = 0
  /// Whether the limit ended the last `fit`.
  public private(set) var reached = false

  public init(seconds: Double) {
    precondition(seconds > 0, "TimeLimit: \(seconds) s is not positive")
    self.seconds = seconds
  }

  /// Seconds since `fit` began.
  public var elapsed: Double { Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9 }

  public func trainBegan(trainer: Trainer) {
    start = DispatchTime.now().uptimeNanoseconds
    reached = false
  }

  public func batchEnded(_ batch: Int, logs: inout BatchLogs, trainer: Trainer) {
    if elapsed >= seconds {
      reached = true
      trainer.stopRequested = true
    }
  }
}
