import EmberBackend
import EmberCPU
import EmberTestSupport
import Testing

@testable import EmberCore

@Suite struct DropoutTests {
  let position = PhiloxPosition(key: 0x1234_5678_9ABC, stream: 1, word: 40)

  @Test func sameMaskOnAnyThreadCount() {
    let x = Tensor.ones([300, 257])
    let saved = Parallel.threadCount
    Parallel.threadCount = 1
    let one = x.dropout(probability: 0.3, position: position).doubles
    Parallel.threadCount = 2
    let two = x.dropout(probability: 0.3, position: position).doubles
    Parallel.threadCount = saved
    #expect(one == two)
    let zeros = Double(one.filter { $0 == 0 }.count) / Double(one.count)
    #expect(abs(zeros - 0.3) < 0.01)
    #expect(one.allSatisfy { $0 == 0 || abs($0 - 1 / 0.7) < 1e-6 })
  }

  /// The mask keeps element `e` iff word `position.word + e` < ⌊(1 − p)·2³²⌋.
  @Test func maskFollowsTheBernoulliRule() {
    let x = Tensor.ones([1000])
    let keep = x.dropout(probability: 0.25, position: position).doubles.map { $0 != 0 }
    let program = FusedProgram(
      instructions: [.bernoulli(probabilityScalar: 0)], results: [0], dtype: .float32)
    let bits = Tensor.launchFused(
      "bernoulli", program, scalars: [0.75], inputs: [], shape: [1000], random: position)[0]
    #expect(keep == bits.doubles.map { $0 != 0 })
  }

  @Test func backwardRegeneratesTheMask() {
    let x = Tensor.uniform([40, 30], in: 1...2).requiringGradient()
    let y = x.dropout(probability: 0.4, position: position)
    let g = y.sum().backward()[x]!
    // dX = mask/(1 − p) = y / x
    expectClose(g.doubles, zip(y.doubles, x.doubles).map { $0 / $1 }, tolerance: 1e-6, "dropout")
  }

  @Test(arguments: InputLayout.allCases)
  func gradient(_ layout: InputLayout) {
    let position = self.position
    checkGradients("dropout", shapes: [[6, 7]], range: -2...2, layout: layout) {
      $0[0].dropout(probability: 0.5, position: position)
    }
  }

  @Test func secondDerivativeFlowsThroughTheRecordedMask() {
    let x = Tensor.uniform([50], in: 1...2, dtype: .float64).requiringGradient()
    let first = (x.dropout(probability: 0.5, position: position) * x).sum()
      .backward(createGraph: true)[x]!
    let gg = first.sum().backward()[x]!.doubles
    // d/dx Σ m·x²/(1 − p) = 2·m/(1 − p)·x, whose derivative is 2·m/(1 − p).
    let mask = Tensor.ones([50], dtype: .float64).dropout(probability: 0.5, position: position).doubles
    expectClose(gg, mask.map { 2 * $0 }, tolerance: 1e-12, "dropout second derivative")
  }
}
