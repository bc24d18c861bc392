import EmberBackend
import Testing

@testable import EmberCPU

struct IndexingTests {
  typealias S = TestSupport

  @Test func gatherAlongEachAxis() {
    // x = [[1, 2, 3], [4, 5, 6]]
    let x = S.operand([1, 2, 3, 4, 5, 6] as [Float], [2, 3], .float32)
    let index1 = S.operand([2, 0, 1, 1] as [Int64], [2, 2], .int64)
    let out1 = S.empty([2, 2], .float32)
    IndexingKernels.gather(x, axis: 1, index: index1, to: out1)
    #expect(S.values(out1, as: Float.self) == [3, 1, 5, 5])
    let index0 = S.operand([1, 0, 1] as [Int64], [1, 3], .int64)
    let out0 = S.empty([1, 3], .float32)
    IndexingKernels.gather(x, axis: 0, index: index0, to: out0)
    #expect(S.values(out0, as: Float.self) == [4, 2, 6])
  }

  @Test func gatherFromStridedInputsOfEveryWidth() {
    // Transposed x: [[1, 4], [2, 5], [3, 6]] as int64, with a broadcast index column.
    let x = S.transposed(S.operand([1, 2, 3, 4, 5, 6] as [Int64], [2, 3], .int64))
    let index = S.operand([1] as [Int64], layout: Layout(shape: [3, 2], strides: [0, 0]),
                          dtype: .int64)
    let out = S.empty([3, 2], .int64)
    IndexingKernels.gather(x, axis: 1, index: index, to: out)
    #expect(S.values(out, as: Int64.self) == [4, 4, 5, 5, 6, 6])
    let flags = S.operand([1, 0, 0, 1] as [UInt8], [4], .bool)
    let picked = S.empty([3], .bool)
    IndexingKernels.gather(flags, axis: 0, index: S.operand([3, 1, 0] as [Int64], [3], .int64),
                           to: picked)
    #expect(S.values(picked, as: UInt8.self) == [1, 0, 1])
  }

  @Test func scatterAddAccumulatesDuplicates() {
    let out = S.operand([Double](repeating: 1, count: 6), [2, 3], .float64)
    let source = S.operand([1, 2, 3, 4] as [Double], [2, 2], .float64)
    let index = S.operand([0, 0, 2, 1] as [Int64], [2, 2], .int64)
    IndexingKernels.scatterAdd(source, axis: 1, index: index, into: out)
    #expect(S.values(out, as: Double.self) == [4, 1, 1, 1, 5, 4])
    let counts = S.operand([Int32](repeating: 0, count: 3), [3, 1], .int32)
    let ones = S.operand([1] as [Int32], layout: Layout(shape: [5, 1], strides: [0, 0]),
                         dtype: .int32)
    IndexingKernels.scatterAdd(ones, axis: 0,
                               index: S.operand([2, 0, 2, 2, 1] as [Int64], [5, 1], .int64),
                               into: counts)
    #expect(S.values(counts, as: Int32.self) == [1, 1, 3])
  }

  @Test func largeGatherAndScatterAcrossThreads() {
    let rows = 4000, cols = 20
    let values = (0..<(rows * cols)).map { Float($0) }
    let picks = (0..<(rows * 3)).map { Int64(($0 * 7) % cols) }
    let out = S.empty([rows, 3], .float32)
    IndexingKernels.gather(S.operand(values, [rows, cols], .float32), axis: 1,
                           index: S.operand(picks, [rows, 3], .int64), to: out)
    let got = S.values(out, as: Float.self)
    #expect((0..<(rows * 3)).allSatisfy { got[$0] == values[($0 / 3) * cols + Int(picks[$0])] })
    let sums = S.operand([Float](repeating: 0, count: rows * cols), [rows, cols], .float32)
    IndexingKernels.scatterAdd(S.operand([Float](repeating: 1, count: rows * 3), [rows, 3],
                                         .float32),
                               axis: 1, index: S.operand(picks, [rows, 3], .int64), into: sums)
    let s = S.values(sums, as: Float.self)
    var expected = [Float](repeating: 0, count: rows * cols)
    for i in 0..<(rows * 3) { expected[(i / 3) * cols + Int(picks[i])] += 1 }
    #expect(s == expected)
  }

  @Test func outOfRangeIndexTrapsWithMessage() async {
    await #expect(processExitsWith: .failure) {
      let x = TestSupport.operand([1, 2, 3] as [Float], [3], .float32)
      let out = TestSupport.empty([1], .float32)
      IndexingKernels.gather(x, axis: 0, index: TestSupport.operand([3] as [Int64], [1], .int64),
                             to: out)
    }
  }
}
