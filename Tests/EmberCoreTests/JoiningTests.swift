import EmberBackend
import Foundation
import EmberTestSupport
import Testing

@testable import EmberCore

@Suite struct JoiningTests {
  // MARK: Forward values

  @Test func concatAlongEachAxis() {
    let a = Tensor([[1, 2], [3, 4]])
    let b = Tensor([[5], [6]])
    let columns = Tensor.concat([a, b], axis: 1)
    #expect(columns.shape == [2, 3])
    #expect(columns.floats == [1, 2, 5, 3, 4, 6])
    let rows = Tensor.concat([a, Tensor([[7, 8]])], axis: -2)
    #expect(rows.shape == [3, 2])
    #expect(rows.floats == [1, 2, 3, 4, 7, 8])
  }

  @Test func concatPromotesDtypesAndReadsStridedInputs() {
    let ints = Tensor([1, 2] as [Int32])
    let floats = Tensor([0.5, 1.5] as [Double])
    let joined = Tensor.concat([ints, floats])
    #expect(joined.dtype == .float64)
    #expect(joined.doubles == [1, 2, 0.5, 1.5])
    let transposed = Tensor([[1, 2], [3, 4]]).transposed()  // [[1, 3], [2, 4]]
    #expect(Tensor.concat([transposed, transposed], axis: 1).floats == [1, 3, 1, 3, 2, 4, 2, 4])
  }

  @Test func concatSkipsEmptyPieces() {
    let joined = Tensor.concat(
      [Tensor.zeros([2, 0]), Tensor([[1], [2]]), Tensor.zeros([2, 0])], axis: 1)
    #expect(joined.shape == [2, 1])
    #expect(joined.floats == [1, 2])
  }

  @Test func stackAddsAnAxis() {
    let a = Tensor([1, 2, 3] as [Float])
    let b = Tensor([4, 5, 6] as [Float])
    let first = Tensor.stack([a, b])
    #expect(first.shape == [2, 3])
    #expect(first.floats == [1, 2, 3, 4, 5, 6])
    let last = Tensor.stack([a, b], axis: -1)
    #expect(last.shape == [3, 2])
    #expect(last.floats == [1, 4, 2, 5, 3, 6])
  }

  @Test func splitBySizesGivesViews() {
    let x = Tensor.arange(0, 10).reshaped([2, 5])
    let parts = x.split(sizes: [2, 3], axis: 1)
    #expect(parts.map(\.shape) == [[2, 2], [2, 3]])
    #expect(parts[0].scalars(as: Int.self) == [0, 1, 5, 6])
    #expect(parts[1].scalars(as: Int.self) == [2, 3, 4, 7, 8, 9])
    #expect(parts.allSatisfy { $0.buffer === x.buffer })
  }

  @Test func splitBySizeLeavesAShorterLastPiece() {
    let parts = Tensor.arange(0, 5).split(size: 2)
    #expect(parts.map(\.shape) == [[2], [2], [1]])
    #expect(parts.map { $0.scalars(as: Int.self) } == [[0, 1], [2, 3], [4]])
  }

  @Test func chunkedRoundsTheSizeUp() {
    #expect(Tensor.arange(0, 5).chunked(3).map(\.shape) == [[2], [2], [1]])
    // Like torch.chunk, 6 elements in 4 chunks gives 3 chunks of 2.
    #expect(Tensor.arange(0, 6).chunked(4).map(\.shape) == [[2], [2], [2]])
    #expect(Tensor.zeros([0]).chunked(3).map(\.shape) == [[0], [0], [0]])
    let rows = Tensor.zeros([4, 6]).chunked(2, axis: -1)
    #expect(rows.map(\.shape) == [[4, 3], [4, 3]])
  }

  @Test func paddedPlacesTheInputInsideTheFill() {
    let x = Tensor([[1, 2], [3, 4]])
    let out = x.padded([(1, 0), (0, 2)], value: -1)
    #expect(out.shape == [3, 4])
    #expect(out.floats == [-1, -1, -1, -1, 1, 2, -1, -1, 3, 4, -1, -1])
    let ints = Tensor([5, 6] as [Int32]).padded([(2, 1)])
    #expect(ints.dtype == .int32)
    #expect(ints.scalars(as: Int32.self) == [0, 0, 5, 6, 0])
  }

