import EmberBackend
import Testing

@testable import EmberCPU

struct CopyTests {
  typealias S = TestSupport

  @Test func contiguousCopyKeepsEveryElement() {
    let values: [Float] = (0..<10).map { Float($0) * 1.5 }
    let out = S.empty([2, 5], .float32)
    CopyKernels.copy(S.operand(values, [2, 5], .float32), to: out)
    #expect(S.values(out, as: Float.self) == values)
  }

  @Test func transposedSourceBecomesRowMajor() {
    // Storage [[0, 1, 2], [3, 4, 5]] seen transposed: [[0, 3], [1, 4], [2, 5]].
    let source = S.transposed(S.operand([0, 1, 2, 3, 4, 5] as [Int32], [2, 3], .int32))
    let out = S.empty([3, 2], .int32)
    CopyKernels.copy(source, to: out)
    #expect(S.values(out, as: Int32.self) == [0, 3, 1, 4, 2, 5])
  }

  @Test func offsetAndBroadcastSource() {
    // Element 2 of the buffer broadcast to [2, 3] with stride 0, and row 1 of a [3, 2] offset view.
    let storage: [Double] = [10, 20, 30, 40, 50, 60]
    let broadcast = S.operand(storage, layout: Layout(shape: [2, 3], strides: [0, 0], offset: 2),
                              dtype: .float64)
    let out = S.empty([2, 3], .float64)
    CopyKernels.copy(broadcast, to: out)
    #expect(S.values(out, as: Double.self) == [30, 30, 30, 30, 30, 30])

    let column = S.operand(storage, layout: Layout(shape: [3], strides: [2], offset: 1),
                           dtype: .float64)
    let out2 = S.empty([3], .float64)
    CopyKernels.copy(column, to: out2)
    #expect(S.values(out2, as: Double.self) == [20, 40, 60])
  }

  @Test func stridedDestinationLeavesOtherElementsAlone() {
    // Write a [2, 2] source into columns 1...2 of a [2, 4] buffer.
    let target = S.operand([Float](repeating: -1, count: 8), [2, 4], .float32)
    var slice = target
    slice.layout = Layout(shape: [2, 2], strides: [4, 1], offset: 1)
    CopyKernels.copy(S.operand([1, 2, 3, 4] as [Float], [2, 2], .float32), to: slice)
    #expect(S.values(target, as: Float.self) == [-1, 1, 2, -1, -1, 3, 4, -1])
  }

  @Test func convertsBetweenDTypes() {
    let floats: [Float] = [-2.7, -0.5, 0, 0.5, 3.9, .nan]
    let source = S.operand(floats, [6], .float32)
    let ints = S.empty([6], .int32)
    CopyKernels.copy(source, to: ints)
    #expect(S.values(ints, as: Int32.self) == [-2, 0, 0, 0, 3, 0])
    let bools = S.empty([6], .bool)
    CopyKernels.copy(source, to: bools)
    #expect(S.values(bools, as: UInt8.self) == [1, 1, 0, 1, 1, 1])
    let doubles = S.empty([6], .float64)
    CopyKernels.copy(source, to: doubles)
    let d = S.values(doubles, as: Double.self)
    #expect(d[0] == Double(Float(-2.7)) && d[4] == Double(Float(3.9)) && d[5].isNaN)

    let boolSource = S.operand([0, 1, 1, 0] as [UInt8], [4], .bool)
    let fromBool = S.empty([4], .float32)
    CopyKernels.copy(boolSource, to: fromBool)
    #expect(S.values(fromBool, as: Float.self) == [0, 1, 1, 0])

    let wide = S.operand([-5, 1 << 40, 7] as [Int64], [3], .int64)
    let narrow = S.empty([3], .int32)
    CopyKernels.copy(wide, to: narrow)
    #expect(S.values(narrow, as: Int32.self) == [-5, 0, 7])
    let asDouble = S.empty([3], .float64)
    CopyKernels.copy(wide, to: asDouble)
    #expect(S.values(asDouble, as: Double.self) == [-5, 1_099_511_627_776, 7])
    let intSource = S.operand([-3, 0, 9] as [Int32], [3], .int32)
    let widened = S.empty([3], .int64)
    CopyKernels.copy(intSource, to: widened)
    #expect(S.values(widened, as: Int64.self) == [-3, 0, 9])
  }

  @Test func fillConvertsAndRespectsStrides() {
    let f = S.empty([5], .float32)
    CopyKernels.fill(f, with: 2.5)
    #expect(S.values(f, as: Float.self) == [2.5, 2.5, 2.5, 2.5, 2.5])
    let i = S.empty([3], .int64)
    CopyKernels.fill(i, with: -7.9)
    #expect(S.values(i, as: Int64.self) == [-7, -7, -7])
    let b = S.empty([2], .bool)
    CopyKernels.fill(b, with: 0.25)
    #expect(S.values(b, as: UInt8.self) == [1, 1])
    let target = S.operand([Int32](repeating: 0, count: 6), [2, 3], .int32)
    var column = target
    column.layout = Layout(shape: [2], strides: [3], offset: 1)
    CopyKernels.fill(column, with: 4)
    #expect(S.values(target, as: Int32.self) == [0, 4, 0, 0, 4, 0])
  }

  @Test func largeTransposedCopyAcrossThreads() {
    let rows = 300, cols = 500
    let values = (0..<(rows * cols)).map { Float($0) }
    let source = S.transposedOperand(values, rows: rows, cols: cols, .float32)
    let out = S.empty([rows, cols], .float32)
    CopyKernels.copy(source, to: out)
    #expect(S.values(out, as: Float.self) == values)
    let big = S.operand(values, [rows * cols], .float32)
    let out2 = S.empty([rows * cols], .float64)
    CopyKernels.copy(big, to: out2)
    #expect(S.values(out2, as: Double.self) == values.map { Double($0) })
  }
}
