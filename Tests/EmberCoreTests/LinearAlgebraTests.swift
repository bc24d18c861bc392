import EmberBackend
import EmberTestSupport
import Foundation
import Testing

@testable import EmberCore

@Suite struct LinearAlgebraTests {
  /// `[B, T, H, D]` values 0, 1, 2, … scaled, and the same product on contiguous copies.
  @Test func transposedBatchViewsMultiplyInPlace() {
    let backend = HostMemoryBackend.named(10)  // counted by this test alone
    let (b, t, h, d) = (2, 5, 3, 4)
    let x = Tensor(testValues(b * t * h * d, in: -1...1, seed: 3), shape: [b, t, h, d]).to(backend.device)
    let y = Tensor(testValues(b * t * h * d, in: -1...1, seed: 4), shape: [b, t, h, d]).to(backend.device)
    let q = x.transposed(1, 2)  // [B, H, T, D], a strided view
    let k = y.transposed(1, 2)
    #expect(!q.isContiguous)
    let before = backend.memoryStatistics.allocations
    let scores = q.matmul(k.transposed(2, 3))  // [B, H, T, T]
    #expect(backend.memoryStatistics.allocations - before == 1, "only the output is allocated")
    let reference = q.contiguous().matmul(k.contiguous().transposed(2, 3).contiguous())
    #expect(scores.shape == [b, h, t, t])
    expectClose(scores.doubles, reference.doubles, tolerance: 1e-5)
  }

  @Test func broadcastBatchAxesUseStrideZero() {
    let a = Tensor(testValues(2 * 1 * 3 * 4, in: -1...1, seed: 5), shape: [2, 1, 3, 4])
    let b = Tensor(testValues(3 * 4 * 2, in: -1...1, seed: 6), shape: [3, 4, 2])
    let c = a.matmul(b)
    #expect(c.shape == [2, 3, 3, 2])
    let expanded = a.expanded(to: [2, 3, 3, 4]).contiguous().matmul(b.expanded(to: [2, 3, 4, 2]).contiguous())
    expectClose(c.doubles, expanded.doubles, tolerance: 1e-6)
  }

  @Test func addmmComputesBetaInputPlusAlphaProduct() {
    let input = Tensor([[1, 2], [3, 4]])
    let a = Tensor([[1, 0, 2], [0, 1, 1]]), b = Tensor([[1, 1], [2, 0], [0, 3]])
    // a·b = [[1, 7], [2, 3]]
    #expect(Tensor.addmm(input, a, b, beta: 0.5, alpha: 2).doubles == [2.5, 15, 5.5, 8])
    #expect(Tensor.addmm(Tensor([10, 20]), a, b).doubles == [11, 27, 12, 23])  // broadcast row
    // beta 0 ignores NaN in the input, as BLAS does
    #expect(Tensor.addmm(Tensor.full([2, 2], .nan), a, b, beta: 0).doubles == [1, 7, 2, 3])
    let i64 = Tensor.addmm(Tensor([[1, 1], [1, 1]], dtype: .int64), a.cast(to: .int64), b.cast(to: .int64), beta: 2, alpha: 3)
    #expect(i64.scalars(as: Int64.self) == [5, 23, 8, 11])
  }

  @Test(arguments: InputLayout.allCases) func addmmGradient(layout: InputLayout) {
    checkGradients("addmm", shapes: [[3, 2], [3, 4], [4, 2]], range: -2...2, layout: layout) {
      Tensor.addmm($0[0], $0[1], $0[2], beta: 0.5, alpha: -1.5)
    }
    checkGradients("addmm batched broadcast input", shapes: [[2], [2, 3, 4], [4, 2]], range: -2...2, layout: layout) {
      Tensor.addmm($0[0], $0[1], $0[2], beta: 2, alpha: 0.5)
    }
  }

  @Test(arguments: InputLayout.allCases) func stridedBatchMatmulGradient(layout: InputLayout) {
    checkGradients("matmul of transposed batch views", shapes: [[2, 3, 2, 4], [2, 3, 2, 4]], range: -2...2, layout: layout) {
      $0[0].transposed(1, 2).matmul($0[1].transposed(1, 2).transposed(2, 3))
    }
  }
}
