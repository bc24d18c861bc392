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
}
