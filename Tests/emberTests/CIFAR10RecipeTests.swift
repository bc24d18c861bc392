import Ember
import Testing

@testable import ember

/// The training plan of `ember train cifar10`: torch_cifar10.py's optimizer and schedule.
@Suite struct CIFAR10RecipeTests {
  @Test func planIsOneCycleNesterovSGD() throws {
    let hyperparameters = Hyperparameters(epochs: 2, batchSize: 256, learningRate: 0.2, optimizer: .sgd)
    let plan = CIFAR10Recipe.plan(hyperparameters, stepsPerEpoch: 10)
    let sgd = try #require(plan.optimizer as? SGD)
    #expect(sgd.nesterov && sgd.weightDecay == 5e-4)
    #expect(plan.scheduler.perBatch)
    // OneCycleLR(max_lr 0.2, total_steps 20, pct_start 0.25): the values PyTorch gives at step 5.
    #expect(Swift.abs(plan.scheduler.rate(5) - 0.1978147688143403) < 1e-12)
    #expect(Swift.abs(sgd.momentum - 0.8510926199633096) < 1e-12)
    // Label smoothing 0.2 on two classes: the loss of perfectly confident right logits.
    let loss = plan.loss(Tensor([[100.0, -100.0]]), Tensor([0] as [Int64], shape: [1]))
    #expect(Swift.abs(loss.item(as: Double.self) - 0.1 * 200) < 1e-4)
    let adam = CIFAR10Recipe.plan(
      Hyperparameters(epochs: 2, batchSize: 256, learningRate: 0.01, optimizer: .adam), stepsPerEpoch: 10)
    #expect(adam.optimizer is Adam && Swift.abs(adam.scheduler.rate(4) - 0.01) < 1e-12)
  }
}
