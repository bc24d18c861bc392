import Ember

/// The text classifiers of the `sst2-*` recipes, as a configuration a checkpoint stores
/// (`ember.architecture` `text`, this value as JSON in `ember.model_config`):
/// - `bagOfWords`: a TF-IDF vector `[B, V]` → `Linear(V → hidden)` → `ReLU` → `Dropout` → `Linear`;
/// - `lstm`, `gru`: tokens `[B, T]` → `Embedding` (padding index 0) → the recurrent layer(s),
///   bidirectional or not, over each text's valid steps → max over its steps → `Dropout` → `Linear`;
/// - `conv`: tokens → `Embedding` → `Conv1D` (`same` padding) → `ReLU` → max over the valid steps →
///   `Dropout` → `Linear`.
///
/// Shapes: input `[batch, V]` float32 (bag of words) or `[batch, T]` int64 tokens padded with 0 at
/// the end → logits `[batch, classes]`.
struct TextNetwork: Codable, Equatable {
  enum Encoder: String, Codable { case bagOfWords, lstm, gru, conv }

  var encoder: Encoder
  /// Vocabulary entries (the input width of a bag of words).
  var vocabularySize: Int
  /// Embedding width (unused by the bag of words).
  var embeddingSize: Int
  /// Hidden width: the bag of words' hidden layer, the recurrent state, the convolution's channels.
  var hiddenSize: Int
  var numLayers: Int = 1
  var bidirectional: Bool = false
  var kernelSize: Int = 5
  var dropout: Double
  var classes: Int

  /// `nil` when the sizes make a network, else what is wrong with them.
  var problem: String? {
    guard vocabularySize > 2, embeddingSize > 0, hiddenSize > 0, numLayers >= 1, kernelSize >= 1,
          classes >= 2, (0..<1).contains(dropout)
    else { return "sizes must be positive, with two or more classes and dropout in [0, 1)" }
    return nil
  }

  /// The input dtype: token indices, or the bag of words' floats.
  var inputDType: DType { encoder == .bagOfWords ? .float32 : .int64 }

  /// `BiGRU 128 over 128-wide embeddings of 14,818 tokens`, for the log.
  var summary: String {
    switch encoder {
    case .bagOfWords: return "bag of words: \(vocabularySize) TF-IDF features → \(hiddenSize) hidden → \(classes)"
    case .conv:
      return "Conv1D text classifier: \(embeddingSize)-wide embeddings of \(vocabularySize) tokens, "
        + "\(hiddenSize) filters of width \(kernelSize), max over time → \(classes)"
    case .lstm, .gru:
      let name = (bidirectional ? "Bi" : "") + encoder.rawValue.uppercased()
      return "\(name) \(numLayers > 1 ? "\(numLayers)×" : "")\(hiddenSize) over \(embeddingSize)-wide "
        + "embeddings of \(vocabularySize) tokens, max over time → \(classes)"
    }
  }

  /// The network, freshly initialized from the default generator.
  func build() -> any TensorLayer {
    switch encoder {
    case .bagOfWords:
      return Sequential {
        Linear(vocabularySize, hiddenSize)
        ReLU()
        Dropout(probability: dropout)
        Linear(hiddenSize, classes)
      }
    case .lstm, .gru, .conv:
      return TextClassifier(self)
    }
  }
}

/// Embedding → recurrent layers or a convolution → max over each text's valid steps → dropout →
/// linear head (`TextNetwork`'s token models). Texts are padded with index 0 at the end; each one's
/// length is its count of non-padding tokens, so padding reaches neither the state nor the pooling.
final class TextClassifier: Layer {
  let embedding: Embedding
  let recurrent: (any RecurrentLayer)?
  let convolution: Conv1D?
  let dropout: Dropout
  let head: Linear

  init(_ network: TextNetwork) {
    embedding = Embedding(network.vocabularySize, network.embeddingSize, paddingIndex: 0)
    var width = network.hiddenSize
    switch network.encoder {
    case .lstm:
      recurrent = LSTM(
        inputSize: network.embeddingSize, hiddenSize: network.hiddenSize, numLayers: network.numLayers,
        batchFirst: true, dropout: network.numLayers > 1 ? network.dropout : 0,
        bidirectional: network.bidirectional)
      convolution = nil
    case .gru:
      recurrent = GRU(
        inputSize: network.embeddingSize, hiddenSize: network.hiddenSize, numLayers: network.numLayers,
        batchFirst: true, dropout: network.numLayers > 1 ? network.dropout : 0,
        bidirectional: network.bidirectional)
      convolution = nil
    case .conv, .bagOfWords:
      recurrent = nil
      convolution = Conv1D(network.embeddingSize, network.hiddenSize, kernelSize: network.kernelSize, padding: .same)
    }
    if let recurrent { width = recurrent.sequenceOutputSize }
    dropout = Dropout(probability: network.dropout)
    head = Linear(width, network.classes)
  }

  func callAsFunction(_ tokens: Tensor) -> Tensor {
    precondition(tokens.rank == 2, "TextClassifier: tokens \(tokens.shape) should be [batch, steps]")
    let (batch, steps) = (tokens.shape[0], tokens.shape[1])
    let lengths = paddedLengths(tokens)
    let embedded = embedding(tokens)  // [B, T, E]
    var features: Tensor
    if let recurrent {
      features = recurrent.sequence(embedded, lengths: lengths).output  // [B, T, H]
    } else {
      features = convolution!(embedded.transposed(1, 2)).relu().transposed(1, 2)
    }
    // Max over the valid steps: padding steps are pushed far below any value.
    let valid = Tensor((0..<(batch * steps)).map { lengths[$0 / steps] > $0 % steps ? 1.0 : 0.0 },
                       shape: [batch, steps, 1], on: tokens.device).cast(to: .bool)
    features = Tensor.where(valid, features, -1e4).max(axis: 1)
    return head(dropout(features))
  }

  func visitParameters(_ visitor: inout ParameterVisitor) {
    visitor.visit("embedding", embedding)
    visitor.visit("encoder", recurrent)
    visitor.visit("convolution", convolution)
    visitor.visit("head", head)
  }
}

/// Each row's count of non-padding tokens (at least 1) in `tokens` `[batch, steps]` padded with 0
/// at the end: the `lengths` a recurrent layer reads them with.
func paddedLengths(_ tokens: Tensor) -> [Int] {
  let (batch, steps) = (tokens.shape[0], tokens.shape[1])
  let ids = tokens.doubles
  return (0..<batch).map { b in max(1, (0..<steps).reduce(0) { $0 + (ids[b * steps + $1] != 0 ? 1 : 0) }) }
}
