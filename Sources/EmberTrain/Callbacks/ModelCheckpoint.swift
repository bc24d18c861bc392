import EmberCore
import EmberNN
import Foundation

/// Saves the model's state dict to a safetensors file after each epoch, or only when `monitor`
/// improves (`bestOnly`).
///
/// The file is written atomically (a temporary file renamed into place), so a crash never leaves
/// a half-written checkpoint. `{epoch}` in the file name is replaced by the epoch number, to keep
/// one file per epoch. The metadata records `epoch` and, when logged, the monitored value.
///
/// ```swift
/// ModelCheckpoint(url: URL(filePath: "best.safetensors"), monitor: "val_accuracy", bestOnly: true)
/// ```
public final class ModelCheckpoint: Callback {
  /// Where the state dict is written (`{epoch}` is substituted).
  public let url: URL
  /// The logged quantity that decides what is "best".
  public let monitor: String
  /// Whether to write only when `monitor` improves.
  public let bestOnly: Bool
  /// Whether lower or higher values are better.
  public let mode: MonitorMode
  /// The best value seen so far.
  public private(set) var best: Double?
  /// The epochs after which a file was written.
  public private(set) var savedEpochs: [Int] = []
  /// Written into every file's metadata besides `epoch` and the monitored value (what a program
  /// needs to rebuild the model, say).
  public let metadata: [String: String]

  /// Saves to `url` after every epoch, or only when `monitor` improves with `bestOnly`.
  public init(
    url: URL, monitor: String = "val_loss", bestOnly: Bool = false, mode: MonitorMode = .auto,
    metadata: [String: String] = [:]
  ) {
    self.url = url
    self.metadata = metadata
    self.monitor = monitor
    self.bestOnly = bestOnly
    self.mode = mode.resolved(for: monitor)
  }

  public func trainBegan(trainer: Trainer) {
    best = nil
    savedEpochs = []
  }

  public func epochEnded(_ epoch: Int, logs: inout [String: Double], trainer: Trainer) throws {
    let value = logs[monitor]
    if bestOnly {
      guard let value, mode.isImprovement(value, over: best, minDelta: 0) else { return }
      best = value
    }
    var metadata = self.metadata
    metadata["epoch"] = String(epoch)
    if let value { metadata[monitor] = String(value) }
    try SafeTensors.write(trainer.model.stateDict(), metadata: metadata, to: fileURL(epoch: epoch))
    savedEpochs.append(epoch)
  }

  /// The file written for `epoch` (`url` with `{epoch}` replaced).
  public func fileURL(epoch: Int) -> URL {
    let name = url.lastPathComponent
    guard name.contains("{epoch}") else { return url }
    return url.deletingLastPathComponent()
      .appendingPathComponent(name.replacingOccurrences(of: "{epoch}", with: String(epoch)))
  }
}
