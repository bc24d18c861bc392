import Foundation

/// Writes one CSV row per epoch: a header of `epoch` and the sorted log keys of the first epoch,
/// then the values.
///
/// The whole file is rewritten atomically after every epoch, so it is always complete. With
/// `append: true`, the rows of an existing file are kept (its header is reused) — resuming a run
/// continues the same log.
public final class CSVLogger: Callback {
  /// The CSV file.
  public let url: URL
  /// Whether to keep the rows of an existing file.
  public let append: Bool
  /// The field separator.
  public let separator: String
  private var columns: [String] = []
  private var lines: [String] = []

  /// A logger writing to `url`, keeping its rows when `append` is set.
  public init(url: URL, append: Bool = false, separator: String = ",") {
    self.url = url
    self.append = append
    self.separator = separator
  }

  public func trainBegan(trainer: Trainer) throws {
    columns = []
    lines = []
    guard append, FileManager.default.fileExists(atPath: url.path) else { return }
    let text = try String(contentsOf: url, encoding: .utf8)
    lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    if let header = lines.first {
      columns = header.components(separatedBy: separator).filter { $0 != "epoch" }
    }
  }

  public func epochEnded(_ epoch: Int, logs: inout [String: Double], trainer: Trainer) throws {
    if lines.isEmpty {
      columns = logs.keys.sorted()
      lines.append((["epoch"] + columns).joined(separator: separator))
    }
    let values = columns.map { key in logs[key].map { String($0) } ?? "" }
    lines.append(([String(epoch)] + values).joined(separator: separator))
    try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: url, options: .atomic)
  }
}
