import EmberCore
import Testing

@testable import EmberTrain

@Suite struct AccuracyTests {
  let logits = Tensor([[2.0, 0.1, 0.3], [0.2, 1.5, 0.1], [0.1, 0.2, 0.9], [1.0, 0.3, 0.2]])

  @Test func classIndices() {
    let accuracy = Accuracy()
    accuracy.update(predictions: logits, targets: Tensor([0, 1, 1, 2] as [Int64]))
    expectClose(accuracy.result, 0.5)
    #expect(accuracy.results == ["accuracy": 0.5])
  }

  @Test func oneHotTargets() {
    let accuracy = Accuracy()
    let oneHot = Tensor.oneHot(Tensor([0, 1, 2, 2] as [Int64]), classes: 3)
    accuracy.update(predictions: logits, targets: oneHot)
    expectClose(accuracy.result, 0.75)  // argmax 0, 1, 2, 0
  }

  @Test func accumulatesOverBatchesAndResets() {
    let accuracy = Accuracy()
    accuracy.update(predictions: logits[0..<2], targets: Tensor([0, 1] as [Int64]))
    accuracy.update(predictions: logits[2..<4], targets: Tensor([1, 2] as [Int64]))
    expectClose(accuracy.result, 0.5)
    accuracy.reset()
    #expect(accuracy.result == 0)
    accuracy.update(predictions: logits[0..<1], targets: Tensor([0] as [Int64]))
    expectClose(accuracy.result, 1)
  }

  @Test func binaryScoresUseTheThreshold() {
    let probabilities = Tensor([0.9, 0.2, 0.6, 0.4] as [Float], shape: [4, 1])
    let targets = Tensor([1, 0, 0, 0] as [Float])
    let accuracy = Accuracy()
    accuracy.update(predictions: probabilities, targets: targets)
    expectClose(accuracy.result, 0.75)
    let logitAccuracy = Accuracy(threshold: 0)
    logitAccuracy.update(predictions: Tensor([2, 1, -0.5, 3] as [Float]), targets: targets)
    expectClose(logitAccuracy.result, 0.5)
  }
}
