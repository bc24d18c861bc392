import EmberCore
import EmberNN
import Testing

@testable import EmberOptim

@Suite struct RMSPropTests {
  @Test func converges() { expectConverges(RMSProp(learningRate: 0.01, alpha: 0.9)) }

  @Test func centeredMomentumConverges() {
    expectConverges(RMSProp(learningRate: 0.01, momentum: 0.5, centered: true))
  }

  // Reference values from torch.optim.RMSprop (torch 2.x), p = [1, -2, 0.5].
  @Test func stepsMatchTorch() {
    expectSteps(
      RMSProp(learningRate: 0.01, alpha: 0.9),
      [[0.9683772326, -1.9683772326, 0.4683772326], [0.9991464615, -1.9979428053, 0.4475076497]])
  }

  @Test func centeredMomentumWeightDecayMatchTorch() {
    expectSteps(
      RMSProp(learningRate: 0.01, alpha: 0.9, momentum: 0.5, centered: true, weightDecay: 0.1),
      [[0.9666666985, -1.9666666985, 0.4666666687], [0.9769707322, -1.9697582722, 0.4266083241]])
  }

  @Test func slotsFollowTheOptions() {
    #expect(RMSProp().slotNames == ["square_avg"])
    #expect(RMSProp(momentum: 0.9, centered: true).slotNames
      == ["square_avg", "momentum_buffer", "grad_avg"])
  }
}
