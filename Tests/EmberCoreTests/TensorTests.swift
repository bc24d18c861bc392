import EmberBackend
import Foundation
import Testing

@testable import EmberCore

@Suite struct CreationTests {
  @Test func fromArraysAndLiterals() {
    let a = Tensor([1, 2, 3, 4, 5, 6] as [Float], shape: [2, 3])
    #expect(a.shape == [2, 3] && a.dtype == .float32)
    #expect(a.floats == [1, 2, 3, 4, 5, 6])
    let ints: Tensor = [[1, 2], [3, 4]]
    #expect(ints.dtype == .int64 && ints.shape == [2, 2])
    #expect(ints.scalars(as: Int.self) == [1, 2, 3, 4])
    let floats: Tensor = [[1, 2.5], [3, 4]]
    #expect(floats.dtype == .float32 && floats.floats == [1, 2.5, 3, 4])
    let bools: Tensor = [true, false]
    #expect(bools.dtype == .bool && bools.scalars(as: Bool.self) == [true, false])
    let cube: Tensor = [[[1], [2]], [[3], [4]]]
    #expect(cube.shape == [2, 2, 1])
    #expect(Tensor([[1, 2], [3, 4]]).dtype == .float32)
    #expect(Tensor([[1, 2], [3, 4]], dtype: .float64).doubles == [1, 2, 3, 4])
    #expect(Tensor(2.5).shape == [] && Tensor(2.5).item == 2.5)
  }

  @Test func filledTensors() {
    #expect(Tensor.zeros([2, 2]).floats == [0, 0, 0, 0])
    #expect(Tensor.ones([3], dtype: .int32).scalars(as: Int32.self) == [1, 1, 1])
    #expect(Tensor.full([2], 7, dtype: .float64).doubles == [7, 7])
    let like = Tensor.zeros(like: Tensor.ones([2, 3], dtype: .float64))
    #expect(like.shape == [2, 3] && like.dtype == .float64)
    #expect(Tensor.eye(2, 3).floats == [1, 0, 0, 0, 1, 0])
  }

  @Test func ranges() {
    let r = Tensor.arange(0, 5)
    #expect(r.dtype == .int64 && r.scalars(as: Int.self) == [0, 1, 2, 3, 4])
    #expect(Tensor.arange(1, 2, step: 0.25).floats == [1, 1.25, 1.5, 1.75])
    #expect(Tensor.arange(5, 0, step: -2).scalars(as: Int.self) == [5, 3, 1])
    #expect(Tensor.linspace(0, 1, count: 5).floats == [0, 0.25, 0.5, 0.75, 1])
  }

  @Test func readBack() {
    let t = Tensor([1.5, -2.5], shape: [2])
    #expect(t.dtype == .float64)
    #expect(t.scalars(as: Int32.self) == [1, -2])
    #expect(Tensor([3] as [Int32]).item(as: Int.self) == 3)
  }
}

@Suite struct ElementwiseSemanticsTests {
  @Test func integerDivisionGivesFloat() {
    let q = Tensor([7, -7] as [Int]) / Tensor([2, 2] as [Int])
    #expect(q.dtype == .float32 && q.floats == [3.5, -3.5])
  }

  @Test func floorDivisionAndRemainderFollowPython() {
    let a = Tensor([7, -7, 7, -7] as [Int]), b = Tensor([2, 2, -2, -2] as [Int])
    #expect(a.floorDivided(by: b).scalars(as: Int.self) == [3, -4, -4, 3])
    #expect(a.remainder(b).scalars(as: Int.self) == [1, 1, -1, -1])
    let x = Tensor([7.5, -7.5] as [Float])
    #expect(x.floorDivided(by: Tensor([2] as [Float])).floats == [3, -4])
    #expect(x.remainder(Tensor([2] as [Float])).floats == [1.5, 0.5])
  }

  @Test func scalarsDoNotPromote() {
    let x = Tensor([1, 2] as [Float])
    #expect((x * 2.5).dtype == .float32)
    let i = Tensor([1, 2] as [Int32])
    #expect((i + 1).dtype == .int32)
    #expect((i * 0.5).dtype == .float32)
    #expect((Tensor([1] as [Int32]) + Tensor([1.0])).dtype == .float64)
  }

  @Test func comparisonsAndLogic() {
    let a = Tensor([1, 2, 3] as [Float]), b = Tensor([3, 2, 1] as [Float])
    #expect(a.less(b).scalars(as: Bool.self) == [true, false, false])
    #expect(a.greaterEqual(b).scalars(as: Bool.self) == [false, true, true])
    #expect(a.equal(2).scalars(as: Bool.self) == [false, true, false])
    let p = a.greater(1), q = b.greater(1)
    #expect(p.logicalAnd(q).scalars(as: Bool.self) == [false, true, false])
    #expect(p.logicalOr(q).scalars(as: Bool.self) == [true, true, true])
    #expect(p.logicalXor(q).scalars(as: Bool.self) == [true, false, true])
    #expect(p.logicalNot().scalars(as: Bool.self) == [true, false, false])
    #expect(Tensor.where(p, a, b).floats == [3, 2, 3])
    #expect(p.any() && !p.all())
  }

  @Test func sigmoidDoesNotOverflow() {
    let s = Tensor([-1000, 0, 1000] as [Float]).sigmoid().floats
    #expect(s == [0, 0.5, 1])
    let sp = Tensor([-1000, 1000] as [Float]).softplus().floats
    #expect(sp[0] == 0 && sp[1] == 1000)
  }

  @Test func softmaxIsStable() {
    let s = Tensor([1000, 1000] as [Float]).softmax().floats
    #expect(s == [0.5, 0.5])
    let l = Tensor([0, -1000] as [Float]).logSoftmax().floats
    #expect(l[0] == 0 && l[1] == -1000)
    #expect(Tensor([1000, 1000] as [Float]).logSumExp().item > 1000.69)
  }

