import EmberBackend
import Foundation
import Testing

@testable import EmberCPU

struct SoftmaxTests {
  typealias S = TestSupport

  /// Softmax (or log-softmax) of each lane of row-major `values` along `axis`, in Double.
  static func reference(_ values: [Double], shape: [Int], axis: Int, log: Bool) -> [Double] {
    let strides = Layout.contiguousStrides(for: shape)
    var result = values
    for start in 0..<values.count where (start / strides[axis]) % shape[axis] == 0 {
      let lane = (0..<shape[axis]).map { start + $0 * strides[axis] }
      let m = lane.map { values[$0] }.max()!
      let sum = lane.map { Foundation.exp(values[$0] - m) }.reduce(0, +)
      for i in lane {
        result[i] = log ? values[i] - m - Foundation.log(sum) : Foundation.exp(values[i] - m) / sum
      }
    }
    return result
  }

  @Test(arguments: [false, true])
  func contiguousRowsMatchReference(log: Bool) {
    for cols in [1, 7, 8, 16, 37, 1024] {
      let rows = 5
      let values = S.randomFloats(rows * cols, in: -20...20, seed: UInt64(cols))
      let out = S.empty([rows, cols], .float32)
      SoftmaxKernels.softmax(S.operand(values.map { Float($0) }, [rows, cols], .float32), axis: 1,
                             log: log, to: out)
      let expected = Self.reference(values.map { Double(Float($0)) }, shape: [rows, cols], axis: 1,
                                    log: log)
      let got = S.values(out, as: Float.self)
      for i in 0..<got.count {
        #expect(S.close(Double(got[i]), expected[i], 2e-6), "cols \(cols) at \(i)")
      }
    }
  }

  @Test func largeValuesDoNotOverflow() {
    let out = S.empty([1, 3], .float32)
    SoftmaxKernels.softmax(S.operand([1000, 1000, -1000] as [Float], [1, 3], .float32), axis: 1,
                           log: false, to: out)
    #expect(S.values(out, as: Float.self) == [0.5, 0.5, 0])
    SoftmaxKernels.softmax(S.operand([1000, 1000, 999] as [Float], [1, 3], .float32), axis: 1,
                           log: true, to: out)
    let l = S.values(out, as: Float.self)
    #expect(l.allSatisfy { $0.isFinite } && S.close(Double(l[2]) - Double(l[0]), -1, 1e-6))
  }

  @Test(arguments: [false, true])
  func otherAxesStridesAndFloat64(log: Bool) {
    let shape = [3, 4, 5]
    let values = S.randomFloats(60, in: -4...4)
    for axis in 0..<3 {
      let out = S.empty(shape, .float64)
      SoftmaxKernels.softmax(S.operand(values, shape, .float64), axis: axis, log: log, to: out)
      let expected = Self.reference(values, shape: shape, axis: axis, log: log)
      let got = S.values(out, as: Double.self)
      for i in 0..<60 { #expect(S.close(got[i], expected[i], 1e-13), "axis \(axis) at \(i)") }
    }
    // A transposed float32 input along its last axis (not contiguous: the general path).
    let t = S.transposedOperand(values.map { Float($0) }, rows: 6, cols: 10, .float32)
    let out = S.empty([6, 10], .float32)
    SoftmaxKernels.softmax(t, axis: 1, log: log, to: out)
    let expected = Self.reference(values.map { Double(Float($0)) }, shape: [6, 10], axis: 1,
                                  log: log)
    let got = S.values(out, as: Float.self)
    for i in 0..<60 { #expect(S.close(Double(got[i]), expected[i], 2e-6)) }
  }

  @Test func manyRowsAcrossThreads() {
    let rows = 2048, cols = 33
    let values = S.randomFloats(rows * cols, in: -10...10)
    let out = S.empty([rows, cols], .float32)
    SoftmaxKernels.softmax(S.operand(values.map { Float($0) }, [rows, cols], .float32), axis: 1,
                           log: false, to: out)
    let expected = Self.reference(values.map { Double(Float($0)) }, shape: [rows, cols], axis: 1,
                                  log: false)
    let got = S.values(out, as: Float.self)
    var worst = 0.0
    for i in 0..<got.count { worst = Swift.max(worst, Swift.abs(Double(got[i]) - expected[i])) }
    #expect(worst < 1e-6)
  }
}
