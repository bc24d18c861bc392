import EmberCore
import Foundation

/// Turns strings into tensors, like Keras's `TextVectorization`: a `Tokenizer`, a `Vocabulary`
/// learnt from a corpus by `adapt(_:)`, and one of five output modes.
///
/// - `int`: each text's token indices, padded with 0 at the end or truncated to
///   `outputSequenceLength` (to the longest text of the call when `nil`): `[N, L]` int64. Index 0 is
///   padding, 1 the unknown token.
/// - `oneHot`: the same positions one-hot encoded: `[N, L, V]` float32 (padding rows all zero).
/// - `multiHot`: 1 for each vocabulary token the text holds: `[N, V]` float32. In this and the next
///   two modes the vocabulary has no padding token: index 0 is the unknown token.
/// - `count`: how many times the text holds each token: `[N, V]`.
/// - `tfIdf`: the counts times each token's inverse document frequency in the adapted corpus,
///   `log(1 + documents / (1 + documentFrequency))` (Keras's formula; the unknown token gets the
///   mean weight): `[N, V]`.
///
/// The vectorizer is `Codable`: a recipe stores `jsonString()` in its checkpoint's metadata, so a
/// model is saved with the vocabulary it was trained on.
public struct TextVectorization: Codable, Equatable, Sendable {
  /// What `callAsFunction` returns.
  public enum OutputMode: String, Codable, Sendable {
    case int, oneHot, multiHot, count, tfIdf
  }

  public var tokenizer: Tokenizer
  public var outputMode: OutputMode
  /// The most vocabulary entries, the special tokens included; `nil`: no limit.
  public var maxTokens: Int?
  /// Tokens seen fewer times in the corpus are out of vocabulary.
  public var minFrequency: Int
  /// `int` and `oneHot`: the length texts are padded or truncated to; `nil`: the longest text's.
  public var outputSequenceLength: Int?
  /// The vocabulary, once adapted (or given).
  public private(set) var vocabulary: Vocabulary?
  /// `tfIdf`: each vocabulary entry's weight.
  public private(set) var idfWeights: [Double]?

  public init(
    tokenizer: Tokenizer = Tokenizer(), outputMode: OutputMode = .int, maxTokens: Int? = nil,
    minFrequency: Int = 1, outputSequenceLength: Int? = nil, vocabulary: Vocabulary? = nil
  ) {
    precondition(outputSequenceLength.map { $0 >= 1 } ?? true,
                 "TextVectorization: outputSequenceLength \(outputSequenceLength!) must be at least 1")
    precondition(minFrequency >= 1, "TextVectorization: minFrequency \(minFrequency) must be at least 1")
    precondition(outputMode != .tfIdf || vocabulary == nil,
                 "TextVectorization: tfIdf needs adapt(_:) to learn its document frequencies")
    self.tokenizer = tokenizer
    self.outputMode = outputMode
    self.maxTokens = maxTokens
    self.minFrequency = minFrequency
    self.outputSequenceLength = outputSequenceLength
    self.vocabulary = vocabulary
  }

  /// Whether the vocabulary starts with a padding token: in the sequence modes.
  var pads: Bool { outputMode == .int || outputMode == .oneHot }

  /// Learns the vocabulary (and the TF-IDF weights) of `corpus`.
  public mutating func adapt<Corpus: Sequence<String>>(_ corpus: Corpus) {
    let documents = corpus.map { tokenizer.tokens(in: $0) }
    let vocabulary = Vocabulary(
      counting: documents, maxSize: maxTokens, minFrequency: minFrequency, padding: pads)
    self.vocabulary = vocabulary
    guard outputMode == .tfIdf else { idfWeights = nil; return }
    let counts = TokenCounts(documents)
    var weights = [Double](repeating: 0, count: vocabulary.count)
    var total = 0.0
    for (k, token) in vocabulary.tokens.enumerated() where k != vocabulary.unknownIndex {
      let df = Double(counts.documentFrequencies[counts.index[token]!])
      weights[k] = Foundation.log(1 + Double(counts.documents) / (1 + df))
      total += weights[k]
    }
    weights[vocabulary.unknownIndex] = vocabulary.count > 1 ? total / Double(vocabulary.count - 1) : 0
    idfWeights = weights
  }

  /// The adapted vocabulary; traps before `adapt(_:)`.
  private var adapted: Vocabulary {
    guard let vocabulary else { preconditionFailure("TextVectorization: call adapt(_:) before vectorizing") }
    return vocabulary
  }

