import EmberCore
import EmberData
import Testing

@testable import EmberTrain

@Suite struct CallbackTests {
  final class Recorder: Callback {
    var events: [String] = []
    func trainBegan(trainer: Trainer) { events.append("trainBegan") }
    func epochBegan(_ epoch: Int, trainer: Trainer) { events.append("epochBegan \(epoch)") }
    func batchBegan(_ batch: Int, trainer: Trainer) { events.append("batchBegan \(batch)") }
    func batchEnded(_ batch: Int, logs: inout BatchLogs, trainer: Trainer) {
      events.append("batchEnded \(batch) " + logs.keys.sorted().joined(separator: ","))
    }
    func epochEnded(_ epoch: Int, logs: inout [String: Double], trainer: Trainer) {
      events.append("epochEnded \(epoch) " + logs.keys.sorted().joined(separator: ","))
      logs["added"] = 1
    }
    func trainEnded(trainer: Trainer) { events.append("trainEnded") }
  }

  /// A callback with no hooks of its own compiles, thanks to the defaults.
  final class Silent: Callback {}

  @Test func hooksRunInOrder() throws {
    let recorder = Recorder()
    let trainer = classifierTrainer()
    let history = try trainer.fit(
      DataLoader(blobs(), batchSize: 45), epochs: 2, validation: DataLoader(blobs(), batchSize: 90),
      callbacks: [Silent(), recorder])
    let epoch = { (e: Int) in
      [
        "epochBegan \(e)", "batchBegan 0", "batchEnded 0 loss", "batchBegan 1", "batchEnded 1 loss",
        "epochEnded \(e) accuracy,loss,val_accuracy,val_loss",
      ]
    }
    #expect(recorder.events == ["trainBegan"] + epoch(0) + epoch(1) + ["trainEnded"])
    // History runs last and sees what earlier callbacks added.
    #expect(history["added"] == [1, 1])
  }
}