  @Test func absAndSignOnIntegers() {
    let i = Tensor([-3, 0, 4] as [Int])
    #expect(i.abs().scalars(as: Int.self) == [3, 0, 4])
    #expect(i.sign().scalars(as: Int.self) == [-1, 0, 1])
    #expect((-i).scalars(as: Int.self) == [3, 0, -4])
  }
}

@Suite struct ReductionSemanticsTests {
  let x = Tensor([[1, 5, 3], [4, 2, 6]] as [[Double]], dtype: .float32)

  @Test func sums() {
    #expect(x.sum().item == 21)
    #expect(x.sum(axis: 0).floats == [5, 7, 9])
    #expect(x.sum(axis: -1, keepDims: true).shape == [2, 1])
    #expect(x.mean(axis: 1).floats == [3, 4])
    #expect(Tensor([1, 2, 3] as [Int]).sum().dtype == .int64)
    #expect(Tensor([true, false, true]).cast(to: .int64).sum().item == 2)
  }

  @Test func extremaAndArgs() {
    #expect(x.max().item == 6 && x.min().item == 1)
    #expect(x.max(axis: 1).floats == [5, 6])
    #expect(x.argmax(axis: 1).scalars(as: Int.self) == [1, 2])
    #expect(x.argmin(axis: 0).scalars(as: Int.self) == [0, 1, 0])
    #expect(x.argmax().item == 5)
    #expect(Tensor([2, 7, 7] as [Float]).argmax().item == 1)  // first on ties
  }

  @Test func statistics() {
    let v = Tensor([2, 4, 4, 4, 5, 5, 7, 9] as [Double])
    #expect(Swift.abs(v.variance(correction: 0).item - 4) < 1e-12)
    #expect(Swift.abs(v.standardDeviation(correction: 0).item - 2) < 1e-12)
    #expect(Swift.abs(v.variance().item - 32.0 / 7) < 1e-12)
    #expect(Tensor([1, 2, 3, 4] as [Float]).prod().item == 24)
    #expect(Swift.abs(Tensor([0, 0] as [Double]).logSumExp().item - Foundation.log(2)) < 1e-12)
  }
}

@Suite struct ViewTests {
  @Test func viewsShareStorage() {
    let base = Tensor((0..<12).map(Float.init), shape: [3, 4])
    let t = base.transposed()
    #expect(t.buffer === base.buffer && !t.isContiguous)
    #expect(t.shape == [4, 3] && t.floats[0..<3] == [0, 4, 8])
    let r = base.reshaped([2, -1])
    #expect(r.buffer === base.buffer && r.shape == [2, 6])
    #expect(base.view([12]).buffer === base.buffer)
    let e = Tensor([1, 2, 3] as [Float]).expanded(to: [2, 3])
    #expect(e.strides == [0, 1] && e.floats == [1, 2, 3, 1, 2, 3])
  }

  @Test func reshapeOfTransposedCopies() {
    let base = Tensor((0..<6).map(Float.init), shape: [2, 3])
    let flat = base.transposed().reshaped([-1])
    #expect(flat.floats == [0, 3, 1, 4, 2, 5])
    #expect(flat.isContiguous)
  }

  @Test func slicing() {
    let x = Tensor((0..<20).map(Float.init), shape: [4, 5])
    #expect(x[1].floats == [5, 6, 7, 8, 9])
    #expect(x[-1, -1].item == 19)
    #expect(x[1..<3, 2].floats == [7, 12])
    #expect(x[.all, .stride(0, nil, by: 2)].shape == [4, 3])
    #expect(x[.all, .stride(0, nil, by: 2)][1].floats == [5, 7, 9])
    #expect(x[(-2)..., ..<2].floats == [10, 11, 15, 16] as [Float])
    #expect(x[.ellipsis, 0].floats == [0, 5, 10, 15])
    #expect(x[.newAxis].shape == [1, 4, 5])
    #expect(x[0...1, 3...].floats == [3, 4, 8, 9])
    #expect(x[1][2...].buffer === x.buffer)
  }

  @Test func squeezeUnsqueezeFlatten() {
    let x = Tensor.zeros([2, 1, 3])
    #expect(x.squeezed().shape == [2, 3])
    #expect(x.squeezed(axis: 1).shape == [2, 3])
    #expect(x.unsqueezed(axis: 0).shape == [1, 2, 1, 3])
    #expect(x.unsqueezed(axis: -1).shape == [2, 1, 3, 1])
    #expect(x.flattened().shape == [6])
    #expect(Tensor.zeros([2, 3, 4]).flattened(startAxis: 1).shape == [2, 12])
    #expect(Tensor.zeros([2, 3, 4]).permuted([2, 0, 1]).shape == [4, 2, 3])
  }

  @Test func matmulShapes() {
    #expect(Tensor.ones([3]).matmul(Tensor.ones([3])).shape == [])
    #expect(Tensor.ones([2, 3]).matmul(Tensor.ones([3])).shape == [2])
    #expect(Tensor.ones([3]).matmul(Tensor.ones([3, 4])).shape == [4])
    #expect(Tensor.ones([5, 1, 2, 3]).matmul(Tensor.ones([4, 3, 6])).shape == [5, 4, 2, 6])
    let i = Tensor([[1, 2], [3, 4]] as [[Double]], dtype: .int64)
    #expect(i.matmul(i).scalars(as: Int.self) == [7, 10, 15, 22])
    let a = Tensor([[1, 2, 3], [4, 5, 6]] as [[Double]])
    #expect(a.matmul(a.transposed()).floats == [14, 32, 32, 77])
  }
}
