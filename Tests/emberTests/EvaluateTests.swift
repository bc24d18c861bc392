import Ember
import Foundation
import Testing

@testable import ember

@Suite struct EvaluateTests {
  /// A fresh temporary directory.
  static func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("ember-evaluate-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  static func irisCheckpoint(in directory: URL, tensors: [String: Tensor]? = nil) throws -> URL {
    var info = CheckpointInfo(
      recipe: "iris", task: .classification, layerSizes: [4, 16, 16, 3],
      classNames: ["setosa", "versicolor", "virginica"])
    info.testFraction = 0.2
    info.featureMean = [0, 0, 0, 0]
    info.featureStd = [1, 1, 1, 1]
    let model = multilayerPerceptron(sizes: info.layerSizes, dropout: 0)
    let url = directory.appendingPathComponent("model.safetensors")
    try SafeTensors.write(tensors ?? model.stateDict(), metadata: info.metadata, to: url)
    return url
  }

  @Test func truncatedFileIsAClearError() throws {
    let directory = try Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = try Self.irisCheckpoint(in: directory)
    let bytes = try Data(contentsOf: url)
    try bytes.prefix(bytes.count - 10).write(to: url)
    let command = try Evaluate.parse([url.path])
    #expect {
      try command.run()
    } throws: { error in
      guard case .corruptFile(let file, _) = error as? CheckpointError else { return false }
      return file.path == url.path
    }
  }

  @Test func missingTensorIsNamedBeforeAnyDataIsRead() throws {
    let directory = try Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    var tensors = multilayerPerceptron(sizes: [4, 16, 16, 3], dropout: 0).stateDict()
    tensors["4.bias"] = nil
    let url = try Self.irisCheckpoint(in: directory, tensors: tensors)
    let command = try Evaluate.parse([url.path, "--data-dir", directory.path])
    #expect {
      try command.run()
    } throws: { error in
      guard case .checkpointMismatch(let file, let reason) = error as? TrainingError else {
        return false
      }
      return file == url.path && reason.contains("4.bias")
    }
  }

  @Test func wrongShapeIsNamed() throws {
    let directory = try Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    var tensors = multilayerPerceptron(sizes: [4, 16, 16, 3], dropout: 0).stateDict()
    tensors["0.weight"] = Tensor.zeros([16, 5])
    let url = try Self.irisCheckpoint(in: directory, tensors: tensors)
    #expect {
      try Evaluate.parse([url.path]).run()
    } throws: { error in
      "\(error)".contains("0.weight") && "\(error)".contains("[16, 5]")
    }
  }

  @Test func unknownRecipeIsNamed() throws {
    let directory = try Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    var info = CheckpointInfo(recipe: "resnet", task: .classification, layerSizes: [2, 2],
                              classNames: ["a", "b"])
    info.notes = [:]
    let url = directory.appendingPathComponent("model.safetensors")
    try SafeTensors.write(["w": Tensor.zeros([2])], metadata: info.metadata, to: url)
    #expect(throws: TrainingError.unknownRecipe("resnet", file: url.path)) {
      try Evaluate.parse([url.path]).run()
    }
  }

  @Test func missingCheckpointFailsValidation() {
    #expect(throws: (any Error).self) { try Evaluate.parse(["/no/such/model.safetensors"]) }
  }
}
