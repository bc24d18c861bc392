import EmberCore

/// Precision, recall and F1 per class, with macro, micro and support-weighted averages, as
/// scikit-learn's `precision_recall_fscore_support` computes them.
///
/// For class `c` with `tp` true positives, precision is `tp / predicted_c`, recall `tp / support_c`
/// and F1 their harmonic mean; a zero denominator gives 0 (scikit-learn's `zero_division=0`). The
/// macro average is the plain mean over classes, the weighted one weights by support, and the
/// micro average pools the counts (for single-label data all three micro scores equal accuracy).
///
/// As a trainer metric it logs the macro averages as `precision`, `recall` and `f1` (prefixed by
/// `prefix` when given); `report()` prints scikit-learn's `classification_report`.
public final class PrecisionRecallF1: Metric {
  /// Precision, recall, F1 and support of one class or one average.
  public struct Scores: Equatable, Sendable {
    public var precision: Double
    public var recall: Double
    public var f1: Double
    /// Examples of the class (for an average: of all classes).
    public var support: Int
  }

  /// The key of `result` (the macro F1).
  public let name: String
  /// The number of classes.
  public let classes: Int
  private let confusion: ConfusionMatrix
  private let prefix: String

  /// Scores over `classes` classes, logged as `<prefix>precision`, `<prefix>recall` and
  /// `<prefix>f1` (macro averages).
  public init(
    classes: Int, classNames: [String]? = nil, threshold: Double = 0.5, prefix: String = ""
  ) {
    self.classes = classes
    self.prefix = prefix
    self.name = prefix + "f1"
    confusion = ConfusionMatrix(classes: classes, classNames: classNames, threshold: threshold)
  }

  public func reset() { confusion.reset() }

  public func update(predictions: Tensor, targets: Tensor) {
    confusion.update(predictions: predictions, targets: targets)
  }

  /// The confusion matrix the scores come from.
  public var counts: [[Int]] { confusion.counts }

  /// The macro-averaged F1.
  public var result: Double { scores().macro.f1 }

  public var results: [String: Double] {
    let macro = scores().macro
    return [prefix + "precision": macro.precision, prefix + "recall": macro.recall,
            prefix + "f1": macro.f1]
  }

  public var resultNames: [String] { [prefix + "precision", prefix + "recall", prefix + "f1"] }

  /// Per-class scores and the three averages, from one read of the confusion matrix.
  public func scores() -> (
    perClass: [Scores], macro: Scores, micro: Scores, weighted: Scores
  ) {
    let matrix = counts
    func ratio(_ a: Int, _ b: Int) -> Double { b > 0 ? Double(a) / Double(b) : 0 }
    func harmonic(_ p: Double, _ r: Double) -> Double { p + r > 0 ? 2 * p * r / (p + r) : 0 }
    var perClass: [Scores] = []
    for c in 0..<classes {
      let truePositives = matrix[c][c]
      let predicted = (0..<classes).reduce(0) { $0 + matrix[$1][c] }
      let support = matrix[c].reduce(0, +)
      let p = ratio(truePositives, predicted), r = ratio(truePositives, support)
      perClass.append(Scores(precision: p, recall: r, f1: harmonic(p, r), support: support))
    }
    let total = perClass.reduce(0) { $0 + $1.support }
    let n = Double(Swift.max(classes, 1))
    let macro = Scores(
      precision: perClass.reduce(0) { $0 + $1.precision } / n,
      recall: perClass.reduce(0) { $0 + $1.recall } / n,
      f1: perClass.reduce(0) { $0 + $1.f1 } / n, support: total)
    let w = { (s: Scores) in total > 0 ? Double(s.support) / Double(total) : 0 }
    let weighted = Scores(
      precision: perClass.reduce(0) { $0 + w($1) * $1.precision },
      recall: perClass.reduce(0) { $0 + w($1) * $1.recall },
      f1: perClass.reduce(0) { $0 + w($1) * $1.f1 }, support: total)
    // Pooled: every example is one prediction, so pooled TP / pooled predicted = TP / total.
    let correct = (0..<classes).reduce(0) { $0 + matrix[$1][$1] }
    let pooled = ratio(correct, total)
    let micro = Scores(precision: pooled, recall: pooled, f1: pooled, support: total)
    return (perClass, macro, micro, weighted)
  }

  /// scikit-learn's `classification_report` for what has been accumulated.
  public func report(digits: Int = 2) -> ClassificationReport {
    let s = scores()
    return ClassificationReport(
      classNames: confusion.classNames, perClass: s.perClass, accuracy: s.micro.f1,
      macro: s.macro, weighted: s.weighted, digits: digits)
  }
}
