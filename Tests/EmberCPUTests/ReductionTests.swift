import EmberBackend
import Foundation
import Testing

@testable import EmberCPU

struct ReductionTests {
  typealias S = TestSupport

  /// Reduces row-major `values` of `shape` over `axes` with plain loops, in Double.
  static func reference(
    _ op: ReduceOp, _ values: [Double], shape: [Int], axes: [Int]
  ) -> [Double] {
    var outShape = shape
    for axis in axes { outShape[axis] = 1 }
    let outStrides = Layout.contiguousStrides(for: outShape)
    let count = outShape.reduce(1, *)
    var result = [Double?](repeating: nil, count: count)
    var index = [Int](repeating: 0, count: shape.count)
    for value in values {
      var o = 0
      for d in 0..<shape.count where !axes.contains(d) { o += index[d] * outStrides[d] }
      if let acc = result[o] {
        switch op {
        case .sum: result[o] = acc + value
        case .prod: result[o] = acc * value
        case .max: result[o] = acc.isNaN || value.isNaN ? .nan : Swift.max(acc, value)
        case .min: result[o] = acc.isNaN || value.isNaN ? .nan : Swift.min(acc, value)
        default: fatalError()
        }
      } else {
        result[o] = value
      }
      var d = shape.count - 1
      while d >= 0 {
        index[d] += 1
        if index[d] < shape[d] { break }
        index[d] = 0
        d -= 1
      }
    }
    return result.map { $0! }
  }

  static let axisSets: [[Int]] = [[0], [1], [2], [0, 1], [1, 2], [0, 2], [0, 1, 2]]

  @Test(arguments: [ReduceOp.sum, .prod, .max, .min])
  func everyAxisSetAndDType(op: ReduceOp) {
    let shape = [3, 4, 5]
    let values = S.randomFloats(60, in: -2...2).map { ($0 * 4).rounded() / 4 }
    for axes in Self.axisSets {
      var outShape = shape
      for axis in axes { outShape[axis] = 1 }
      let expected = Self.reference(op, values, shape: shape, axes: axes)
      let f64 = S.empty(outShape, .float64)
      ReductionKernels.reduce(op, S.operand(values, shape, .float64), axes: axes, to: f64)
      let got = S.values(f64, as: Double.self)
      for i in 0..<expected.count {
        #expect(S.close(got[i], expected[i], 1e-12), "\(op) over \(axes) at \(i)")
      }
      let f32 = S.empty(outShape, .float32)
      ReductionKernels.reduce(
        op, S.operand(values.map { Float($0) }, shape, .float32), axes: axes, to: f32)
      let got32 = S.values(f32, as: Float.self)
      for i in 0..<expected.count {
        #expect(S.close(Double(got32[i]), expected[i], 1e-5), "\(op) over \(axes) at \(i)")
      }
      let ints = values.map { Int64($0 * 4) }
      let expectedInts = Self.reference(op, ints.map { Double($0) }, shape: shape, axes: axes)
      if op != .prod {
        let i64 = S.empty(outShape, .int64)
        ReductionKernels.reduce(op, S.operand(ints, shape, .int64), axes: axes, to: i64)
        #expect(S.values(i64, as: Int64.self) == expectedInts.map { Int64($0) }, "\(op) \(axes)")
        let i32 = S.empty(outShape, .int32)
        ReductionKernels.reduce(
          op, S.operand(ints.map { Int32($0) }, shape, .int32), axes: axes, to: i32)
        #expect(S.values(i32, as: Int32.self) == expectedInts.map { Int32($0) }, "\(op) \(axes)")
      }
    }
  }

