import EmberCore

/// A worked example shared by the classification-metric tests:
///
///     true:      0 1 2 2 1 0 2 1
///     predicted: 0 2 2 1 1 0 2 0
///
/// Confusion matrix (rows true): [[2, 0, 0], [1, 1, 1], [0, 1, 2]]; predicted per class 3, 2, 3;
/// support 2, 3, 3; 5 of 8 correct.
enum ClassificationExample {
  static let trueClasses: [Int64] = [0, 1, 2, 2, 1, 0, 2, 1]
  static let predictedClasses: [Int64] = [0, 2, 2, 1, 1, 0, 2, 0]
  static let counts = [[2, 0, 0], [1, 1, 1], [0, 1, 2]]

  static var targets: Tensor { Tensor(trueClasses) }

  /// Logits whose argmax is `predictedClasses`.
  static var logits: Tensor {
    Tensor.oneHot(Tensor(predictedClasses), classes: 3) * 2 + Tensor([0.1, -0.2, 0.3] as [Float])
  }
}
