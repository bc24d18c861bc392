import EmberBackend
import EmberCore
import Testing

@testable import EmberNN

@Suite struct DropoutTests {
  @Test func harness() {
    checkLayer("Dropout", input: [4, 5], output: [4, 5], parameterNames: [], parameterCount: 0) { _ in
      Dropout(probability: 0.3)
    }
  }

  @Test func isTheIdentityDuringInference() {
    let x = Tensor.uniform([8, 16], in: -1...1)
    let y = Dropout(probability: 0.5)(x)
    #expect(y.doubles == x.doubles)
  }

  @Test func zeroesAboutPAndScalesTheRestWhileTraining() {
    let p = 0.3
    let x = Tensor.ones([200, 100])
    let y = withLearningPhase(.training) { Dropout(probability: p)(x) }.doubles
    let zeros = y.filter { $0 == 0 }.count
    let fraction = Double(zeros) / Double(y.count)
    #expect(abs(fraction - p) < 0.02, "zeroed fraction \(fraction)")  // σ ≈ 0.0046
    #expect(y.allSatisfy { $0 == 0 || abs($0 - 1 / (1 - p)) < 1e-6 })
  }

  @Test func gradientFollowsTheMask() {
    let x = Tensor.ones([50, 20]).requiringGradient()
    let y = withLearningPhase(.training) { Dropout(probability: 0.5)(x) }
    let grads = y.sum().backward()
    #expect(grads[x]!.doubles == y.doubles)  // dX = mask / (1 − p) = y for x = 1
  }

  @Test func extremeProbabilities() {
    let x = Tensor.uniform([10, 10], in: 1...2)
    withLearningPhase(.training) {
      #expect(Dropout(probability: 0)(x).doubles == x.doubles)
      #expect(Dropout(probability: 1)(x).doubles.allSatisfy { $0 == 0 })
    }
  }
}
