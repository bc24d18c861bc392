import EmberCore
import EmberNN
import Testing

@testable import EmberOptim

@Suite struct AdamTests {
  @Test func converges() { expectConverges(Adam(learningRate: 0.05)) }

  @Test func amsgradConverges() { expectConverges(Adam(learningRate: 0.05, amsgrad: true)) }

  // Reference values from torch.optim.Adam (torch 2.x), p = [1, -2, 0.5].
  @Test func stepsMatchTorch() {
    expectSteps(
      Adam(learningRate: 0.01),
      [[0.9900000095, -1.9900000095, 0.4900000095], [0.9955950379, -1.9944221973, 0.4800882936]])
  }

  @Test func weightDecayAndAmsgradMatchTorch() {
    expectSteps(
      Adam(learningRate: 0.01, weightDecay: 0.1, amsgrad: true),
      [[0.9900000095, -1.9900000095, 0.4900000095], [0.9924919009, -1.9891227484, 0.4800715744]])
  }

  @Test func slotsAreNamedLikePyTorch() {
    let module = SingleParameter([1, 2])
    var grads = Gradients()
    grads[module.p] = Tensor([0.5, -0.5] as [Float])
    let adam = Adam(amsgrad: true)
    adam.update(module, along: grads)
    #expect(Set(adam.stateDict(for: module).keys)
      == ["step", "lr", "p.step", "p.exp_avg", "p.exp_avg_sq", "p.max_exp_avg_sq"])
  }

  /// The fused CPU loop against the composed ops it replaces (the oracle).
  @Test(arguments: [false, true])
  func fusedKernelMatchesComposedOps(decoupled: Bool) {
    var generator = RandomGenerator(seed: 5)
    let start = Tensor.normal([37, 11], using: &generator)
    let gradients = (0..<4).map { _ in Tensor.normal([37, 11], using: &generator) }
    func run(fused: Bool) -> (Tensor, ParameterState?) {
      let parameter = Parameter(start)
      let optimizer = decoupled
        ? AdamW(learningRate: 0.01, weightDecay: 0.1, amsgrad: true)
        : Adam(learningRate: 0.01, weightDecay: 0.1, amsgrad: true)
      optimizer.usesFusedKernel = fused
      for g in gradients {
        var grads = Gradients()
        grads[parameter] = g
        optimizer.update([parameter], along: grads)
      }
      return (parameter.value, optimizer.state(of: parameter))
    }
    let (fused, fusedState) = run(fused: true)
    let (composed, composedState) = run(fused: false)
    func close(_ a: Tensor?, _ b: Tensor?) -> Bool {
      guard let a, let b else { return false }
      return zip(a.floats, b.floats).allSatisfy { abs($0 - $1) <= 1e-6 * max(1, abs($1)) }
    }
    #expect(close(fused, composed))
    for slot in ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"] {
      #expect(close(fusedState?[slot], composedState?[slot]), "\(slot)")
    }
  }
}
