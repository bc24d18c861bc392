import EmberCore
import Testing

@testable import EmberTrain

@Suite struct ClassificationReportTests {
  @Test func matchesScikitLearnsLayout() {
    let metric = PrecisionRecallF1(classes: 3)
    metric.update(predictions: ClassificationExample.logits, targets: ClassificationExample.targets)
    // sklearn.metrics.classification_report(true, predicted) for the same example.
    let expected = """
                    precision    recall  f1-score   support

                 0       0.67      1.00      0.80         2
                 1       0.50      0.33      0.40         3
                 2       0.67      0.67      0.67         3

          accuracy                           0.62         8
         macro avg       0.61      0.67      0.62         8
      weighted avg       0.60      0.62      0.60         8

      """
    #expect(metric.report().description == expected)
  }

  @Test func usesClassNamesAndDigits() {
    let metric = PrecisionRecallF1(classes: 3, classNames: ["setosa", "versicolor", "virginica"])
    metric.update(predictions: ClassificationExample.logits, targets: ClassificationExample.targets)
    let report = metric.report(digits: 3).description
    #expect(report.contains("  versicolor      0.500     0.333     0.400         3"))
  }
}
