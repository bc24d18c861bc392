import EmberData
import EmberNN
import Foundation
import Testing

@testable import EmberTrain

@Suite struct ModelCheckpointTests {
  @Test func bestOnlyWritesOnImprovement() throws {
    let directory = temporaryURL("checkpoints")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let trainer = classifierTrainer()
    let script = ScriptedLogs("val_loss", [1.0, 0.5, 0.7, 0.4, 0.45])
    let checkpoint = ModelCheckpoint(
      url: directory.appendingPathComponent("model-{epoch}.safetensors"), bestOnly: true)
    try trainer.fit(DataLoader(blobs(), batchSize: 30), epochs: 5, callbacks: [script, checkpoint])
    #expect(checkpoint.savedEpochs == [0, 1, 3])
    #expect(checkpoint.best == 0.4)
    let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    #expect(files == ["model-0.safetensors", "model-1.safetensors", "model-3.safetensors"])
    let (tensors, metadata) = try SafeTensors.read(from: checkpoint.fileURL(epoch: 3))
    expectEqualStates(tensors, script.states[3]!)
    #expect(metadata["epoch"] == "3")
    #expect(metadata["val_loss"] == "0.4")
  }

  @Test func everyEpochOverwritesOneFile() throws {
    let url = temporaryURL("model.safetensors")
    defer { try? FileManager.default.removeItem(at: url) }
    let trainer = classifierTrainer()
    let checkpoint = ModelCheckpoint(url: url, monitor: "loss")
    try trainer.fit(DataLoader(blobs(), batchSize: 30), epochs: 3, callbacks: [checkpoint])
    #expect(checkpoint.savedEpochs == [0, 1, 2])
    let model = classifier(seed: 9)
    try model.load(stateDict: SafeTensors.read(from: url).tensors)
    expectEqualStates(model.stateDict(), trainer.model.stateDict())
  }
}
