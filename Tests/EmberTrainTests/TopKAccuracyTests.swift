import EmberCore
import Testing

@testable import EmberTrain

@Suite struct TopKAccuracyTests {
  let scores = Tensor([[0.1, 0.5, 0.4], [0.7, 0.2, 0.1], [0.2, 0.3, 0.5]])
  let targets = Tensor([2, 1, 0] as [Int64])

  @Test func countsTargetsAmongTheBestK() {
    let top1 = TopKAccuracy(k: 1), top2 = TopKAccuracy(k: 2), top3 = TopKAccuracy(k: 3)
    for metric in [top1, top2, top3] { metric.update(predictions: scores, targets: targets) }
    expectClose(top1.result, 0)
    expectClose(top2.result, 2.0 / 3)
    expectClose(top3.result, 1)
    #expect(top2.name == "top_2_accuracy")
  }

  @Test func oneHotTargetsAndReset() {
    let metric = TopKAccuracy(k: 2)
    metric.update(predictions: scores, targets: Tensor.oneHot(targets, classes: 3))
    expectClose(metric.result, 2.0 / 3)
    metric.reset()
    #expect(metric.result == 0)
  }
}
