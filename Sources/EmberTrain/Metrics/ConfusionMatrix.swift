import EmberCore

/// Counts of (true class, predicted class) pairs over `classes` classes.
///
/// Predictions and targets are read as in ``Accuracy``. `counts[t][p]` is the number of examples
/// of class `t` predicted as `p`; `result` is the accuracy (the diagonal over the total), and
/// `description` prints the matrix as a table.
public final class ConfusionMatrix: Metric, CustomStringConvertible {
  public let name: String
  /// The number of classes.
  public let classes: Int
  /// Labels for the rows and columns (default: `0`, `1`, …).
  public let classNames: [String]
  /// The decision threshold for single-score (binary) predictions.
  public let threshold: Double
  private var accumulated: Tensor?

  /// A `classes × classes` matrix; its accuracy is logged as `name`.
  public init(
    classes: Int, classNames: [String]? = nil, threshold: Double = 0.5,
    name: String = "confusion_accuracy"
  ) {
    precondition(classes >= 1, "ConfusionMatrix: classes = \(classes) must be at least 1")
    precondition(
      classNames == nil || classNames!.count == classes,
      "ConfusionMatrix: \(classNames?.count ?? 0) class names for \(classes) classes")
    self.classes = classes
    self.classNames = classNames ?? (0..<classes).map(String.init)
    self.threshold = threshold
    self.name = name
  }

  public func reset() { accumulated = nil }

  public func update(predictions: Tensor, targets: Tensor) {
    let predicted = predictedClasses(predictions, threshold: threshold).flattened()
    let expected = targetClasses(targets, predictions: predictions, op: "ConfusionMatrix")
      .flattened()
    // Each pair lands in cell t·classes + p of the flattened matrix.
    let cells = expected * Double(classes) + predicted
    let batchCounts = Tensor.zeros([classes * classes], dtype: .int64)
      .scatterAdding(axis: 0, index: cells, source: Tensor.ones([cells.count], dtype: .int64))
    accumulated = accumulated.map { $0 + batchCounts } ?? batchCounts
  }

  /// `counts[t][p]`: examples of true class `t` predicted as `p`.
  public var counts: [[Int]] {
    let flat = accumulated?.scalars(as: Int64.self) ?? []
    return (0..<classes).map { t in
      (0..<classes).map { p in flat.isEmpty ? 0 : Int(flat[t * classes + p]) }
    }
  }

  /// The accuracy: correctly classified examples over all examples (0 before any update).
  public var result: Double {
    let matrix = counts
    let total = matrix.joined().reduce(0, +)
    let correct = (0..<classes).reduce(0) { $0 + matrix[$1][$1] }
    return total > 0 ? Double(correct) / Double(total) : 0
  }

  /// The matrix as a table, true classes down, predicted classes across.
  public var description: String {
    let matrix = counts
    let labelWidth = Swift.max(classNames.map(\.count).max() ?? 1, "true\\pred".count)
    let cellWidth = Swift.max(
      classNames.map(\.count).max() ?? 1, matrix.joined().map { String($0).count }.max() ?? 1)
    func pad(_ text: String, _ width: Int) -> String {
      String(repeating: " ", count: Swift.max(0, width - text.count)) + text
    }
    let header = classNames.map { "  " + pad($0, cellWidth) }.joined()
    var lines = [pad("true\\pred", labelWidth) + header]
    for (t, row) in matrix.enumerated() {
      lines.append(pad(classNames[t], labelWidth)
        + row.map { "  " + pad(String($0), cellWidth) }.joined())
    }
    return lines.joined(separator: "\n")
  }
}
