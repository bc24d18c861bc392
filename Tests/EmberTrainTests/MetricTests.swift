import EmberCore
import Testing

@testable import EmberTrain

@Suite struct MetricTests {
  @Test func predictedClassesFromLogitsOrScores() {
    let logits = Tensor([[0.1, 2.0], [3.0, -1.0]])
    #expect(predictedClasses(logits).scalars(as: Int64.self) == [1, 0])
    let scores = Tensor([0.7, 0.2] as [Float], shape: [2, 1])
    #expect(predictedClasses(scores).scalars(as: Int64.self) == [1, 0])
  }

  @Test func targetClassesFromIndicesOrOneHot() {
    let logits = Tensor([[0.1, 2.0], [3.0, -1.0]])
    let indices = targetClasses(Tensor([1, 0] as [Int32]), predictions: logits, op: "test")
    #expect(indices.scalars(as: Int64.self) == [1, 0])
    let oneHot = targetClasses(Tensor([[0.0, 1.0], [1.0, 0.0]]), predictions: logits, op: "test")
    #expect(oneHot.scalars(as: Int64.self) == [1, 0])
  }

  @Test func regressionPairReshapesAColumn() {
    let (p, t) = regressionPair(regressionPredictions, regressionTargets, op: "test")
    #expect(p.shape == [4] && t.shape == [4] && p.dtype == .float64)
  }

  @Test func defaultResultsUseTheName() {
    let metric = MeanSquaredError(name: "custom")
    metric.update(predictions: regressionTargets, targets: regressionTargets)
    #expect(metric.results == ["custom": 0])
    #expect(metric.resultNames == ["custom"])
  }
}