  @Test func transposedAndBroadcastInputs() {
    let values: [Double] = (0..<12).map { Double($0) * 0.5 - 2 }
    // Row-major [4, 3] values seen through a transposed view of [3, 4] storage.
    let x = S.transposedOperand(values, rows: 4, cols: 3, .float64)
    for axes in [[0], [1], [0, 1]] {
      var outShape = [4, 3]
      for axis in axes { outShape[axis] = 1 }
      let out = S.empty(outShape, .float64)
      ReductionKernels.reduce(.sum, x, axes: axes, to: out)
      #expect(S.values(out, as: Double.self)
              == Self.reference(.sum, values, shape: [4, 3], axes: axes), "axes \(axes)")
    }
    // A [3] row broadcast to [5, 3] (stride 0), offset 1 into its buffer.
    let row = S.operand(
      [9, 1, 2, 3] as [Float], layout: Layout(shape: [5, 3], strides: [0, 1], offset: 1),
                        dtype: .float32)
    let out = S.empty([1, 3], .float32)
    ReductionKernels.reduce(.sum, row, axes: [0], to: out)
    #expect(S.values(out, as: Float.self) == [5, 10, 15])
  }

  @Test func maxAndMinPropagateNaN() {
    let x = S.operand([1, .nan, 3, -1, 0, 2] as [Float], [2, 3], .float32)
    let out = S.empty([2, 1], .float32)
    ReductionKernels.reduce(.max, x, axes: [1], to: out)
    let m = S.values(out, as: Float.self)
    #expect(m[0].isNaN && m[1] == 2)
    ReductionKernels.reduce(.min, x, axes: [1], to: out)
    let n = S.values(out, as: Float.self)
    #expect(n[0].isNaN && n[1] == -1)
    let column = S.empty([1, 3], .float32)
    ReductionKernels.reduce(.max, x, axes: [0], to: column)
    let c = S.values(column, as: Float.self)
    #expect(c[0] == 1 && c[1].isNaN && c[2] == 3)
  }

  @Test func argmaxAndArgminTakeFirstTieAndNaN() {
    let x = S.operand([1, 5, 5, 0, 2, 0, -1, -1, .nan, 4, .nan, 9] as [Double], [3, 4], .float64)
    let rows = S.empty([3, 1], .int64)
    ReductionKernels.reduce(.argmax, x, axes: [1], to: rows)
    #expect(S.values(rows, as: Int64.self) == [1, 0, 0])  // row 2 starts with NaN
    ReductionKernels.reduce(.argmin, x, axes: [1], to: rows)
    #expect(S.values(rows, as: Int64.self) == [3, 2, 0])
    let columns = S.empty([1, 4], .int64)
    ReductionKernels.reduce(.argmax, x, axes: [0], to: columns)
    #expect(S.values(columns, as: Int64.self) == [2, 0, 2, 2])
    let ints = S.transposed(S.operand([3, 7, 7, 1, 3, 0] as [Int32], [2, 3], .int32))  // [3, 2]
    let out = S.empty([3, 1], .int64)
    ReductionKernels.reduce(.argmin, ints, axes: [1], to: out)
    #expect(S.values(out, as: Int64.self) == [1, 1, 1])  // rows [3, 1], [7, 3], [7, 0]
  }

  @Test func largeSumsAcrossThreads() {
    let rows = 300, cols = 1000
    let values = S.randomFloats(rows * cols, in: -1...1).map { Float($0) }
    let x = S.operand(values, [rows, cols], .float32)
    let doubles = values.map { Double($0) }
    let all = S.empty([1, 1], .float32)
    ReductionKernels.reduce(.sum, x, axes: [0, 1], to: all)
    #expect(S.close(Double(S.values(all, as: Float.self)[0]), doubles.reduce(0, +), 1e-4))
    let flat = S.empty([1], .float32)
    ReductionKernels.reduce(.sum, S.operand(values, [rows * cols], .float32), axes: [0], to: flat)
    #expect(S.close(Double(S.values(flat, as: Float.self)[0]), doubles.reduce(0, +), 1e-4))
    let perRow = S.empty([rows, 1], .float32)
    ReductionKernels.reduce(.sum, x, axes: [1], to: perRow)
    let rowSums = S.values(perRow, as: Float.self)
    for r in 0..<rows {
      let expected = doubles[(r * cols)..<((r + 1) * cols)].reduce(0, +)
      #expect(S.close(Double(rowSums[r]), expected, 1e-5))
    }
    let perColumn = S.empty([1, cols], .float32)
    ReductionKernels.reduce(.sum, x, axes: [0], to: perColumn)
    let columnSums = S.values(perColumn, as: Float.self)
    let maxColumn = S.empty([1, cols], .float32)
    ReductionKernels.reduce(.max, x, axes: [0], to: maxColumn)
    let columnMax = S.values(maxColumn, as: Float.self)
    for c in 0..<cols {
      let column = (0..<rows).map { doubles[$0 * cols + c] }
      #expect(S.close(Double(columnSums[c]), column.reduce(0, +), 1e-5))
      #expect(Double(columnMax[c]) == column.max()!)
    }
    let all64 = S.empty([1, 1], .float64)
    ReductionKernels.reduce(.sum, S.operand(doubles, [rows, cols], .float64), axes: [0, 1],
                            to: all64)
    #expect(S.close(S.values(all64, as: Double.self)[0], doubles.reduce(0, +), 1e-12))
  }
}
