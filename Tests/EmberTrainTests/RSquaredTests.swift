import EmberCore
import Testing

@testable import EmberTrain

@Suite struct RSquaredTests {
  @Test func oneOutput() {
    // t̄ = 2.625, Σ(t − t̄)² = 7.6875, Σ(t − p)² = 2.25.
    let metric = RSquared()
    metric.update(predictions: regressionPredictions[0..<3], targets: regressionTargets[0..<3])
    metric.update(predictions: regressionPredictions[3..<4], targets: regressionTargets[3..<4])
    expectClose(metric.result, 1 - 2.25 / 7.6875, tolerance: 1e-6)
  }

  @Test func averagesOverOutputs() {
    // Column a: p 1, 2, 3 vs t 1, 2, 4 → 1 − 1/(14/3) = 11/14.
    // Column b: p 0, 0, 0 vs t 1, 2, 3 → 1 − 14/2 = −6.
    let predictions = Tensor([[1, 0], [2, 0], [3, 0]])
    let targets = Tensor([[1, 1], [2, 2], [4, 3]])
    let metric = RSquared()
    metric.update(predictions: predictions, targets: targets)
    expectClose(metric.result, (11.0 / 14 - 6) / 2, tolerance: 1e-6)
  }

  @Test func perfectAndConstant() {
    let metric = RSquared()
    metric.update(predictions: regressionTargets, targets: regressionTargets)
    expectClose(metric.result, 1)
    metric.reset()
    metric.update(predictions: Tensor([2, 2] as [Float]), targets: Tensor([2, 2] as [Float]))
    expectClose(metric.result, 1)  // constant targets predicted exactly
  }
}
