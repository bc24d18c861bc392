import EmberData
import Testing

@testable import EmberTrain

@Suite struct ProgressBarTests {
  final class Capture: @unchecked Sendable {
    var text = ""
  }

  @Test func plainLinesOnePerEpoch() throws {
    let capture = Capture()
    let bar = ProgressBar(isTerminal: false) { capture.text += $0 }
    let trainer = classifierTrainer()
    let history = try trainer.fit(
      DataLoader(blobs(), batchSize: 30), epochs: 2, validation: DataLoader(blobs(), batchSize: 90),
      callbacks: [bar])
    let lines = capture.text.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.count == 3 && lines[2].isEmpty)
    let first = String(lines[0])
    #expect(first.hasPrefix("epoch 1/2 - "))
    #expect(lines[1].hasPrefix("epoch 2/2 - "))
    let loss = ProgressBar.number(history["loss"][0])
    let valAccuracy = ProgressBar.number(history["val_accuracy"][0])
    #expect(first.contains("s - loss: \(loss) - accuracy: "))
    #expect(first.hasSuffix(" - val_accuracy: \(valAccuracy)"))
    #expect(first.contains(" - val_loss: "))
    #expect(!capture.text.contains("\r"))
  }

  @Test func terminalBarRedrawsInPlace() throws {
    let capture = Capture()
    let bar = ProgressBar(width: 10, isTerminal: true, refreshInterval: 0) { capture.text += $0 }
    try classifierTrainer().fit(DataLoader(blobs(), batchSize: 30), epochs: 1, callbacks: [bar])
    #expect(capture.text.hasPrefix("Epoch 1/1\n"))
    #expect(capture.text.contains("\r1/3 [===>......] - ETA: "))
    #expect(capture.text.contains("\r3/3 [==========] - "))
    #expect(capture.text.contains(" - loss: ") && capture.text.contains(" - accuracy: "))
    #expect(capture.text.hasSuffix("\n"))
  }

  @Test func formatsSmallValuesWithAnExponent() {
    #expect(ProgressBar.number(0.12345) == "0.1235")
    #expect(ProgressBar.number(1e-4) == "1.0000e-04")
    #expect(ProgressBar.number(0) == "0.0000")
  }
}
