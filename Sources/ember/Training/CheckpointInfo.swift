import Ember
import Foundation

/// What `ember evaluate` needs to rebuild a model and its test set, stored as strings in the
/// `__metadata__` of the checkpoint's safetensors file (lists as JSON).
///
/// ```
/// ember.recipe       mnist-mlp
/// ember.task         classification
/// ember.layer_sizes  [784,512,512,10]
/// ember.dropout      0.2
/// ember.class_names  ["0","1",…,"9"]
/// ember.seed         0
/// ```
/// Any other model adds `ember.architecture` (`cnn`, `resnet`) and its `ember.model_config` (JSON
/// of `ConvolutionalNetwork`, `ResidualNetwork`); without them the model is the MLP of
/// `ember.layer_sizes`.
/// The tabular recipes add the split (`ember.test_fraction`), the standardization
/// (`ember.feature_mean`, `ember.feature_std`, and `ember.target_mean`, `ember.target_std` for a
/// numeric target) and, for `tabular`, the CSV file and target column.
struct CheckpointInfo: Equatable {
  /// Whether the model predicts a class or a number.
  enum Task: String, Equatable {
    case classification, regression
  }

  /// The version of this layout, written as `ember.format`.
  static let formatVersion = "1"

  /// The recipe name (`mnist-mlp`, `iris`, …).
  var recipe: String
  /// Classification or regression.
  var task: Task
  /// Layer widths from input to output (`[784, 512, 512, 10]`); for a CNN, the input features
  /// and the outputs (`[784, 10]`).
  var layerSizes: [Int]
  /// The model kind and its configuration (`ember.architecture`, `ember.model_config`).
  var architecture: ModelArchitecture = .mlp
  /// The dropout probability after each hidden layer (0 for none).
  var dropout: Double = 0
  /// The names of the classes, in label order (empty for regression).
  var classNames: [String] = []
  /// The seed of the run (initialization, shuffling and the train/test split).
  var seed: UInt64 = 0
  /// The fraction of the examples held out for testing, for recipes that split one file.
  var testFraction: Double?
  /// The feature columns, in input order (tabular recipes).
  var featureNames: [String]?
  /// The per-feature means of the training inputs, subtracted before the model.
  var featureMean: [Double]?
  /// The per-feature standard deviations of the training inputs, divided by before the model.
  var featureStd: [Double]?
  /// The mean of a numeric target in the training set (the model predicts standardized values).
  var targetMean: Double?
  /// The standard deviation of a numeric target in the training set.
  var targetStd: Double?
  /// The CSV file the model was trained on (`tabular`).
  var csvPath: String?
  /// The target column (`tabular`).
  var targetColumn: String?
  /// Extra keys written with the rest but not needed to evaluate (optimizer, epochs, …).
  var notes: [String: String] = [:]

  /// The metadata keys of every field.
  enum Key {
    static let format = "ember.format", recipe = "ember.recipe", task = "ember.task"
    static let layerSizes = "ember.layer_sizes", dropout = "ember.dropout"
    static let classNames = "ember.class_names", seed = "ember.seed"
    static let testFraction = "ember.test_fraction", featureNames = "ember.feature_names"
    static let featureMean = "ember.feature_mean", featureStd = "ember.feature_std"
    static let targetMean = "ember.target_mean", targetStd = "ember.target_std"
    static let csvPath = "ember.csv", targetColumn = "ember.target"
    static let architecture = "ember.architecture", modelConfig = "ember.model_config"
  }

  init(
    recipe: String, task: Task, layerSizes: [Int], dropout: Double = 0, classNames: [String] = [],
    seed: UInt64 = 0
  ) {
    self.recipe = recipe
    self.task = task
    self.layerSizes = layerSizes
    self.dropout = dropout
    self.classNames = classNames
    self.seed = seed
  }

  // MARK: Encoding

