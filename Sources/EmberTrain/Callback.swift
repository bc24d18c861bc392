/// Code that `Trainer.fit` calls at the named points of its double loop.
///
/// Every hook has an empty default, so a callback implements only the ones it needs. Hooks run in
/// the order the callbacks were passed to `fit`, followed by the `History` that `fit` always
/// attaches. A hook may set `trainer.stopRequested` to end training (after the current batch and
/// the epoch's end hooks), and may add entries to `logs` (``LearningRateScheduler`` adds `"lr"`)
/// that later callbacks see.
///
/// ```swift
/// final class PrintLoss: Callback {
///   func epochEnded(_ epoch: Int, logs: inout [String: Double], trainer: Trainer) {
///     print(epoch, logs["loss"]!)
///   }
/// }
/// ```
public protocol Callback: AnyObject {
  /// Called once before the first epoch.
  func trainBegan(trainer: Trainer) throws
  /// Called before each epoch (`epoch` counts from 0).
  func epochBegan(_ epoch: Int, trainer: Trainer) throws
  /// Called before each training batch (`batch` counts from 0 within the epoch).
  func batchBegan(_ batch: Int, trainer: Trainer) throws
  /// Called after each optimizer step; `logs["loss"]` is the running mean loss of the epoch
  /// (read from the device only if asked for).
  func batchEnded(_ batch: Int, logs: inout BatchLogs, trainer: Trainer) throws
  /// Called after each epoch with `"loss"`, the metrics' results and, when validation data is
  /// given, `"val_loss"` and `"val_<metric>"`.
  func epochEnded(_ epoch: Int, logs: inout [String: Double], trainer: Trainer) throws
  /// Called once after the last epoch (also after an early stop).
  func trainEnded(trainer: Trainer) throws
}

extension Callback {
  /// Does nothing.
  public func trainBegan(trainer: Trainer) throws {}
  /// Does nothing.
  public func epochBegan(_ epoch: Int, trainer: Trainer) throws {}
  /// Does nothing.
  public func batchBegan(_ batch: Int, trainer: Trainer) throws {}
  /// Does nothing.
  public func batchEnded(_ batch: Int, logs: inout BatchLogs, trainer: Trainer) throws {}
  /// Does nothing.
  public func epochEnded(_ epoch: Int, logs: inout [String: Double], trainer: Trainer) throws {}
  /// Does nothing.
  public func trainEnded(trainer: Trainer) throws {}
}
