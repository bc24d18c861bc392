import Ember
import Testing

@testable import ember

@Suite struct CheckpointInfoTests {
  static let file = "/tmp/model.safetensors"

  static func tabularInfo() -> CheckpointInfo {
    var info = CheckpointInfo(
      recipe: "tabular", task: .regression, layerSizes: [3, 64, 64, 1], dropout: 0, seed: 7)
    info.testFraction = 0.2
    info.featureNames = ["a", "b", "c"]
    info.featureMean = [0.1, -2.5, 1e-9]
    info.featureStd = [1, 0.333333333333333, 12345.678]
    info.targetMean = 3.25
    info.targetStd = 0.125
    info.csvPath = "/data/houses.csv"
    info.targetColumn = "price"
    info.notes = ["ember.optimizer": "adam"]
    return info
  }

  @Test func classificationRoundTrips() throws {
    let info = CheckpointInfo(
      recipe: "mnist-mlp", task: .classification, layerSizes: [784, 512, 512, 10], dropout: 0.2,
      classNames: (0..<10).map(String.init), seed: 42)
    let decoded = try CheckpointInfo(metadata: info.metadata, file: Self.file)
    #expect(decoded == info)
    #expect(info.metadata["ember.layer_sizes"] == "[784,512,512,10]")
    #expect(info.metadata["ember.recipe"] == "mnist-mlp")
  }

  /// A `cifar10` checkpoint stores the residual network and rebuilds it with PyTorch-style names.
  @Test func residualNetworkRoundTrips() throws {
    var info = CheckpointInfo(recipe: "cifar10", task: .classification, layerSizes: [3072, 10],
                              classNames: (0..<10).map(String.init))
    info.architecture = .resnet(CIFAR10Recipe.network)
    info.featureMean = [0.49, 0.48, 0.45]
    info.featureStd = [0.25, 0.24, 0.26]
    let decoded = try CheckpointInfo(metadata: info.metadata, file: Self.file)
    #expect(decoded == info && info.metadata["ember.architecture"] == "resnet")
    #expect(decoded.averagesFlips)
    let model = decoded.makeModel()
    // stem 3·32·9 + 64; stage convolutions 32→64→64, 64→128→128, 128→128→128 with their batch
    // norms; the 128→10 classifier.
    #expect(model.parameterCount == 928 + 55_552 + 221_696 + 295_424 + 1_290)
    let names = Set(model.namedParameters.map(\.name))
    #expect(names.contains("2.weight") && names.contains("5.1.weight") && names.contains("5.3.0.weight") && names.contains("13.bias"))
    let y = withLearningPhase(.inference) { model(Tensor.normal([2, 3, 32, 32])) }
    #expect(y.shape == [2, 10])
    var wrong = info.metadata
    wrong["ember.model_config"] = #"{"inputShape":[3,32,32],"stem":32,"stages":[64,128,128,128,128,128],"residual":true,"classes":10}"#
    #expect(throws: TrainingError.self) { try CheckpointInfo(metadata: wrong, file: Self.file) }
  }