  /// The safetensors metadata holding every field.
  var metadata: [String: String] {
    var result = notes
    result[Key.format] = Self.formatVersion
    result["ember.version"] = EmberVersion.string
    result[Key.recipe] = recipe
    result[Key.task] = task.rawValue
    result[Key.layerSizes] = Self.json(layerSizes)
    result[Key.architecture] = architecture.name
    switch architecture {
    case .mlp: break
    case .cnn(let network): result[Key.modelConfig] = Self.json(network)
    case .resnet(let network): result[Key.modelConfig] = Self.json(network)
    case .text(let network): result[Key.modelConfig] = Self.json(network)
    case .forecast(let network): result[Key.modelConfig] = Self.json(network)
    case .charLM(let network): result[Key.modelConfig] = Self.json(network)
    case .tagger(let network): result[Key.modelConfig] = Self.json(network)
    }
    result[Key.dropout] = String(dropout)
    if task == .classification { result[Key.classNames] = Self.json(classNames) }
    result[Key.seed] = String(seed)
    result[Key.testFraction] = testFraction.map { String($0) }
    result[Key.featureNames] = featureNames.map(Self.json)
    result[Key.featureMean] = featureMean.map(Self.json)
    result[Key.featureStd] = featureStd.map(Self.json)
    result[Key.targetMean] = targetMean.map { String($0) }
    result[Key.targetStd] = targetStd.map { String($0) }
    result[Key.csvPath] = csvPath
    result[Key.targetColumn] = targetColumn
    return result
  }

  private static func json<Value: Encodable>(_ value: Value) -> String {
    // Encoding arrays of numbers and strings cannot fail.
    String(decoding: try! JSONEncoder().encode(value), as: UTF8.self)
  }

  // MARK: Decoding

