import EmberCore
import EmberNN
import Testing

@testable import EmberOptim

@Suite struct SGDTests {
  @Test func plainSGDConverges() { expectConverges(SGD(learningRate: 0.05)) }

  @Test func momentumSGDConverges() {
    expectConverges(SGD(learningRate: 0.02, momentum: 0.9, nesterov: true))
  }

  // Reference values from torch.optim.SGD (torch 2.x), p = [1, -2, 0.5].
  @Test func plainStepsMatchTorch() {
    expectSteps(SGD(learningRate: 0.1), [[0.99, -1.98, 0.47], [1.03, -2.03, 0.445]])
  }

  @Test func momentumDampeningWeightDecayMatchTorch() {
    expectSteps(
      SGD(learningRate: 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 0.01),
      [[0.9890000224, -1.9780000449, 0.4695000052], [1.0142098665, -2.0014197826, 0.4191274643]])
  }

  @Test func nesterovMatchesTorch() {
    expectSteps(
      SGD(learningRate: 0.1, momentum: 0.9, nesterov: true),
      [[0.9810000062, -1.9620000124, 0.4429999888], [1.0489000082, -2.0408000946, 0.3711999953]])
  }

  @Test func momentumBufferIsTheOnlySlot() {
    #expect(SGD(learningRate: 0.1).slotNames.isEmpty)
    #expect(SGD(learningRate: 0.1, momentum: 0.9).slotNames == ["momentum_buffer"])
  }
}
