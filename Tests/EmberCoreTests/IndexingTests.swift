import EmberBackend
import Foundation
import EmberTestSupport
import Testing

@testable import EmberCore

@Suite struct IndexingTests {
  // MARK: Forward values

  @Test func gatheredPicksAlongTheAxis() {
    // torch.gather's documentation example.
    let x = Tensor([[1, 2], [3, 4]])
    let index = Tensor([0, 0, 1, 0] as [Int], shape: [2, 2])
    #expect(x.gathered(axis: 1, index: index).floats == [1, 1, 4, 3])
    let rows = x.gathered(axis: 0, index: Tensor([1, 0] as [Int32], shape: [1, 2]))
    #expect(rows.shape == [1, 2])
    #expect(rows.floats == [3, 2])
  }

  @Test func gatheredWithASmallerIndexOnOtherAxes() {
    let x = Tensor.arange(0, 12).reshaped([3, 4])
    let picked = x.gathered(axis: 1, index: Tensor([3, 0] as [Int], shape: [2, 1]))
    #expect(picked.shape == [2, 1])
    #expect(picked.scalars(as: Int.self) == [3, 4])
  }

  @Test func indexSelectTakesWholeSlices() {
    let x = Tensor.arange(0, 12, dtype: .float32).reshaped([3, 4])
    let rows = x.indexSelect(axis: 0, indices: Tensor([2, 0, 2] as [Int]))
    #expect(rows.shape == [3, 4])
    #expect(rows.floats == [8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11])
    let columns = x.indexSelect(axis: -1, indices: Tensor([3, 1] as [Int32]))
    #expect(columns.shape == [3, 2])
    #expect(columns.floats == [3, 1, 7, 5, 11, 9])
  }

  @Test func flippedReversesOneAxis() {
    let x = Tensor.arange(0, 6, dtype: .float32).reshaped([2, 3])
    #expect(x.flipped(axis: -1).floats == [2, 1, 0, 5, 4, 3])
    #expect(x.flipped(axis: 0).floats == [3, 4, 5, 0, 1, 2])
    checkGradients("flipped", shapes: [[2, 3, 4]], range: -1...1, layout: .sliced) { t in
      t[0].flipped(axis: 2) * Tensor(testValues(24, in: -1...1, seed: 2), shape: [2, 3, 4])
    }
  }

  @Test func scatterAddingAccumulates() {
    // torch.scatter_add_'s documentation example: the index covers part of the source.
    let index = Tensor([0, 1, 2, 0, 0] as [Int], shape: [1, 5])
    let out = Tensor.zeros([3, 5]).scatterAdding(
      axis: 0, index: index, source: Tensor.ones([2, 5]))
    #expect(out.floats == [1, 0, 0, 1, 1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0])
    let twice = Tensor([0, 1, 2, 0, 0, 1, 2, 0, 0, 1] as [Int], shape: [2, 5])
    let summed = Tensor.zeros([3, 5]).scatterAdding(
      axis: 0, index: twice, source: Tensor.ones([2, 5]))
    #expect(summed.floats == [1, 0, 1, 2, 1, 1, 1, 0, 0, 1, 0, 1, 1, 0, 0])
  }

  @Test func scatterAddingDoesNotTouchItsInput() {
    let base = Tensor([1, 2, 3] as [Float])
    let out = base.scatterAdding(
      axis: 0, index: Tensor([2, 2] as [Int]), source: Tensor([10, 20] as [Float]))
    #expect(out.floats == [1, 2, 33])
    #expect(base.floats == [1, 2, 3])
  }

  @Test func oneHotMarksEachLabel() {
    let encoded = Tensor.oneHot(Tensor([0, 2, 1] as [Int]), classes: 3)
    #expect(encoded.shape == [3, 3])
    #expect(encoded.dtype == .float32)
    #expect(encoded.floats == [1, 0, 0, 0, 0, 1, 0, 1, 0])
    let batch = Tensor.oneHot(Tensor([1, 0] as [Int32], shape: [2, 1]), classes: 2, dtype: .int64)
    #expect(batch.shape == [2, 1, 2])
    #expect(batch.scalars(as: Int.self) == [0, 1, 1, 0])
  }

  @Test func cumsumAlongEachAxis() {
    #expect(Tensor([1, 2, 3, 4] as [Float]).cumsum(axis: 0).floats == [1, 3, 6, 10])
    let x = Tensor([[1, 2, 3], [4, 5, 6]])
    #expect(x.cumsum(axis: 0).floats == [1, 2, 3, 5, 7, 9])
    #expect(x.cumsum(axis: -1).floats == [1, 3, 6, 4, 9, 15])
    let ints = Tensor([1, 2, 3] as [Int32]).cumsum(axis: 0)
    #expect(ints.dtype == .int64)
    #expect(ints.scalars(as: Int.self) == [1, 3, 6])
  }