  /// Reads the fields from a checkpoint's metadata, checking that they fit together.
  ///
  /// - Parameter file: the checkpoint's path, for error messages.
  /// - Throws: `TrainingError.missingMetadata` or `.invalidMetadata` naming the key.
  init(metadata: [String: String], file: String) throws(TrainingError) {
    let reader = MetadataReader(metadata: metadata, file: file)
    let format = try reader.string(Key.format)
    guard format == Self.formatVersion else {
      throw reader.invalid(Key.format, "this ember reads format \(Self.formatVersion)")
    }
    recipe = try reader.string(Key.recipe)
    let taskName = try reader.string(Key.task)
    guard let task = Task(rawValue: taskName) else {
      throw reader.invalid(Key.task, "expected 'classification' or 'regression'")
    }
    self.task = task
    layerSizes = try reader.json(Key.layerSizes, as: [Int].self)
    guard layerSizes.count >= 2, layerSizes.allSatisfy({ $0 > 0 }) else {
      throw reader.invalid(Key.layerSizes, "expected at least two positive sizes")
    }
    switch metadata[Key.architecture] ?? "mlp" {
    case "mlp": architecture = .mlp
    case "cnn":
      let config = try reader.json(Key.modelConfig, as: ConvolutionalNetwork.self)
      if let problem = config.problem { throw reader.invalid(Key.modelConfig, problem) }
      architecture = .cnn(config)
    case "resnet":
      let config = try reader.json(Key.modelConfig, as: ResidualNetwork.self)
      if let problem = config.problem { throw reader.invalid(Key.modelConfig, problem) }
      architecture = .resnet(config)
    case "text":
      let config = try reader.json(Key.modelConfig, as: TextNetwork.self)
      if let problem = config.problem { throw reader.invalid(Key.modelConfig, problem) }
      guard layerSizes == [config.vocabularySize, config.classes] else {
        throw reader.invalid(Key.layerSizes, "a text model of \(config.vocabularySize) tokens and \(config.classes) classes")
      }
      architecture = .text(config)
    case "forecast":
      let config = try reader.json(Key.modelConfig, as: ForecastNetwork.self)
      if let problem = config.problem { throw reader.invalid(Key.modelConfig, problem) }
      guard layerSizes == [config.features, 1] else {
        throw reader.invalid(Key.layerSizes, "a forecaster of \(config.features) readings and one output")
      }
      architecture = .forecast(config)
    case "char-lm":
      let config = try reader.json(Key.modelConfig, as: CharLanguageModelConfig.self)
      if let problem = config.problem { throw reader.invalid(Key.modelConfig, problem) }
      guard layerSizes == [config.vocabularySize, config.vocabularySize] else {
        throw reader.invalid(Key.layerSizes, "a language model of \(config.vocabularySize) characters")
      }
      architecture = .charLM(config)
    case "tagger":
      let config = try reader.json(Key.modelConfig, as: TaggerNetwork.self)
      if let problem = config.problem { throw reader.invalid(Key.modelConfig, problem) }
      guard layerSizes == [config.vocabularySize, config.tags] else {
        throw reader.invalid(Key.layerSizes, "a tagger of \(config.vocabularySize) tokens and \(config.tags) tags")
      }
      architecture = .tagger(config)
    default: throw reader.invalid(Key.architecture, "expected 'mlp', 'cnn', 'resnet', 'text', 'forecast', 'char-lm' or 'tagger'")
    }
    if let (inputShape, classes) = architecture.inputsAndClasses,
       layerSizes != [inputShape.reduce(1, *), classes] {
      throw reader.invalid(Key.layerSizes, "a \(architecture.name) of \(inputShape) inputs and \(classes) classes")
    }
    dropout = try reader.number(Key.dropout)
    guard (0..<1).contains(dropout) else { throw reader.invalid(Key.dropout, "not in [0, 1)") }
    seed = try reader.parse(Key.seed, "an unsigned integer") { UInt64($0) }
    switch task {
    case .classification:
      classNames = try reader.json(Key.classNames, as: [String].self)
      let outputs = layerSizes.last!
      guard classNames.count == Swift.max(outputs, 2), classNames.count >= 2 else {
        throw reader.invalid(
          Key.classNames, "\(classNames.count) names for an output layer of \(outputs)")
      }
    case .regression:
      guard layerSizes.last == 1 else {
        throw reader.invalid(Key.layerSizes, "a regression model has one output")
      }
    }
    testFraction = try reader.has(Key.testFraction) ? reader.number(Key.testFraction) : nil
    if let testFraction, !(testFraction > 0 && testFraction < 1) {
      throw reader.invalid(Key.testFraction, "not in (0, 1)")
    }
    featureNames = try reader.has(Key.featureNames)
      ? reader.json(Key.featureNames, as: [String].self) : nil
    featureMean = try reader.has(Key.featureMean)
      ? reader.json(Key.featureMean, as: [Double].self) : nil
    featureStd = try reader.has(Key.featureStd)
      ? reader.json(Key.featureStd, as: [Double].self) : nil
    let lengths = [
      (Key.featureNames, featureNames?.count), (Key.featureMean, featureMean?.count),
      (Key.featureStd, featureStd?.count),
    ]
    // An image model standardizes per channel; other models per input feature.
    let statistics = architecture.inputsAndClasses.map { $0.0[0] } ?? layerSizes[0]
    let what = architecture.inputsAndClasses == nil ? "input features" : "input channels"
    for (key, values) in lengths {
      let expected = key == Key.featureNames ? layerSizes[0] : statistics
      if let values, values != expected {
        throw reader.invalid(key, "\(values) entries for \(expected) \(key == Key.featureNames ? "input features" : what)")
      }
    }
    if (featureMean == nil) != (featureStd == nil) {
      throw reader.missing(featureMean == nil ? Key.featureMean : Key.featureStd)
    }
    targetMean = try reader.has(Key.targetMean) ? reader.number(Key.targetMean) : nil
    targetStd = try reader.has(Key.targetStd) ? reader.number(Key.targetStd) : nil
    if (targetMean == nil) != (targetStd == nil) {
      throw reader.missing(targetMean == nil ? Key.targetMean : Key.targetStd)
    }
    csvPath = metadata[Key.csvPath]
    targetColumn = metadata[Key.targetColumn]
    let known = Set([
      Key.format, Key.recipe, Key.task, Key.layerSizes, Key.dropout, Key.classNames, Key.seed,
      Key.testFraction, Key.featureNames, Key.featureMean, Key.featureStd, Key.targetMean,
      Key.targetStd, Key.csvPath, Key.targetColumn, Key.architecture, Key.modelConfig, "ember.version",
    ])
    notes = metadata.filter { !known.contains($0.key) }
  }
}

/// Reads typed values from safetensors metadata, throwing errors that name the key and file.
private struct MetadataReader {
  let metadata: [String: String]
  let file: String

  func missing(_ key: String) -> TrainingError { .missingMetadata(key: key, file: file) }

