import EmberBackend
import Testing

@testable import EmberCPU

struct SortTests {
  typealias S = TestSupport

  @Test func ascendingAndDescendingAreStable() {
    let x = S.operand([3, 1, 2, 1, 3, 0] as [Float], [6], .float32)
    let values = S.empty([6], .float32), indices = S.empty([6], .int64)
    SortKernels.sort(x, axis: 0, descending: false, values: values, indices: indices)
    #expect(S.values(values, as: Float.self) == [0, 1, 1, 2, 3, 3])
    #expect(S.values(indices, as: Int64.self) == [5, 1, 3, 2, 0, 4])
    SortKernels.sort(x, axis: 0, descending: true, values: values, indices: indices)
    #expect(S.values(values, as: Float.self) == [3, 3, 2, 1, 1, 0])
    #expect(S.values(indices, as: Int64.self) == [0, 4, 2, 1, 3, 5])
  }

  @Test func nanSortsAsLargest() {
    let x = S.operand([2, .nan, -1, .nan, 5] as [Double], [5], .float64)
    let values = S.empty([5], .float64), indices = S.empty([5], .int64)
    SortKernels.sort(x, axis: 0, descending: false, values: values, indices: indices)
    #expect(S.values(indices, as: Int64.self) == [2, 0, 4, 1, 3])
    let v = S.values(values, as: Double.self)
    #expect(v[0] == -1 && v[2] == 5 && v[3].isNaN && v[4].isNaN)
    SortKernels.sort(x, axis: 0, descending: true, values: values, indices: indices)
    #expect(S.values(indices, as: Int64.self) == [1, 3, 4, 0, 2])
  }

  @Test func alongAxisZeroOfStridedIntegers() {
    // Transposed [3, 2] view of [[5, 1, 5], [2, 9, 0]]: [[5, 2], [1, 9], [5, 0]].
    let x = S.transposed(S.operand([5, 1, 5, 2, 9, 0] as [Int32], [2, 3], .int32))
    let values = S.empty([3, 2], .int32), indices = S.empty([3, 2], .int64)
    SortKernels.sort(x, axis: 0, descending: false, values: values, indices: indices)
    #expect(S.values(values, as: Int32.self) == [1, 0, 5, 2, 5, 9])
    #expect(S.values(indices, as: Int64.self) == [1, 2, 0, 0, 2, 1])
    let flags = S.operand([1, 0, 1, 0] as [UInt8], [4], .bool)
    let fv = S.empty([4], .bool), fi = S.empty([4], .int64)
    SortKernels.sort(flags, axis: 0, descending: true, values: fv, indices: fi)
    #expect(S.values(fi, as: Int64.self) == [0, 2, 1, 3])
  }

  @Test func manyLanesAcrossThreads() {
    let rows = 2000, cols = 50
    let data = (0..<(rows * cols)).map { Int64(($0 * 7919) % 23) }
    let values = S.empty([rows, cols], .int64), indices = S.empty([rows, cols], .int64)
    SortKernels.sort(S.operand(data, [rows, cols], .int64), axis: 1, descending: false,
                     values: values, indices: indices)
    let v = S.values(values, as: Int64.self), i = S.values(indices, as: Int64.self)
    for r in 0..<rows {
      let lane = Array(data[(r * cols)..<((r + 1) * cols)])
      let order = lane.indices.sorted { (lane[$0], $0) < (lane[$1], $1) }
      #expect(Array(i[(r * cols)..<((r + 1) * cols)]) == order.map { Int64($0) })
      #expect(Array(v[(r * cols)..<((r + 1) * cols)]) == order.map { lane[$0] })
    }
  }
}
