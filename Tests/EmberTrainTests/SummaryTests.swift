import EmberNN
import Testing

@testable import EmberTrain

@Suite struct SummaryTests {
  @Test func listsLayersShapesAndTotals() {
    let model = Sequential { Linear(4, 8); ReLU(); Linear(8, 3) }
    let table = summary(of: model, inputShape: [4])
    let expected = """
      Model: Sequential
      Layer (type)    Output Shape    Param #
      =======================================
      0 (Linear)      [-1, 8]              40
      1 (ReLU)        [-1, 8]               0
      2 (Linear)      [-1, 3]              27
      =======================================
      Total params: 67
      Trainable params: 67
      Non-trainable params: 0
      """
    #expect(table == expected)
  }

  @Test func frozenLayersAreNonTrainable() {
    let first = Linear(100, 20)
    first.freeze()
    let model = Sequential { first; ReLU(); Linear(20, 1) }
    let table = summary(of: model, inputShape: [100])
    #expect(table.contains("Total params: 2,041"))
    #expect(table.contains("Trainable params: 21"))
    #expect(table.contains("Non-trainable params: 2,020"))
    #expect(table.contains("0 (Linear)      [-1, 20]          2,020"))
  }

  @Test func aSingleLayerModelIsOneRow() {
    let table = summary(of: Linear(2, 5), inputShape: [2])
    #expect(table.contains("model (Linear)    [-1, 5]"))
  }
}
