import EmberBackend
import EmberTestSupport
import Foundation
import Testing

@testable import EmberCore

/// The fused primitive as tensors use it: scalars as operands, and the fused activations against
/// their composed formulas (the oracles).
@Suite struct FusedTests {
  /// The least increase of the backend's allocation count over `body`, tried until it reaches
  /// `bound` (other tests run concurrently and only add to the count; at most 20 s).
  func leastAllocations(reaching bound: Int, _ body: () -> Void) -> Int {
    let backend = Tensor.zeros([1]).backend
    var least = Int.max
    let start = ContinuousClock.now
    while least > bound && ContinuousClock.now - start < .seconds(20) {
      let before = backend.memoryStatistics.allocations
      body()
      least = min(least, backend.memoryStatistics.allocations - before)
    }
    return least
  }

  @Test func scalarOperandsAllocateOnlyTheOutput() {
    let x = Tensor.uniform([64, 32], in: 0.5...2)
    let ops: [(String, (Tensor) -> Tensor)] = [
      ("x * 0.5", { $0 * 0.5 }), ("x + 1", { $0 + 1 }), ("1 - x", { 1 - $0 }), ("x / 2", { $0 / 2 }),
      ("2 / x", { 2 / $0 }), ("x.less(1)", { $0.less(1) }), ("x.maximum(1)", { $0.maximum(1) }),
      ("x.minimum(1)", { $0.minimum(1) }), ("x.pow(2)", { $0.pow(2) }),
      ("clamp", { $0.clamped(min: 0.7, max: 1.5) }), ("where", { Tensor.where($0.greater(1), $0, 0) }),
    ]
    for (name, op) in ops.prefix(10) {
      #expect(leastAllocations(reaching: 1) { _ = op(x) } == 1, "\(name)")
    }
    // `where` with a scalar: the condition and the output.
    #expect(leastAllocations(reaching: 2) { _ = ops[10].1(x) } == 2)
  }

  @Test func scalarOperandsKeepWeakScalarDTypes() {
    let ints = Tensor([1, 2, 3] as [Int64])
    #expect((ints * 0.5).dtype == .float32)
    #expect((ints * 0.5).doubles == [0.5, 1, 1.5])
    #expect((ints * 2).dtype == .int64)
    #expect((ints + 1).doubles == [2, 3, 4])
    #expect((ints / 2).dtype == .float32)
    #expect(ints.less(2.5).dtype == .bool)
    #expect(ints.less(2.5).doubles == [1, 1, 0])
    let halves = Tensor([0.25, 0.5] as [Double])
    #expect((halves * 3).dtype == .float64)
    #expect((1 - halves).doubles == [0.75, 0.5])
    #expect((Tensor([1, 4] as [Float]) / 4).dtype == .float32)
    #expect(Tensor([true, false]).cast(to: .bool).logicalNot().cast(to: .float32).doubles == [0, 1])
  }

  @Test func scalarOperandGradients() {
    for layout in InputLayout.allCases {
      checkGradients("scalar ops", shapes: [[3, 4]], range: 0.5...2, layout: layout) { v in
        let x = v[0]
        return (2 - x) * 3 + 1 / x - x / 4 + x.pow(1.5) + x.maximum(1.2) + x.minimum(0.9)
          + Tensor.where(x.greater(1), x, 0.5) + Tensor.where(x.less(1), 2, x)
      }
    }
  }

  /// The fused GELU and SiLU against their composed formulas, forward and backward.
  @Test(arguments: [DType.float32, .float64], [false, true])
  func fusedActivationsMatchComposedFormulas(dtype: DType, approximate: Bool) {
    let values = testValues(3000, in: -6...6, seed: 3)
    let x = Tensor(values, shape: [60, 50]).cast(to: dtype).requiringGradient()
    let seed = Tensor(testValues(3000, in: -1...1, seed: 4), shape: [60, 50]).cast(to: dtype)
    func composedGELU(_ x: Tensor) -> Tensor {
      if approximate {
        let inner = (x + x * x * x * 0.044715) * 0.7978845608028654
        return x * 0.5 * (inner.tanh() + 1)
      }
      return x * 0.5 * ((x * 0.7071067811865476).erf() + 1)
    }
    let cases: [(String, (Tensor) -> Tensor, (Tensor) -> Tensor)] = [
      ("gelu", { $0.gelu(approximate: approximate) }, composedGELU),
      ("silu", { $0.silu() }, { $0 * $0.sigmoid() }),
    ]
    let tolerance = dtype == .float32 ? 1e-6 : 1e-12
    for (name, fused, composed) in cases {
      let y = fused(x), z = composed(x)
      #expect(y.dtype == dtype)
      expectClose(y.doubles, z.doubles, tolerance: tolerance, "\(name) forward")
      let dy = y.backward(seed: seed)[x]!, dz = z.backward(seed: seed)[x]!
      expectClose(dy.doubles, dz.doubles, tolerance: tolerance * 2, "\(name) backward")
    }
  }

  /// Pullbacks are recorded with `createGraph`: second derivatives through the fused activations.
  @Test func secondDerivativesOfFusedActivations() {
    let x = Tensor([-1.3, -0.2, 0.4, 1.7] as [Double]).requiringGradient()
    let cases: [(String, (Tensor) -> Tensor, (Double) -> Double)] = [
      ("gelu", { $0.gelu() }, { x in  // (2 − x²)·φ(x)
        (2 - x * x) * Foundation.exp(-x * x / 2) / (2 * Double.pi).squareRoot()
      }),
      ("silu", { $0.silu() }, { x in
        let s = 1 / (1 + Foundation.exp(-x))
        return s * (1 - s) * (2 + x * (1 - 2 * s))
      }),
      ("sigmoid", { $0.sigmoid() }, { x in
        let s = 1 / (1 + Foundation.exp(-x))
        return s * (1 - s) * (1 - 2 * s)
      }),
    ]
    for (name, f, second) in cases {
      let first = f(x).sum().backward(createGraph: true)[x]!
      let gg = first.sum().backward()[x]
      expectClose(gg?.doubles ?? [0, 0, 0, 0], x.doubles.map(second), tolerance: 1e-9, name)
    }
    // The tanh-approximate GELU against a central difference of its first derivative.
    let h = 1e-5
    let first = x.gelu(approximate: true).sum().backward(createGraph: true)[x]!
    let gg = first.sum().backward()[x]!.doubles
    let plus = (x.detached() + h).requiringGradient(), minus = (x.detached() - h).requiringGradient()
    let dPlus = plus.gelu(approximate: true).sum().backward()[plus]!.doubles
    let dMinus = minus.gelu(approximate: true).sum().backward()[minus]!.doubles
    expectClose(gg, zip(dPlus, dMinus).map { ($0 - $1) / (2 * h) }, tolerance: 1e-6, "gelu tanh")
  }

  /// ReLU's pullback keeps only the output.
  @Test func reluGradientFromItsOutput() {
    let x = Tensor([-1, 0, 2, -3, 4] as [Float]).requiringGradient()
    let g = x.relu().backward(seed: Tensor([1, 2, 3, 4, 5] as [Float]))[x]!
    #expect(g.doubles == [0, 0, 3, 0, 5])
  }
}
