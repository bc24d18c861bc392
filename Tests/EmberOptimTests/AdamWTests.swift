import EmberCore
import EmberNN
import Testing

@testable import EmberOptim

@Suite struct AdamWTests {
  @Test func converges() { expectConverges(AdamW(learningRate: 0.05)) }

  @Test func defaultWeightDecayIsPyTorchs() { #expect(AdamW().weightDecay == 1e-2) }

  // Reference values from torch.optim.AdamW (torch 2.x, weight_decay 0.01), p = [1, -2, 0.5].
  @Test func stepsMatchTorch() {
    expectSteps(
      AdamW(learningRate: 0.01),
      [[0.9898999929, -1.9897999763, 0.4899500012], [0.9953960180, -1.9940232038, 0.4799892902]])
  }

  @Test func decayIsDecoupledFromTheMoments() {
    // With a zero gradient the moments stay zero and only the decay moves p: p·(1 − lr·λ).
    let module = SingleParameter([2])
    var grads = Gradients()
    grads[module.p] = Tensor([0] as [Float])
    let optimizer = AdamW(learningRate: 0.1, weightDecay: 0.5)
    optimizer.update(module, along: grads)
    #expect(abs(module.p.value.floats[0] - 1.9) < 1e-6)
    #expect(optimizer.state(of: module.p)?["exp_avg"]?.floats == [0])
  }
}
