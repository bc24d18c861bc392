import EmberCore
import EmberNN
import Testing

@testable import EmberOptim

@Suite struct AdagradTests {
  @Test func converges() { expectConverges(Adagrad(learningRate: 0.5)) }

  // Reference values from torch.optim.Adagrad (torch 2.x), p = [1, -2, 0.5].
  @Test func stepsMatchTorch() {
    expectSteps(
      Adagrad(learningRate: 0.1),
      [[0.8999999762, -1.8999999762, 0.4000000060], [0.9970142245, -1.9928476811, 0.3359815776]])
  }

  @Test func decayWeightDecayAndAccumulatorMatchTorch() {
    expectSteps(
      Adagrad(
        learningRate: 0.1, learningRateDecay: 0.5, weightDecay: 0.1, initialAccumulatorValue: 0.2),
      [[0.9591751695, -1.9333332777, 0.4383684397], [0.9943333864, -1.9636740685, 0.4077320099]])
  }
}