  func invalid(_ key: String, _ reason: String) -> TrainingError {
    .invalidMetadata(key: key, value: metadata[key] ?? "", file: file, reason: reason)
  }

  func string(_ key: String) throws(TrainingError) -> String {
    guard let value = metadata[key] else { throw missing(key) }
    return value
  }

  func parse<Value>(
    _ key: String, _ expected: String, _ conversion: (String) -> Value?
  ) throws(TrainingError) -> Value {
    guard let value = conversion(try string(key)) else {
      throw invalid(key, "expected \(expected)")
    }
    return value
  }

  func number(_ key: String) throws(TrainingError) -> Double {
    let value = try parse(key, "a number") { Double($0) }
    guard value.isFinite else { throw invalid(key, "expected a finite number") }
    return value
  }

  func json<Value: Decodable>(_ key: String, as type: Value.Type) throws(TrainingError) -> Value {
    let text = try string(key)
    do {
      return try JSONDecoder().decode(type, from: Data(text.utf8))
    } catch {
      throw invalid(key, "expected a JSON \(type)")
    }
  }

  func has(_ key: String) -> Bool { metadata[key] != nil }
}

extension CheckpointInfo {
  /// A fresh model of the checkpoint's architecture (its weights come from the checkpoint).
  func makeModel() -> any TensorLayer {
    switch architecture {
    case .mlp: return multilayerPerceptron(sizes: layerSizes, dropout: dropout)
    case .cnn(let network): return network.build()
    case .resnet(let network): return network.build()
    case .text(let network): return network.build()
    case .forecast(let network): return network.build()
    case .charLM(let network): return network.build()
    case .tagger(let network): return network.build()
    }
  }

  /// The shape of one input example (for a token model, a 40-token text: its length varies).
  var inputShape: [Int] {
    if case .text(let network) = architecture, network.inputDType == .int64 { return [40] }
    if case .forecast(let network) = architecture { return [network.steps, network.features] }
    if case .charLM = architecture { return [128] }
    if case .tagger = architecture { return [16] }
    return architecture.inputsAndClasses?.0 ?? [layerSizes[0]]
  }

  /// The dtype of the model's input: token indices for a token model, else float32.
  var inputDType: DType {
    if case .text(let network) = architecture { return network.inputDType }
    if case .charLM = architecture { return .int64 }
    if case .tagger = architecture { return .int64 }
    return .float32
  }

  /// `MLP 784-512-512-10` or `CNN, convolutions 32-64 (3×3), 128 hidden`.
  var modelSummary: String {
    switch architecture {
    case .mlp: return "MLP \(describeSizes(layerSizes))"
    case .cnn(let network): return network.summary
    case .resnet(let network): return network.summary
    case .text(let network): return network.summary
    case .forecast(let network): return network.summary
    case .charLM(let network): return network.summary
    case .tagger(let network): return network.summary
    }
  }

  /// Whether predictions average the image and its mirror image (test-time flip augmentation).
  var averagesFlips: Bool {
    if case .resnet = architecture { return true }
    return false
  }
}

/// The model kinds a checkpoint can hold, each with its configuration: the MLP of
/// `CheckpointInfo.layerSizes`, or a network built from a `ConvolutionalNetwork` or
/// `ResidualNetwork` stored as JSON.
enum ModelArchitecture: Equatable {
  case mlp
  case cnn(ConvolutionalNetwork)
  case resnet(ResidualNetwork)
  case text(TextNetwork)
  case forecast(ForecastNetwork)
  case charLM(CharLanguageModelConfig)
  case tagger(TaggerNetwork)

  /// `ember.architecture`.
  var name: String {
    switch self {
    case .mlp: return "mlp"
    case .cnn: return "cnn"
    case .resnet: return "resnet"
    case .text: return "text"
    case .forecast: return "forecast"
    case .charLM: return "char-lm"
    case .tagger: return "tagger"
    }
  }

  /// The input shape and class count of an image model (`nil` for the MLP).
  var inputsAndClasses: ([Int], Int)? {
    switch self {
    case .mlp, .text, .forecast, .charLM, .tagger: return nil
    case .cnn(let network): return (network.inputShape, network.classes)
    case .resnet(let network): return (network.inputShape, network.classes)
    }
  }
}
