import EmberCore
import EmberData
import EmberNN
import EmberOptim
import Foundation
import Testing

@testable import EmberTrain

@Suite struct TrainingCheckpointTests {
  func trainer(seed: UInt64) -> Trainer {
    Trainer(
      model: classifier(seed: seed), loss: { crossEntropy(logits: $0, labels: $1) },
      optimizer: SGD(learningRate: 0.05, momentum: 0.9), metrics: [Accuracy()])
  }

  @Test func resumedRunReproducesTheUninterruptedLosses() throws {
    let url = temporaryURL("run.safetensors")
    defer { try? FileManager.default.removeItem(at: url) }
    let data = blobs()

    let uninterrupted = trainer(seed: 1)
    let full = try uninterrupted.fit(
      DataLoader(data, batchSize: 16, shuffle: true, seed: 7), epochs: 5)

    // Train 2 epochs, saving after each; then resume with a fresh model, optimizer and loader.
    let first = trainer(seed: 1)
    let firstLoader = DataLoader(data, batchSize: 16, shuffle: true, seed: 7)
    let part = try first.fit(
      firstLoader, epochs: 2, callbacks: [TrainingCheckpoint(url: url, loader: firstLoader)])
    #expect(part["loss"] == Array(full["loss"][0..<2]))

    let resumed = trainer(seed: 99)
    let loader = DataLoader(data, batchSize: 16, shuffle: true, seed: 7)
    let epoch = try TrainingCheckpoint.restore(
      from: url, model: resumed.model, optimizer: resumed.optimizer, loader: loader)
    #expect(epoch == 2)
    let rest = try resumed.fit(loader, epochs: 5, initialEpoch: epoch)
    #expect(rest.epochs == [2, 3, 4])
    #expect(rest["loss"] == Array(full["loss"][2..<5]))
    #expect(rest["accuracy"] == Array(full["accuracy"][2..<5]))
    expectEqualStates(resumed.model.stateDict(), uninterrupted.model.stateDict())
  }

  @Test func savesMetadataAndRandomState() throws {
    let url = temporaryURL("state.safetensors")
    defer { try? FileManager.default.removeItem(at: url) }
    let t = trainer(seed: 1)
    let loader = DataLoader(blobs(), batchSize: 30, shuffle: true, seed: 3)
    try t.fit(loader, epochs: 1)
    try TrainingCheckpoint.save(
      to: url, model: t.model, optimizer: t.optimizer, epoch: 1, loader: loader,
      metadata: ["note": "hello"])
    let metadata = try TrainingCheckpoint.metadata(at: url)
    #expect(metadata["epoch"] == "1")
    #expect(metadata["note"] == "hello")
    let loaderState = loader.generator.state.map(String.init).joined(separator: ",")
    #expect(metadata["loader_state"] == loaderState)
    // The Philox generator's state: key and word offset.
    #expect(metadata["random_state"]?.split(separator: ",").count == 2)
    let keys = Set(try SafeTensors.read(from: url).tensors.keys)
    #expect(keys.contains("model.0.weight") && keys.contains("optimizer.0.weight.momentum_buffer"))
  }

  @Test func mismatchedModelIsRejectedWithoutChangingAnything() throws {
    let url = temporaryURL("mismatch.safetensors")
    defer { try? FileManager.default.removeItem(at: url) }
    let t = trainer(seed: 1)
    try t.fit(DataLoader(blobs(), batchSize: 45), epochs: 1)
    try TrainingCheckpoint.save(to: url, model: t.model, optimizer: t.optimizer, epoch: 1)

    let wider = Sequential { Linear(2, 32); ReLU(); Linear(32, 3) }
    let before = wider.stateDict()
    let optimizer = SGD(learningRate: 0.5, momentum: 0.9)
    #expect(throws: TrainingCheckpointError.shapeMismatch(
      key: "model.0.bias", expected: [32], found: [16], file: url.path)
    ) {
      try TrainingCheckpoint.restore(from: url, model: wider, optimizer: optimizer)
    }
    expectEqualStates(wider.stateDict(), before)
    #expect(optimizer.learningRate == 0.5)

    let deeper = Sequential { Linear(2, 16); ReLU(); Linear(16, 3); ReLU(); Linear(3, 3) }
    #expect(throws: TrainingCheckpointError.missingKey("model.4.bias", file: url.path)) {
      try TrainingCheckpoint.restore(from: url, model: deeper, optimizer: optimizer)
    }
  }

  @Test func anOldFourWordRandomStateIsRejected() throws {
    let url = temporaryURL("xoshiro.safetensors")
    defer { try? FileManager.default.removeItem(at: url) }
    let t = trainer(seed: 1)
    try TrainingCheckpoint.save(to: url, model: t.model, optimizer: t.optimizer, epoch: 0)
    var (tensors, metadata) = try SafeTensors.read(from: url)
    metadata["random_state"] = "1,2,3,4"  // a xoshiro256** state from before the Philox generator
    try SafeTensors.write(tensors, metadata: metadata, to: url)
    #expect(throws: TrainingCheckpointError.invalidMetadata(
      key: "random_state", value: "1,2,3,4", file: url.path)
    ) {
      try TrainingCheckpoint.restore(from: url, model: t.model, optimizer: t.optimizer)
    }
  }

  @Test func aLoaderNeedsItsSavedState() throws {
    let url = temporaryURL("noloader.safetensors")
    defer { try? FileManager.default.removeItem(at: url) }
    let t = trainer(seed: 1)
    try TrainingCheckpoint.save(to: url, model: t.model, optimizer: t.optimizer, epoch: 0)
    let loader = DataLoader(blobs(), batchSize: 30, shuffle: true)
    #expect(throws: TrainingCheckpointError.missingMetadata("loader_state", file: url.path)) {
      try TrainingCheckpoint.restore(
        from: url, model: t.model, optimizer: t.optimizer, loader: loader)
    }
  }
}
