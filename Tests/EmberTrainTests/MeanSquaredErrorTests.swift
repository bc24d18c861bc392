import EmberCore
import Testing

@testable import EmberTrain

@Suite struct MeanSquaredErrorTests {
  @Test func averagesSquaredErrors() {
    let metric = MeanSquaredError()
    metric.update(predictions: regressionPredictions[0..<2], targets: regressionTargets[0..<2])
    metric.update(predictions: regressionPredictions[2..<4], targets: regressionTargets[2..<4])
    expectClose(metric.result, 2.25 / 4)  // (0.25 + 0 + 1 + 1) / 4
    #expect(metric.name == "mse")
  }
}
