/// Stops training as soon as the loss becomes NaN or infinite.
public final class TerminateOnNaN: Callback {
  /// The batch of the epoch at which the loss was first not finite, once it happens.
  public private(set) var stoppedAt: (epoch: Int, batch: Int)?

  /// A callback that stops on the first non-finite loss.
  public init() {}

  public func batchEnded(_ batch: Int, logs: inout BatchLogs, trainer: Trainer) {
    guard let loss = logs["loss"], !loss.isFinite else { return }
    if stoppedAt == nil { stoppedAt = (trainer.epoch, batch) }
    trainer.stopRequested = true
  }
}
