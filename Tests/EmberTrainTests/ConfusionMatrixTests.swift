import EmberCore
import Testing

@testable import EmberTrain

@Suite struct ConfusionMatrixTests {
  @Test func countsPairs() {
    let matrix = ConfusionMatrix(classes: 3)
    matrix.update(predictions: ClassificationExample.logits, targets: ClassificationExample.targets)
    #expect(matrix.counts == ClassificationExample.counts)
    expectClose(matrix.result, 5.0 / 8)
  }

  @Test func accumulatesOverBatches() {
    let matrix = ConfusionMatrix(classes: 3)
    let logits = ClassificationExample.logits, targets = ClassificationExample.targets
    matrix.update(predictions: logits[0..<3], targets: targets[0..<3])
    matrix.update(predictions: logits[3..<8], targets: targets[3..<8])
    #expect(matrix.counts == ClassificationExample.counts)
    matrix.reset()
    #expect(matrix.counts == [[0, 0, 0], [0, 0, 0], [0, 0, 0]])
  }

  @Test func describesATable() {
    let matrix = ConfusionMatrix(classes: 3, classNames: ["cat", "dog", "owl"])
    matrix.update(predictions: ClassificationExample.logits, targets: ClassificationExample.targets)
    let expected = """
      true\\pred  cat  dog  owl
            cat    2    0    0
            dog    1    1    1
            owl    0    1    2
      """
    #expect(matrix.description == expected)
  }
}
