import EmberBackend
import Foundation
import EmberCore
import EmberTestSupport
import Testing

/// `checkpoint`: the same values and gradients as running the body directly — for its inputs and
/// for the leaves it captures — through chains and several outputs, the same dropout masks when it
/// recomputes, second derivatives, and a Float64 gradient check.
@Suite struct CheckpointTests {
  /// An RNN step `h' = tanh(x·W + h·U + b)` of captured leaves.
  struct Step {
    let w = Tensor.normal([3, 4], dtype: .float64).requiringGradient()
    let u = (Tensor.normal([4, 4], dtype: .float64) * 0.5).requiringGradient()
    let b = Tensor.normal([4], dtype: .float64).requiringGradient()
    func callAsFunction(_ x: Tensor, _ h: Tensor) -> Tensor { (x.matmul(w) + h.matmul(u) + b).tanh() }
  }

  @Test func chunkedSequenceHasTheFullGradients() {
    let step = Step()
    let xs = Tensor.normal([40, 2, 3], dtype: .float64)
    let h0 = Tensor.normal([2, 4], dtype: .float64).requiringGradient()
    func run(chunk: Int?) -> (Tensor, Gradients) {
      var h = h0
      var outputs: [Tensor] = []
      for start in stride(from: 0, to: 40, by: chunk ?? 40) {
        let end = start + (chunk ?? 40)
        let body: ([Tensor]) -> [Tensor] = { s in
          var h = s[0]
          var ys: [Tensor] = []
          for t in start..<end { h = step(xs[t], h); ys.append(h) }
          return [h, Tensor.stack(ys)]
        }
        let result = chunk == nil ? body([h]) : checkpoint([h], body)
        h = result[0]
        outputs.append(result[1])
      }
      let loss = (Tensor.concat(outputs).squared().sum() + h.sum())
      return (loss, loss.backward())
    }
    let (full, expected) = run(chunk: nil)
    let (chunked, actual) = run(chunk: 8)
    #expect(abs(full.doubles[0] - chunked.doubles[0]) < 1e-12)
    for (name, leaf) in [("h0", h0), ("W", step.w), ("U", step.u), ("b", step.b)] {
      expectClose(actual[leaf]!.doubles, expected[leaf]!.doubles, tolerance: 1e-10, name)
    }
  }

  @Test func gradientCheck() {
    let step = Step()
    checkGradients("checkpoint", shapes: [[2, 3], [2, 4]], range: -1...1) { t in
      checkpoint([t[0], t[1]]) { s in [step(s[0], step(s[0], s[1]))] }[0]
    }
  }

  /// The recomputation draws the same dropout mask: the gradient of `Σ dropout(x)·3` is `3·mask/(1−p)`,
  /// which the output shows.
  @Test func recomputationRedrawsTheSameDropoutMask() {
    let x = (Tensor.normal([64, 32], dtype: .float64).abs() + 1).requiringGradient()
    let y = withLearningPhase(.training) {
      checkpoint(x) { $0.dropout(probability: 0.5, position: Random.withGenerator { $0.reserve(words: 64 * 32) }) * 3 }
    }
    let g = y.sum().backward()[x]!
    let kept = zip(y.doubles, x.doubles).map { $0.0 / $0.1 }
    expectClose(g.doubles, kept, tolerance: 1e-12)
    #expect(Set(kept.map { ($0 * 1e6).rounded() / 1e6 }) == [0, 6])
  }

  @Test func secondDerivatives() {
    let x = Tensor([0.3, -0.7, 1.1] as [Double]).requiringGradient()
    let y = checkpoint(x) { ($0 * $0 * $0).sum() }
    let dx = y.backward(createGraph: true)[x]!
    expectClose(dx.doubles, x.doubles.map { 3 * $0 * $0 }, tolerance: 1e-12, "first")
    let ddx = dx.sum().backward()[x]!
    expectClose(ddx.doubles, x.doubles.map { 6 * $0 }, tolerance: 1e-12, "second")
  }

  @Test func withoutGradientsItJustRuns() {
    let x = Tensor.normal([3], dtype: .float64).requiringGradient()
    let y = withoutGradients { checkpoint(x) { $0.exp() } }
    #expect(y.gradNode == nil)
    expectClose(y.doubles, x.doubles.map { Foundation.exp($0) }, tolerance: 1e-15)
  }
}
