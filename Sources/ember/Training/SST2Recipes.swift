import Ember
import Foundation

/// A sentiment recipe on SST-2: GLUE's 67,349 training phrases, evaluated on its 872 dev sentences
/// (GLUE's test labels are not public, so the dev set is the test set here). The vectorizer adapts
/// to the training texts and is stored in the checkpoint (`ember.text_vectorization`), so
/// `ember evaluate` vectorizes exactly as training did.
protocol SST2Recipe: SupervisedRecipe {
  /// The vectorizer before adapting.
  static var vectorizer: TextVectorization { get }
  /// The network for a vocabulary of `vocabularySize` entries.
  static func network(vocabularySize: Int) -> TextNetwork
}

/// The checkpoint metadata key holding the vectorizer's JSON.
let textVectorizationKey = "ember.text_vectorization"

extension CheckpointInfo {
  /// The `TextVectorization` stored under `ember.text_vectorization`, checked to have the model's
  /// `layerSizes[0]` vocabulary entries.
  ///
  /// - Throws: `TrainingError` naming `file` when the key is missing or its vocabulary does not fit.
  func storedVectorizer(file: String) throws -> TextVectorization {
    guard let json = notes[textVectorizationKey] else {
      throw TrainingError.missingMetadata(key: textVectorizationKey, file: file)
    }
    let vectorizer = try TextVectorization(jsonString: json, source: "\(file) (\(textVectorizationKey))")
    guard vectorizer.vocabulary != nil, vectorizer.vocabularySize == layerSizes[0] else {
      throw TrainingError.invalidMetadata(
        key: textVectorizationKey, value: "…", file: file,
        reason: "its vocabulary does not have the model's \(layerSizes[0]) entries")
    }
    return vectorizer
  }
}

extension SST2Recipe {
  static func prepare(_ settings: TrainingSettings) throws -> SupervisedProblem {
    let train = try SST2(split: .train, dataDirectory: settings.dataDirectory)
    let dev = try SST2(split: .dev, dataDirectory: settings.dataDirectory)
    var vectorizer = Self.vectorizer
    vectorizer.adapt(train.data.texts)
    let network = Self.network(vocabularySize: vectorizer.vocabularySize)
    var info = CheckpointInfo(
      recipe: name, task: .classification, layerSizes: [network.vocabularySize, network.classes],
      classNames: SST2.classNames)
    info.architecture = .text(network)
    info.notes[textVectorizationKey] = vectorizer.jsonString()
    return SupervisedProblem(
      description: "SST-2: \(TestReport.grouped(train.data.count)) training phrases and "
        + "\(TestReport.grouped(dev.data.count)) dev sentences (the test set here), "
        + "\(TestReport.grouped(vectorizer.vocabularySize)) vocabulary entries; \(network.summary)",
      model: network.build(), train: train.data.dataset(vectorizedBy: vectorizer),
      test: dev.data.dataset(vectorizedBy: vectorizer), info: info)
  }

  static func testSet(for info: CheckpointInfo, settings: EvaluationSettings) throws -> any Dataset {
    let vectorizer = try info.storedVectorizer(file: settings.checkpoint.path)
    return try SST2(split: .dev, dataDirectory: settings.dataDirectory).data.dataset(vectorizedBy: vectorizer)
  }
}

/// `ember train sst2-bow`: TF-IDF of words and word pairs (the 20,000 most frequent) → 64 hidden
/// units with dropout → 2 classes.
enum SST2BagOfWordsRecipe: SST2Recipe {
  static let name = "sst2-bow"
  static let summary = "TF-IDF of words and bigrams → 64 hidden → 2, on SST-2 sentiment"
  static let defaults = Hyperparameters(epochs: 5, batchSize: 128, learningRate: 1e-3, optimizer: .adam)
  static let vectorizer = TextVectorization(
    tokenizer: Tokenizer(ngrams: 2), outputMode: .tfIdf, maxTokens: 20_000)
  static func network(vocabularySize: Int) -> TextNetwork {
    TextNetwork(encoder: .bagOfWords, vocabularySize: vocabularySize, embeddingSize: 1, hiddenSize: 64,
                dropout: 0.5, classes: 2)
  }
}

/// The token vectorizer of the embedding recipes: words, padded per batch.
private let wordTokens = TextVectorization(outputMode: .int, maxTokens: 20_000)

/// `ember train sst2-lstm`: 128-wide embeddings → LSTM 128 → max over time → 2 classes.
enum SST2LSTMRecipe: SST2Recipe {
  static let name = "sst2-lstm"
  static let summary = "embedding 128 → LSTM 128 → max over time → 2, on SST-2 sentiment"
  static let defaults = Hyperparameters(epochs: 4, batchSize: 64, learningRate: 2e-3, optimizer: .adam)
  static let vectorizer = wordTokens
  static func network(vocabularySize: Int) -> TextNetwork {
    TextNetwork(encoder: .lstm, vocabularySize: vocabularySize, embeddingSize: 128, hiddenSize: 128,
                dropout: 0.5, classes: 2)
  }
}

/// `ember train sst2-bigru`: 128-wide embeddings → bidirectional GRU 128 → max over time → 2.
enum SST2BiGRURecipe: SST2Recipe {
  static let name = "sst2-bigru"
  static let summary = "embedding 128 → bidirectional GRU 128 → max over time → 2, on SST-2"
  static let defaults = Hyperparameters(epochs: 4, batchSize: 64, learningRate: 2e-3, optimizer: .adam)
  static let vectorizer = wordTokens
  static func network(vocabularySize: Int) -> TextNetwork {
    TextNetwork(encoder: .gru, vocabularySize: vocabularySize, embeddingSize: 128, hiddenSize: 128,
                bidirectional: true, dropout: 0.5, classes: 2)
  }
}

/// `ember train sst2-conv`: 128-wide embeddings → 128 filters of width 5 → ReLU → max over time → 2.
enum SST2ConvRecipe: SST2Recipe {
  static let name = "sst2-conv"
  static let summary = "embedding 128 → Conv1D 128×5 → max over time → 2, on SST-2 sentiment"
  static let defaults = Hyperparameters(epochs: 4, batchSize: 64, learningRate: 1e-3, optimizer: .adam)
  static let vectorizer = wordTokens
  static func network(vocabularySize: Int) -> TextNetwork {
    TextNetwork(encoder: .conv, vocabularySize: vocabularySize, embeddingSize: 128, hiddenSize: 128,
                dropout: 0.5, classes: 2)
  }
}
