import Foundation

/// Per-class precision, recall, F1 and support with accuracy and averages, printed like
/// scikit-learn's `classification_report`:
///
/// ```
///               precision    recall  f1-score   support
///
///            0       0.50      1.00      0.67         1
///            1       1.00      0.67      0.80         3
///
///     accuracy                           0.75         4
///    macro avg       0.75      0.83      0.73         4
/// weighted avg       0.88      0.75      0.77         4
/// ```
public struct ClassificationReport: CustomStringConvertible, Sendable {
  /// The row labels of the classes.
  public var classNames: [String]
  /// One row per class.
  public var perClass: [PrecisionRecallF1.Scores]
  /// Correct predictions over all predictions.
  public var accuracy: Double
  /// Unweighted mean over classes.
  public var macro: PrecisionRecallF1.Scores
  /// Mean over classes weighted by support.
  public var weighted: PrecisionRecallF1.Scores
  /// Decimal places of the scores.
  public var digits: Int

  public var description: String {
    let width = Swift.max(classNames.map(\.count).max() ?? 0, "weighted avg".count)
    func pad(_ text: String, _ width: Int) -> String {
      String(repeating: " ", count: Swift.max(0, width - text.count)) + text
    }
    func number(_ value: Double) -> String { pad(String(format: "%.\(digits)f", value), 9) }
    func row(_ label: String, _ s: PrecisionRecallF1.Scores) -> String {
      pad(label, width) + " " + [s.precision, s.recall, s.f1].map { " " + number($0) }.joined()
        + " " + pad(String(s.support), 9)
    }
    var lines = [
      pad("", width) + " " + ["precision", "recall", "f1-score", "support"].map { " " + pad($0, 9) }
        .joined(),
      "",
    ]
    for (name, scores) in zip(classNames, perClass) { lines.append(row(name, scores)) }
    lines.append("")
    lines.append(pad("accuracy", width) + " " + String(repeating: " ", count: 20) + " "
      + number(accuracy) + " " + pad(String(macro.support), 9))
    lines.append(row("macro avg", macro))
    lines.append(row("weighted avg", weighted))
    return lines.joined(separator: "\n") + "\n"
  }
}