  /// A CNN checkpoint names its architecture and carries its configuration; a checkpoint without
  /// `ember.architecture` (written before there were CNNs) is an MLP.
  @Test func convolutionalModelRoundTrips() throws {
    var info = CheckpointInfo(recipe: "mnist-cnn", task: .classification, layerSizes: [784, 10],
                              classNames: (0..<10).map(String.init), seed: 3)
    info.architecture = .cnn(MNISTCNNRecipe.network)
    let decoded = try CheckpointInfo(metadata: info.metadata, file: Self.file)
    #expect(decoded == info && decoded.architecture == .cnn(MNISTCNNRecipe.network))
    #expect(info.metadata["ember.architecture"] == "cnn")
    let model = decoded.makeModel()
    #expect(model.parameterCount == 225_034)
    #expect(decoded.inputShape == [1, 28, 28])
    var old = CheckpointInfo(recipe: "mnist-mlp", task: .classification, layerSizes: [784, 10],
                             classNames: (0..<10).map(String.init)).metadata
    old["ember.architecture"] = nil
    #expect(try CheckpointInfo(metadata: old, file: Self.file).architecture == .mlp)
    var wrong = info.metadata
    wrong["ember.layer_sizes"] = "[784,5]"
    #expect(throws: TrainingError.self) { try CheckpointInfo(metadata: wrong, file: Self.file) }
    wrong = info.metadata
    wrong["ember.architecture"] = "transformer"
    #expect(throws: TrainingError.invalidMetadata(
      key: "ember.architecture", value: "transformer", file: Self.file,
      reason: "expected 'mlp', 'cnn', 'resnet', 'text', 'forecast', 'char-lm' or 'tagger'")) {
      try CheckpointInfo(metadata: wrong, file: Self.file)
    }
    wrong = info.metadata
    wrong["ember.model_config"] = #"{"inputShape":[1,28,28],"channels":[32,64],"kernelSize":30,"hidden":128,"classes":10,"dropout":0.25,"hiddenDropout":0.5}"#
    #expect(throws: TrainingError.self) { try CheckpointInfo(metadata: wrong, file: Self.file) }
  }

  @Test func regressionRoundTripsExactly() throws {
    let info = Self.tabularInfo()
    let decoded = try CheckpointInfo(metadata: info.metadata, file: Self.file)
    #expect(decoded == info)
    #expect(decoded.featureStd == [1, 0.333333333333333, 12345.678])
  }

  @Test func missingKeyIsNamed() {
    var metadata = Self.tabularInfo().metadata
    metadata["ember.layer_sizes"] = nil
    #expect(throws: TrainingError.missingMetadata(key: "ember.layer_sizes", file: Self.file)) {
      try CheckpointInfo(metadata: metadata, file: Self.file)
    }
  }

  @Test func emptyMetadataAsksForTheFormat() {
    #expect(throws: TrainingError.missingMetadata(key: "ember.format", file: Self.file)) {
      try CheckpointInfo(metadata: [:], file: Self.file)
    }
  }

  @Test(arguments: [
    ("ember.layer_sizes", "[784"),
    ("ember.layer_sizes", "[3]"),
    ("ember.layer_sizes", "[3,0,1]"),
    ("ember.layer_sizes", "[3,64,64,2]"),  // regression needs one output
    ("ember.dropout", "1.5"),
    ("ember.dropout", "half"),
    ("ember.seed", "-1"),
    ("ember.task", "clustering"),
    ("ember.test_fraction", "0"),
    ("ember.feature_mean", "[0.1,0.2]"),
    ("ember.feature_std", "[\"x\",1,2]"),
    ("ember.format", "99"),
    ("ember.target_std", "nan"),
  ])
  func invalidValueIsNamed(key: String, value: String) {
    var metadata = Self.tabularInfo().metadata
    metadata[key] = value
    do {
      _ = try CheckpointInfo(metadata: metadata, file: Self.file)
      Issue.record("\(key) = \(value) was accepted")
    } catch {
      guard case .invalidMetadata(let badKey, let badValue, let file, _) = error else {
        Issue.record("unexpected error \(error)")
        return
      }
      #expect(badKey == key)
      #expect(badValue == value)
      #expect(file == Self.file)
      #expect(error.description.contains(key))
    }
  }

  @Test func classNamesMustMatchTheOutputLayer() {
    var metadata = CheckpointInfo(
      recipe: "iris", task: .classification, layerSizes: [4, 16, 3],
      classNames: ["a", "b", "c"]).metadata
    metadata["ember.class_names"] = "[\"a\",\"b\"]"
    #expect(throws: TrainingError.self) { try CheckpointInfo(metadata: metadata, file: Self.file) }
  }

  @Test func halfAStandardizationIsMissing() {
    var metadata = Self.tabularInfo().metadata
    metadata["ember.feature_std"] = nil
    #expect(throws: TrainingError.missingMetadata(key: "ember.feature_std", file: Self.file)) {
      try CheckpointInfo(metadata: metadata, file: Self.file)
    }
  }
}
