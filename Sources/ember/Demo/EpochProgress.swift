import Dispatch
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Training progress on standard output: a Keras-like bar redrawn in place on a terminal, one
/// plain line per epoch otherwise (logs, CI).
struct EpochProgress {
  let epochs: Int
  let stepsPerEpoch: Int
  let isTerminal: Bool
  private var epoch = 0
  private var epochStart: UInt64 = 0
  private var lastDraw: UInt64 = 0

  init(epochs: Int, stepsPerEpoch: Int, isTerminal: Bool = isatty(STDOUT_FILENO) != 0) {
    self.epochs = epochs
    self.stepsPerEpoch = stepsPerEpoch
    self.isTerminal = isTerminal
  }

  /// Starts epoch `epoch` (1-based).
  mutating func begin(epoch: Int) {
    self.epoch = epoch
    epochStart = DispatchTime.now().uptimeNanoseconds
    lastDraw = 0
    if isTerminal { print("Epoch \(epoch)/\(epochs)") }
  }

  /// Reports that `step` steps (1-based) of this epoch are done, with the running mean loss.
  mutating func update(step: Int, loss: Double) {
    guard isTerminal else { return }
    let now = DispatchTime.now().uptimeNanoseconds
    guard step == stepsPerEpoch || now - lastDraw > 50_000_000 else { return }  // ≤ 20 redraws/s
    lastDraw = now
    print("\r" + bar(step: step) + " - loss: \(Self.format(loss, 4))", terminator: "")
    fflush(stdout)
  }

  /// Ends the epoch with its mean loss and accuracy (0…1).
  mutating func end(loss: Double, accuracy: Double) {
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - epochStart) * 1e-9
    let perStep = seconds / Double(Swift.max(stepsPerEpoch, 1)) * 1e3
    let metrics = "loss: \(Self.format(loss, 4)) - accuracy: \(Self.format(accuracy, 4))"
    if isTerminal {
      let stepTime = Self.format(perStep, perStep < 10 ? 1 : 0)
      let timing = "\(Int(seconds.rounded(.down)))s \(stepTime)ms/step"
      print("\r" + bar(step: stepsPerEpoch) + " - \(timing) - \(metrics)")
    } else {
      let width = String(epochs).count
      let number = String(repeating: " ", count: width - String(epoch).count) + String(epoch)
      print("epoch \(number)/\(epochs) - \(metrics) - \(Self.format(seconds * 1e3, 0)) ms")
    }
  }

  /// `12/19 [==========>...................]`
  private func bar(step: Int) -> String {
    let width = 30
    let total = String(stepsPerEpoch)
    let count = String(repeating: " ", count: total.count - String(step).count) + "\(step)/\(total)"
    let filled = stepsPerEpoch == 0 ? width : width * step / stepsPerEpoch
    let arrow = filled < width ? ">" : ""
    let body = String(repeating: "=", count: Swift.max(filled - arrow.count, 0)) + arrow
    return count + " [" + body + String(repeating: ".", count: width - body.count) + "]"
  }

  static func format(_ value: Double, _ decimals: Int) -> String {
    String(format: "%.\(decimals)f", value)
  }
}
