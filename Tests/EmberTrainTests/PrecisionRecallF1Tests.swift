import EmberCore
import Testing

@testable import EmberTrain

@Suite struct PrecisionRecallF1Tests {
  func scores() -> PrecisionRecallF1 {
    let metric = PrecisionRecallF1(classes: 3)
    metric.update(predictions: ClassificationExample.logits, targets: ClassificationExample.targets)
    return metric
  }

  @Test func perClass() {
    // precision = tp / predicted, recall = tp / support, F1 = 2pr / (p + r).
    let perClass = scores().scores().perClass
    let expected: [(Double, Double, Double, Int)] = [
      (2.0 / 3, 1, 0.8, 2), (0.5, 1.0 / 3, 0.4, 3), (2.0 / 3, 2.0 / 3, 2.0 / 3, 3),
    ]
    for (actual, (p, r, f1, support)) in zip(perClass, expected) {
      expectClose(actual.precision, p)
      expectClose(actual.recall, r)
      expectClose(actual.f1, f1)
      #expect(actual.support == support)
    }
  }

  @Test func averages() {
    let s = scores().scores()
    // Macro: plain means over the classes.
    expectClose(s.macro.precision, 11.0 / 18)
    expectClose(s.macro.recall, 2.0 / 3)
    expectClose(s.macro.f1, 28.0 / 45)
    // Weighted by support 2, 3, 3 of 8.
    expectClose(s.weighted.precision, 29.0 / 48)
    expectClose(s.weighted.recall, 5.0 / 8)
    expectClose(s.weighted.f1, 0.6)
    // Micro: pooled counts, equal to accuracy for single-label data.
    for value in [s.micro.precision, s.micro.recall, s.micro.f1] { expectClose(value, 5.0 / 8) }
    #expect(s.macro.support == 8)
  }

  @Test func logsTheMacroAverages() {
    let metric = scores()
    expectClose(metric.result, 28.0 / 45)
    #expect(metric.resultNames == ["precision", "recall", "f1"])
    expectClose(metric.results["precision"]!, 11.0 / 18)
    expectClose(metric.results["recall"]!, 2.0 / 3)
  }

  @Test func aClassNeverPredictedScoresZero() {
    let metric = PrecisionRecallF1(classes: 3)
    metric.update(predictions: Tensor.oneHot(Tensor([0, 0] as [Int64]), classes: 3),
                  targets: Tensor([0, 2] as [Int64]))
    let s = metric.scores()
    #expect(s.perClass[1] == .init(precision: 0, recall: 0, f1: 0, support: 0))
    #expect(s.perClass[2] == .init(precision: 0, recall: 0, f1: 0, support: 1))
    expectClose(s.perClass[0].precision, 0.5)
  }
}