  // MARK: Gradients (Float64 central differences)

  @Test(arguments: InputLayout.allCases) func concatGradient(layout: InputLayout) {
    checkGradients("concat", shapes: [[2, 3], [2, 1], [2, 2]], range: -2...2, layout: layout) {
      Tensor.concat($0, axis: 1)
    }
    checkGradients("concat axis 0", shapes: [[1, 3], [2, 3]], range: -2...2, layout: layout) {
      Tensor.concat($0, axis: 0) * Tensor.concat($0, axis: 0)
    }
  }

  @Test(arguments: InputLayout.allCases) func stackGradient(layout: InputLayout) {
    checkGradients("stack", shapes: [[2, 3], [2, 3]], range: -2...2, layout: layout) {
      Tensor.stack($0, axis: 1).squared()
    }
  }

  @Test(arguments: InputLayout.allCases) func splitGradient(layout: InputLayout) {
    checkGradients("split", shapes: [[3, 5]], range: -2...2, layout: layout) {
      let parts = $0[0].split(sizes: [2, 0, 3], axis: 1)
      return parts[0].sum(axis: 1) * 2 + parts[2].squared().sum(axis: 1)
    }
    checkGradients("split size", shapes: [[5, 2]], range: -2...2, layout: layout) {
      let parts = $0[0].split(size: 2)
      return parts[2] * 3 - parts[0].sum(axis: 0)  // the middle piece gets no gradient
    }
    checkGradients("chunked", shapes: [[2, 6]], range: -2...2, layout: layout) {
      let parts = $0[0].chunked(3, axis: -1)
      return parts[0] * parts[1] + parts[2]
    }
  }

  @Test(arguments: InputLayout.allCases) func unbindGradient(layout: InputLayout) {
    checkGradients("unbind", shapes: [[3, 4]], range: -2...2, layout: layout) {
      let rows = $0[0].unbind(axis: 0)
      return rows[0] * rows[2] + rows[0].exp()  // row 1 gets no gradient
    }
    checkGradients("unbind axis 1", shapes: [[2, 3]], range: -2...2, layout: layout) {
      let columns = $0[0].unbind(axis: 1)
      return Tensor.stack([columns[2], columns[0]], axis: 0).squared()
    }
  }

  @Test func unbindGivesViewsWithoutTheAxis() {
    let x = Tensor([[1, 2, 3], [4, 5, 6]])
    let columns = x.unbind(axis: 1)
    #expect(columns.map(\.shape) == [[2], [2], [2]])
    #expect(columns.map(\.doubles) == [[1, 4], [2, 5], [3, 6]])
    #expect(columns.allSatisfy { $0.buffer === x.buffer })
  }

  @Test func splitPiecesShareOneNodeAndBackwardConcatenatesOnce() {
    let x = Tensor([[1, 2, 3, 4]]).requiringGradient()
    let pieces = x.split(sizes: [1, 2, 1], axis: 1)
    let node = pieces[0].gradNode
    #expect(node != nil && pieces.allSatisfy { $0.gradNode === node })
    #expect(pieces.map(\.gradOutput) == [0, 1, 2])
    #expect(node?.outputCount == 3)
    let grads = (pieces[1] * 5).sum().backward(retainGraph: true)
    #expect(grads[x]?.doubles == [0, 5, 5, 0])
    // Two pieces with gradients: one call to the pullback with both.
    let both = (pieces[0] * 2 + pieces[2] * 3).sum().backward()
    #expect(both[x]?.doubles == [2, 0, 0, 3])
  }

  @Test(arguments: InputLayout.allCases) func padGradient(layout: InputLayout) {
    checkGradients("pad", shapes: [[2, 3]], range: -2...2, layout: layout) {
      $0[0].padded([(1, 2), (0, 1)], value: 0.5).squared()
    }
  }
}
