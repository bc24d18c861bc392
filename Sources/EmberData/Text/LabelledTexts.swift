import EmberCore

/// Texts with one class label each, as the sentiment loaders return them.
public struct LabelledTexts: Sendable {
  public var texts: [String]
  /// Class indices into `classNames`, one per text.
  public var labels: [Int]
  public var classNames: [String]

  public init(texts: [String], labels: [Int], classNames: [String]) {
    precondition(texts.count == labels.count,
                 "LabelledTexts: \(texts.count) texts but \(labels.count) labels")
    precondition(labels.allSatisfy { classNames.indices.contains($0) },
                 "LabelledTexts: a label is not an index into the \(classNames.count) class names")
    self.texts = texts
    self.labels = labels
    self.classNames = classNames
  }

  public var count: Int { texts.count }

  /// How many texts each class has.
  public var classCounts: [Int] {
    labels.reduce(into: [Int](repeating: 0, count: classNames.count)) { $0[$1] += 1 }
  }

  /// The texts vectorized by `vectorizer` as inputs, the labels (int64) as targets.
  public func dataset(vectorizedBy vectorizer: TextVectorization) -> TextDataset {
    TextDataset(self, vectorizer: vectorizer)
  }

  /// The texts at `indices`, in that order.
  public func subset(_ indices: [Int]) -> LabelledTexts {
    LabelledTexts(texts: indices.map { texts[$0] }, labels: indices.map { labels[$0] }, classNames: classNames)
  }

  /// These texts followed by `other`'s (the same classes).
  public func appending(_ other: LabelledTexts) -> LabelledTexts {
    precondition(classNames == other.classNames,
                 "LabelledTexts: classes \(classNames) and \(other.classNames) differ")
    return LabelledTexts(texts: texts + other.texts, labels: labels + other.labels, classNames: classNames)
  }
}
