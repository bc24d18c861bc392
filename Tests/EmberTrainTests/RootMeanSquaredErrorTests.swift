import EmberCore
import Testing

@testable import EmberTrain

@Suite struct RootMeanSquaredErrorTests {
  @Test func isTheRootOfTheMeanSquare() {
    let metric = RootMeanSquaredError()
    metric.update(predictions: regressionPredictions, targets: regressionTargets)
    expectClose(metric.result, 0.75)  // √0.5625
    metric.reset()
    #expect(metric.result == 0)
  }
}
