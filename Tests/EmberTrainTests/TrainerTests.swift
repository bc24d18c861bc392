import EmberCore
import EmberData
import EmberNN
import EmberOptim
import EmberTestSupport
import Testing

@testable import EmberTrain

@Suite struct TrainerTests {
  @Test func fitDrivesTheLossDownAndRecordsEachEpoch() throws {
    let data = blobs()
    let trainer = classifierTrainer()
    let loader = DataLoader(data, batchSize: 16, shuffle: true, seed: 5)
    let history = try trainer.fit(loader, epochs: 15, validation: DataLoader(data, batchSize: 64))
    #expect(history.epochs == Array(0..<15))
    let losses = history["loss"]
    #expect(losses.count == 15)
    #expect(losses.last! < losses.first! / 10, "losses \(losses)")
    #expect(history["accuracy"].last! > 0.95)
    #expect(Set(history.keys) == ["loss", "accuracy", "val_loss", "val_accuracy"])
    #expect(history["val_accuracy"].last! > 0.95)
    #expect(trainer.batchesPerEpoch == 6)
    #expect(trainer.step == 15 * 6)
  }

  @Test func evaluateMatchesTheFinalValidationLogs() throws {
    let data = blobs()
    let trainer = classifierTrainer()
    let history = try trainer.fit(
      DataLoader(data, batchSize: 16), epochs: 3, validation: DataLoader(data, batchSize: 32))
    let results = trainer.evaluate(DataLoader(data, batchSize: 32))
    expectClose(results["loss"]!, history["val_loss"].last!, tolerance: 1e-6)
    expectClose(results["accuracy"]!, history["val_accuracy"].last!)
  }

  @Test func evaluateWeightsBatchesBySize() {
    // Batches of 64 and 26: the mean loss is per example, not per batch.
    let data = blobs()
    let trainer = classifierTrainer()
    let whole = trainer.evaluate([data.batch(at: Array(0..<90))])
    let split = trainer.evaluate(DataLoader(data, batchSize: 64))
    expectClose(whole["loss"]!, split["loss"]!, tolerance: 1e-5)
  }

  @Test func predictRunsInBatches() {
    let data = blobs()
    let trainer = classifierTrainer()
    let predicted = trainer.predict(data.inputs, batchSize: 7)
    #expect(predicted.shape == [90, 3])
    #expect(!predicted.requiresGradient)
    let direct = withoutGradients { trainer.model(data.inputs) }
    for (a, b) in zip(predicted.floats, direct.floats) { #expect(Swift.abs(a - b) < 1e-5) }
  }

  @Test func stopRequestedEndsAfterTheBatch() throws {
    final class StopAtBatch: Callback {
      func batchEnded(_ batch: Int, logs: inout BatchLogs, trainer: Trainer) {
        if trainer.epoch == 1 && batch == 2 { trainer.stopRequested = true }
      }
    }
    let trainer = classifierTrainer()
    let history = try trainer.fit(
      DataLoader(blobs(), batchSize: 10), epochs: 5, callbacks: [StopAtBatch()])
    #expect(history.epochs == [0, 1])
    #expect(trainer.step == 9 + 3)
  }

  @Test func initialEpochContinuesTheCount() throws {
    let trainer = classifierTrainer()
    let history = try trainer.fit(DataLoader(blobs(), batchSize: 30), epochs: 5, initialEpoch: 3)
    #expect(history.epochs == [3, 4])
    #expect(trainer.step == 5 * 3)
  }

  @Test func anySequenceOfBatchesTrains() throws {
    let data = blobs()
    let batches = [data.batch(at: Array(0..<45)), data.batch(at: Array(45..<90))]
    let trainer = classifierTrainer()
    let history = try trainer.fit(batches, epochs: 2)
    #expect(history["loss"].count == 2)
    #expect(trainer.batchesPerEpoch == 2)
  }
}

@Suite struct TrainerDeviceTests {
  /// Counts the other device's downloads around each step; reads the loss only when told to.
  final class DownloadCounter: Callback {
    let readLoss: Bool, backend: HostMemoryBackend
    var perStep: [Int] = []
    private var before = 0
    init(readLoss: Bool, backend: HostMemoryBackend) { (self.readLoss, self.backend) = (readLoss, backend) }
    var downloads: Int { backend.memoryStatistics.downloads }
    func batchBegan(_ batch: Int, trainer: Trainer) { before = downloads }
    func batchEnded(_ batch: Int, logs: inout BatchLogs, trainer: Trainer) {
      if readLoss {
        _ = logs["loss"]
        _ = logs["loss"]  // a second read in the same batch is cached
        _ = logs.all
      }
      perStep.append(downloads - before)
    }
  }

  @Test(arguments: [false, true]) func aFitStepDownloadsNothingButTheProgressRead(readLoss: Bool) throws {
    let backend = HostMemoryBackend.named(readLoss ? 13 : 12)  // counted by this test alone
    let trainer = classifierTrainer()
    trainer.model.to(backend.device)
    let counter = DownloadCounter(readLoss: readLoss, backend: backend)
    try trainer.fit(DataLoader(blobs(), batchSize: 10), epochs: 2, callbacks: [counter])
    #expect(counter.perStep.count == 18)
    #expect(counter.perStep.allSatisfy { $0 == (readLoss ? 1 : 0) }, "\(counter.perStep)")
    #expect(trainer.model.device == backend.device)
  }
}
