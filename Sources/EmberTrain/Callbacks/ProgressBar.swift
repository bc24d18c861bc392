import Foundation

/// Reports progress like Keras: on a terminal, a bar with the ETA, loss and metrics redrawn during
/// each epoch; otherwise (a log file, CI) one line per epoch:
///
/// ```
/// epoch 3/10 - 4.1s - loss: 0.1234 - accuracy: 0.9612 - val_loss: 0.1410 - val_accuracy: 0.9570
/// ```
public final class ProgressBar: Callback {
  /// Characters of the bar.
  public let width: Int
  /// Whether the bar is redrawn in place (`isatty(1)` unless set at `init`).
  public let isTerminal: Bool
  /// Seconds between redraws of the bar (metrics are read from the device at each redraw).
  public let refreshInterval: Double
  private let output: (String) -> Void
  private var epochStart = ContinuousClock.now
  private var lastDraw = ContinuousClock.now

  /// A progress report written to standard output, or to `output` (which receives text with its
  /// own newlines and carriage returns).
  public init(
    width: Int = 30, isTerminal: Bool? = nil, refreshInterval: Double = 0.1,
    output: ((String) -> Void)? = nil
  ) {
    self.width = width
    self.isTerminal = isTerminal ?? (isatty(1) != 0)
    self.refreshInterval = refreshInterval
    self.output = output ?? { text in
      fputs(text, stdout)
      fflush(stdout)
    }
  }

  public func epochBegan(_ epoch: Int, trainer: Trainer) {
    epochStart = .now
    lastDraw = .now
    if isTerminal { output("Epoch \(epoch + 1)/\(trainer.epochs)\n") }
  }

  public func batchEnded(_ batch: Int, logs: inout BatchLogs, trainer: Trainer) {
    guard isTerminal else { return }
    let total = trainer.batchesPerEpoch
    let now = ContinuousClock.now
    let isLast = total.map { batch + 1 >= $0 } ?? false
    guard isLast || seconds(now - lastDraw) >= refreshInterval else { return }
    lastDraw = now
    let elapsed = seconds(now - epochStart)
    var values = trainer.metricResults()
    values.merge(logs.all) { _, new in new }
    var line = "\r" + bar(done: batch + 1, total: total)
    if let total, batch + 1 < total {
      line += " - ETA: " + duration(elapsed / Double(batch + 1) * Double(total - batch - 1))
    } else {
      line += " - " + duration(elapsed)
    }
    output(line + ProgressBar.format(values, trainer: trainer) + "\u{1B}[K")
  }

  public func epochEnded(_ epoch: Int, logs: inout [String: Double], trainer: Trainer) {
    let elapsed = seconds(ContinuousClock.now - epochStart)
    let values = ProgressBar.format(logs, trainer: trainer)
    if isTerminal {
      let done = trainer.batch
      output("\r" + bar(done: done, total: trainer.batchesPerEpoch ?? done) + " - "
        + duration(elapsed) + values + "\u{1B}[K\n")
    } else {
      output("epoch \(epoch + 1)/\(trainer.epochs) - " + String(format: "%.1fs", elapsed) + values
        + "\n")
    }
  }

  /// ` - key: value` for every log, loss first, then the metrics, their validation twins, and the
  /// rest sorted.
  static func format(_ logs: [String: Double], trainer: Trainer) -> String {
    let trained = ["loss"] + trainer.metricNames
    let preferred = trained + trained.map { "val_" + $0 }
    let rest = logs.keys.filter { !preferred.contains($0) }.sorted()
    return (preferred + rest).compactMap { key in
      logs[key].map { " - \(key): " + number($0) }
    }.joined()
  }

  /// Four decimals, or four significant digits in exponent form for small values (rates).
  static func number(_ value: Double) -> String {
    value != 0 && Swift.abs(value) < 1e-3
      ? String(format: "%.4e", value) : String(format: "%.4f", value)
  }

  private func bar(done: Int, total: Int?) -> String {
    guard let total, total > 0 else { return "\(done)" }
    let digits = String(total).count
    let filled = Swift.min(width, width * done / total)
    var body = String(repeating: "=", count: filled)
    if filled < width { body += ">" + String(repeating: ".", count: width - filled - 1) }
    let count = String(repeating: " ", count: digits - String(done).count) + String(done)
    return "\(count)/\(total) [\(body)]"
  }

  private func duration(_ seconds: Double) -> String {
    if seconds < 1 { return String(format: "%.0fms", seconds * 1000) }
    if seconds < 60 { return String(format: "%.0fs", seconds) }
    let whole = Int(seconds)
    return whole >= 3600
      ? String(format: "%d:%02d:%02d", whole / 3600, whole / 60 % 60, whole % 60)
      : String(format: "%d:%02d", whole / 60, whole % 60)
  }

  private func seconds(_ duration: Duration) -> Double {
    let (whole, fraction) = duration.components
    return Double(whole) + Double(fraction) * 1e-18
  }
}
