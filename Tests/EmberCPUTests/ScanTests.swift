import EmberBackend
import Testing

@testable import EmberCPU

struct ScanTests {
  typealias S = TestSupport

  /// Cumulative sums of row-major `values` of `shape` along `axis`, with plain loops.
  static func reference(_ values: [Double], shape: [Int], axis: Int) -> [Double] {
    let stride = Layout.contiguousStrides(for: shape)[axis]
    var result = values
    for i in 0..<values.count where (i / stride) % shape[axis] != 0 {
      result[i] = result[i - stride] + values[i]
    }
    return result
  }

  @Test func everyAxisAndDType() {
    let shape = [3, 4, 5]
    let values = S.randomFloats(60, in: -5...5).map { $0.rounded() }
    for axis in 0..<3 {
      let expected = Self.reference(values, shape: shape, axis: axis)
      let f64 = S.empty(shape, .float64)
      ScanKernels.cumsum(S.operand(values, shape, .float64), axis: axis, to: f64)
      #expect(S.values(f64, as: Double.self) == expected, "axis \(axis)")
      let f32 = S.empty(shape, .float32)
      ScanKernels.cumsum(S.operand(values.map { Float($0) }, shape, .float32), axis: axis, to: f32)
      #expect(S.values(f32, as: Float.self) == expected.map { Float($0) }, "axis \(axis)")
      let i32 = S.empty(shape, .int32)
      ScanKernels.cumsum(S.operand(values.map { Int32($0) }, shape, .int32), axis: axis, to: i32)
      #expect(S.values(i32, as: Int32.self) == expected.map { Int32($0) }, "axis \(axis)")
      let i64 = S.empty(shape, .int64)
      ScanKernels.cumsum(S.operand(values.map { Int64($0) }, shape, .int64), axis: axis, to: i64)
      #expect(S.values(i64, as: Int64.self) == expected.map { Int64($0) }, "axis \(axis)")
    }
  }

  @Test func stridedInputs() {
    let values: [Double] = (0..<12).map { Double($0) }
    let t = S.transposedOperand(values, rows: 3, cols: 4, .float64)
    for axis in 0..<2 {
      let out = S.empty([3, 4], .float64)
      ScanKernels.cumsum(t, axis: axis, to: out)
      #expect(S.values(out, as: Double.self) == Self.reference(values, shape: [3, 4], axis: axis))
    }
    let broadcast = S.operand([2] as [Int64], layout: Layout(shape: [2, 3], strides: [0, 0]),
                              dtype: .int64)
    let out = S.empty([2, 3], .int64)
    ScanKernels.cumsum(broadcast, axis: 0, to: out)
    #expect(S.values(out, as: Int64.self) == [2, 2, 2, 4, 4, 4])
  }

  @Test func largeScansAcrossThreads() {
    let rows = 600, cols = 200
    let values = (0..<(rows * cols)).map { Double($0 % 13) - 6 }
    for axis in 0..<2 {
      let out = S.empty([rows, cols], .float32)
      ScanKernels.cumsum(S.operand(values.map { Float($0) }, [rows, cols], .float32), axis: axis,
                         to: out)
      let expected = Self.reference(values, shape: [rows, cols], axis: axis).map { Float($0) }
      #expect(S.values(out, as: Float.self) == expected, "axis \(axis)")
    }
  }
}
