import EmberCore
import Testing

@testable import EmberTrain

/// predictions 1, 2, 3, 4 against targets 1.5, 2, 2, 5: errors −0.5, 0, 1, −1.
let regressionPredictions = Tensor([1, 2, 3, 4] as [Float], shape: [4, 1])
let regressionTargets = Tensor([1.5, 2, 2, 5] as [Float])

@Suite struct MeanAbsoluteErrorTests {
  @Test func averagesAbsoluteErrors() {
    let metric = MeanAbsoluteError()
    metric.update(predictions: regressionPredictions, targets: regressionTargets)
    expectClose(metric.result, 2.5 / 4)
    #expect(metric.name == "mae")
  }

  @Test func accumulatesOverBatches() {
    let metric = MeanAbsoluteError()
    metric.update(predictions: regressionPredictions[0..<1], targets: regressionTargets[0..<1])
    metric.update(predictions: regressionPredictions[1..<4], targets: regressionTargets[1..<4])
    expectClose(metric.result, 2.5 / 4)
    metric.reset()
    #expect(metric.result == 0)
  }
}
