import EmberCore
import EmberNN

/// Stops training when `monitor` has not improved by more than `minDelta` for `patience` epochs,
/// optionally putting back the weights of the best epoch when training ends.
///
/// ```swift
/// EarlyStopping(monitor: "val_loss", patience: 3, restoreBestWeights: true)
/// ```
public final class EarlyStopping: Callback {
  /// The logged quantity watched (`"val_loss"`, `"val_accuracy"`, …).
  public let monitor: String
  /// The smallest change that counts as an improvement.
  public let minDelta: Double
  /// Epochs without improvement tolerated before stopping.
  public let patience: Int
  /// Whether lower or higher values are better.
  public let mode: MonitorMode
  /// Whether the model gets the best epoch's weights back when training ends.
  public let restoreBestWeights: Bool

  /// The best value seen, once `monitor` has been logged.
  public private(set) var best: Double?
  /// The epoch that logged `best`.
  public private(set) var bestEpoch: Int?
  /// The epoch after which training was stopped, if it was.
  public private(set) var stoppedEpoch: Int?
  private var staleEpochs = 0
  private var bestWeights: [String: Tensor]?

  /// Watches `monitor` (lower is better for losses, higher for accuracies: see `MonitorMode`).
  public init(
    monitor: String = "val_loss", minDelta: Double = 0, patience: Int = 0,
    mode: MonitorMode = .auto, restoreBestWeights: Bool = false
  ) {
    precondition(patience >= 0, "EarlyStopping: patience \(patience) is negative")
    self.monitor = monitor
    self.minDelta = minDelta
    self.patience = patience
    self.mode = mode.resolved(for: monitor)
    self.restoreBestWeights = restoreBestWeights
  }

  public func trainBegan(trainer: Trainer) {
    (best, bestEpoch, stoppedEpoch, staleEpochs, bestWeights) = (nil, nil, nil, 0, nil)
  }

  public func epochEnded(_ epoch: Int, logs: inout [String: Double], trainer: Trainer) {
    guard let value = logs[monitor] else { return }
    if mode.isImprovement(value, over: best, minDelta: minDelta) {
      (best, bestEpoch, staleEpochs) = (value, epoch, 0)
      if restoreBestWeights { bestWeights = trainer.model.stateDict() }
      return
    }
    staleEpochs += 1
    if staleEpochs >= patience {
      stoppedEpoch = epoch
      trainer.stopRequested = true
    }
  }

  public func trainEnded(trainer: Trainer) throws {
    guard restoreBestWeights, let bestWeights else { return }
    try trainer.model.load(stateDict: bestWeights)
  }
}