  @Test func sortedReturnsValuesAndPositions() {
    let x = Tensor([3, 1, 2, 1] as [Float])
    let (values, indices) = x.sorted()
    #expect(values.floats == [1, 1, 2, 3])
    #expect(indices.scalars(as: Int.self) == [1, 3, 2, 0])  // stable: the first 1 first
    let down = x.sorted(descending: true)
    #expect(down.values.floats == [3, 2, 1, 1])
    #expect(down.indices.scalars(as: Int.self) == [0, 2, 1, 3])
    let columns = Tensor([[3, 1], [2, 4]]).sorted(axis: 0)
    #expect(columns.values.floats == [2, 1, 3, 4])
    #expect(columns.indices.scalars(as: Int.self) == [1, 0, 0, 1])
  }

  @Test func topKPicksTheExtremes() {
    let x = Tensor([1, 5, 3, 4] as [Float])
    let largest = x.topK(2)
    #expect(largest.values.floats == [5, 4])
    #expect(largest.indices.scalars(as: Int.self) == [1, 3])
    let smallest = x.topK(2, largest: false)
    #expect(smallest.values.floats == [1, 3])
    #expect(smallest.indices.scalars(as: Int.self) == [0, 2])
    let rows = Tensor([[1, 9, 5], [7, 2, 8]]).topK(1, axis: 1)
    #expect(rows.values.shape == [2, 1])
    #expect(rows.values.floats == [9, 8])
    #expect(rows.indices.scalars(as: Int.self) == [1, 2])
  }

  // MARK: Gradients (Float64 central differences)

  @Test(arguments: InputLayout.allCases) func gatheredGradient(layout: InputLayout) {
    let index = Tensor([2, 0, 2, 1, 1, 3, 0, 0] as [Int], shape: [2, 4])
    checkGradients("gather", shapes: [[2, 4]], range: -2...2, layout: layout) {
      $0[0].gathered(axis: 1, index: index).squared()
    }
    let rows = Tensor([1, 0, 1, 1] as [Int32], shape: [1, 4])
    checkGradients("gather axis 0", shapes: [[2, 4]], range: -2...2, layout: layout) {
      $0[0].gathered(axis: 0, index: rows) * 3
    }
  }

  @Test(arguments: InputLayout.allCases) func indexSelectGradient(layout: InputLayout) {
    let indices = Tensor([2, 0, 2] as [Int])
    checkGradients("indexSelect", shapes: [[3, 4]], range: -2...2, layout: layout) {
      $0[0].indexSelect(axis: 0, indices: indices).squared()
    }
    checkGradients("indexSelect last axis", shapes: [[2, 3]], range: -2...2, layout: layout) {
      $0[0].indexSelect(axis: 1, indices: indices).squared()
    }
  }

  @Test(arguments: InputLayout.allCases) func scatterAddingGradient(layout: InputLayout) {
    let index = Tensor([0, 1, 2, 0, 0, 1, 2, 0] as [Int], shape: [2, 4])
    checkGradients("scatterAdd", shapes: [[3, 4], [2, 4]], range: -2...2, layout: layout) {
      $0[0].scatterAdding(axis: 0, index: index, source: $0[1]).squared()
    }
    let partial = Tensor([3, 3, 0] as [Int], shape: [1, 3])
    checkGradients(
      "scatterAdd partial source", shapes: [[2, 4], [2, 4]], range: -2...2, layout: layout
    ) {
      $0[0].scatterAdding(axis: 1, index: partial, source: $0[1]).squared()
    }
  }

  @Test(arguments: InputLayout.allCases) func cumsumGradient(layout: InputLayout) {
    checkGradients("cumsum axis 0", shapes: [[3, 4]], range: -2...2, layout: layout) {
      $0[0].cumsum(axis: 0).squared()
    }
    checkGradients("cumsum axis 1", shapes: [[3, 4]], range: -2...2, layout: layout) {
      $0[0].cumsum(axis: -1).squared()
    }
  }

  @Test(arguments: InputLayout.allCases) func sortedAndTopKGradient(layout: InputLayout) {
    // Random inputs are distinct, so the order is stable under the small perturbations.
    checkGradients("sorted", shapes: [[3, 5]], range: -2...2, layout: layout) {
      $0[0].sorted(axis: 1, descending: true).values.squared()
    }
    checkGradients("sorted axis 0", shapes: [[4, 3]], range: -2...2, layout: layout) {
      $0[0].sorted(axis: 0).values * Tensor([1.0, 2.0, 3.0, 4.0], shape: [4, 1])
    }
    checkGradients("topK", shapes: [[3, 5]], range: -2...2, layout: layout) {
      $0[0].topK(2, axis: -1).values.squared()
    }
  }

  @Test func secondOrderThroughGather() {
    // d/dx Σ gather(x)² is 2x per pick (twice for x₀); its own gradient along ones is 2·count.
    let x = Tensor([1.0, 2.0, 3.0]).requiringGradient()
    let index = Tensor([0, 0, 2] as [Int])
    let first = x.gathered(axis: 0, index: index).squared().sum().backward(createGraph: true)[x]!
    expectClose(first.doubles, [4, 0, 6])
    let second = first.sum().backward()[x]!
    expectClose(second.doubles, [4, 0, 2])
  }
}
