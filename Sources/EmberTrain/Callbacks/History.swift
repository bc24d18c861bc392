/// The logs of every epoch of a `fit`; `Trainer.fit` always attaches one and returns it.
///
/// ```swift
/// let history = try trainer.fit(loader, epochs: 5)
/// history["loss"]  // five values
/// ```
public final class History: Callback {
  /// The epochs that ran, in order.
  public private(set) var epochs: [Int] = []
  /// The logs of each epoch in `epochs`.
  public private(set) var logs: [[String: Double]] = []

  /// An empty history.
  public init() {}

  public func trainBegan(trainer: Trainer) {
    epochs = []
    logs = []
  }

  public func epochEnded(_ epoch: Int, logs: inout [String: Double], trainer: Trainer) {
    epochs.append(epoch)
    self.logs.append(logs)
  }

  /// The values of `key`, one per epoch (NaN where an epoch did not log it).
  public subscript(key: String) -> [Double] { logs.map { $0[key] ?? .nan } }

  /// Every key logged in some epoch, sorted.
  public var keys: [String] { Set(logs.flatMap(\.keys)).sorted() }
}
