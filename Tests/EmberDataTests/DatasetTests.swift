import EmberCore
import Testing

@testable import EmberData

/// Ten examples: inputs `[10, 2]` with row `i` = `[i, 10 + i]`, targets `i`.
func countingDataset(_ n: Int = 10) -> TensorDataset {
  let inputs = Tensor((0..<n).flatMap { [Float($0), Float(100 + $0)] }, shape: [n, 2])
  return TensorDataset(inputs: inputs, targets: Tensor(Array(0..<n), shape: [n]))
}

@Suite struct DatasetTests {
  @Test func tensorDatasetGathersRowsInOrder() {
    let data = countingDataset()
    #expect(data.count == 10)
    let batch = data.batch(at: [3, 0, 7])
    #expect(batch.inputs.shape == [3, 2])
    #expect(batch.inputs.floats == [3, 103, 0, 100, 7, 107])
    #expect(batch.targets.scalars(as: Int.self) == [3, 0, 7])
    #expect(batch.count == 3)
  }

  @Test func subscriptDropsTheBatchAxis() {
    let example = countingDataset()[4]
    #expect(example.inputs.shape == [2])
    #expect(example.inputs.floats == [4, 104])
    #expect(example.targets.shape == [])
  }

  @Test func transformAppliesToInputsOnly() {
    var data = countingDataset()
    data.transform = Normalize(mean: [1], std: [2])
    let batch = data.batch(at: [5])
    #expect(batch.inputs.floats == [2, 52])
    #expect(batch.targets.scalars(as: Int.self) == [5])
  }

  @Test func subsetMapsIndices() {
    let subset = Subset(of: countingDataset(), indices: [9, 2, 4])
    #expect(subset.count == 3)
    #expect(subset.batch(at: [0, 2]).targets.scalars(as: Int.self) == [9, 4])
    #expect(subset[1].targets.scalars(as: Int.self) == [2])
  }
}
