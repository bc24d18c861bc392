import EmberCore

/// Labelled texts as a `Dataset`: each text is tokenized and looked up once, and vectorized per
/// batch, so a bag-of-words over a large vocabulary never holds the whole corpus densely, and in
/// `int` mode without a fixed length each batch is padded only to its own longest text.
///
/// Shapes: a batch's inputs as `TextVectorization` gives them; targets `[batch]` int64.
public struct TextDataset: Dataset {
  public let vectorizer: TextVectorization
  /// Every text's token indices.
  public let encoded: [[Int]]
  public let labels: [Int]

  public init(_ texts: LabelledTexts, vectorizer: TextVectorization) {
    self.vectorizer = vectorizer
    encoded = texts.texts.map(vectorizer.encode)
    labels = texts.labels
  }

  public var count: Int { encoded.count }

  public func batch(at indices: [Int]) -> Batch {
    Batch(inputs: vectorizer.vectors(encoded: indices.map { encoded[$0] }),
          targets: Tensor(indices.map { Int64(labels[$0]) }, shape: [indices.count]))
  }
}