  /// The number of vocabulary entries (the width of the one-hot, multi-hot, count and TF-IDF outputs).
  public var vocabularySize: Int { adapted.count }

  /// The token indices of `text`, unpadded and untruncated.
  public func encode(_ text: String) -> [Int] {
    let vocabulary = adapted
    return tokenizer.tokens(in: text).map { vocabulary.index(of: $0) }
  }

  /// The tokens at `indices`, padding left out; character tokens are joined directly, words with
  /// spaces.
  public func decode<Indices: Sequence<Int>>(_ indices: Indices) -> String {
    let vocabulary = adapted
    let tokens = indices.filter { $0 != vocabulary.paddingIndex }.map { vocabulary[$0] }
    return tokens.joined(separator: tokenizer.split == .character ? "" : " ")
  }

  /// The lengths `texts` would have in `int` mode before padding, capped at `outputSequenceLength`
  /// (at least 1 each: an empty text is one padding step). For a recurrent layer's `lengths`.
  public func lengths(of texts: [String]) -> [Int] {
    texts.map { text in
      let n = max(1, tokenizer.tokens(in: text).count)
      return outputSequenceLength.map { min($0, n) } ?? n
    }
  }

  /// One text's vector: `[L]` (int), `[L, V]` (oneHot) or `[V]`.
  public func callAsFunction(_ text: String) -> Tensor {
    let batch = callAsFunction([text])
    return batch.reshaped(Array(batch.shape.dropFirst()))
  }

  /// The texts' vectors, in the output mode (see the type's documentation for the shapes).
  public func callAsFunction(_ texts: [String]) -> Tensor { vectors(encoded: texts.map(encode)) }

  /// The vectors of texts already encoded by `encode(_:)`.
  public func vectors(encoded: [[Int]]) -> Tensor {
    let vocabulary = adapted
    switch outputMode {
    case .int, .oneHot:
      let length = outputSequenceLength ?? max(1, encoded.map(\.count).max() ?? 1)
      var indices = [Int64](repeating: 0, count: encoded.count * length)
      for (row, sequence) in encoded.enumerated() {
        for (column, index) in sequence.prefix(length).enumerated() {
          indices[row * length + column] = Int64(index)
        }
      }
      if outputMode == .int { return Tensor(indices, shape: [encoded.count, length]) }
      var values = [Float](repeating: 0, count: indices.count * vocabulary.count)
      for (position, index) in indices.enumerated() where index != 0 {
        values[position * vocabulary.count + Int(index)] = 1
      }
      return Tensor(values, shape: [encoded.count, length, vocabulary.count])
    case .multiHot, .count, .tfIdf:
      let width = vocabulary.count
      var values = [Float](repeating: 0, count: encoded.count * width)
      for (row, sequence) in encoded.enumerated() {
        for index in sequence {
          if outputMode == .multiHot { values[row * width + index] = 1 } else { values[row * width + index] += 1 }
        }
      }
      if outputMode == .tfIdf, let idfWeights {
        for position in values.indices where values[position] != 0 {
          values[position] *= Float(idfWeights[position % width])
        }
      }
      return Tensor(values, shape: [encoded.count, width])
    }
  }

  /// The vectorizer as JSON (its settings, vocabulary and weights): what a checkpoint stores.
  public func jsonString() -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return String(decoding: try! encoder.encode(self), as: UTF8.self)
  }

  /// The vectorizer `jsonString()` wrote.
  ///
  /// - Throws: `DataError.corrupt` naming `source` when the JSON does not describe a vectorizer.
  public init(jsonString: String, source: String = "text vectorization") throws(DataError) {
    let decoded: TextVectorization
    do {
      decoded = try JSONDecoder().decode(TextVectorization.self, from: Data(jsonString.utf8))
    } catch {
      throw .corrupt(file: source, reason: "not a text vectorization: \(error)")
    }
    if let vocabulary = decoded.vocabulary {
      guard (vocabulary.paddingIndex != nil) == decoded.pads else {
        throw .corrupt(file: source, reason: "the \(decoded.outputMode) mode's vocabulary \(decoded.pads ? "needs" : "has") a padding token")
      }
      if decoded.outputMode == .tfIdf {
        guard decoded.idfWeights?.count == vocabulary.count else {
          throw .corrupt(file: source, reason: "\(decoded.idfWeights?.count ?? 0) TF-IDF weights for \(vocabulary.count) tokens")
        }
      }
    }
    self = decoded
  }
}
