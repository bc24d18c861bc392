import Ember

extension BenchWorkload {
  /// One training step of `cifar10`'s residual network (the anchor network of `torch_cifar10.py`
  /// with skips) at batch 256: SGD with Nesterov momentum and weight decay, label smoothing 0.2.
  static let resnet = BenchWorkload(
    name: "resnet",
    summary: "cifar10 residual network (32-64-128) train step, batch 256, SGD (samples/s)"
  ) {
    Random.seed(0)
    let batchSize = 256
    let network = ResidualNetwork.anchor(residual: true)
    let model = network.build()
    let optimizer = SGD(learningRate: 0.05, momentum: 0.9, nesterov: true, weightDecay: 5e-4)
    let pool = (0..<2).map { _ in
      (Tensor.normal([batchSize, 3, 32, 32]), Tensor.randomIntegers([batchSize], in: 0..<10))
    }
    var step = 0
    let timing = Timing.measure(warmup: 2, minSamples: 8, minSeconds: 10) {
      let batch = pool[step % pool.count]
      step += 1
      withLearningPhase(.training) {
        let loss = crossEntropy(logits: model(batch.0), labels: batch.1, labelSmoothing: 0.2)
        optimizer.update(model, along: loss.backward())
      }
    }
    return .object(timing.stepMetrics(batchSize: batchSize, flopsPerSample: 3 * network.forwardFlops))
  }
}

extension BenchWorkload {
  /// `cifar10`'s validation pass: the residual network's forward in inference phase (batch
  /// normalization with running statistics, no augmentation, no gradients) at batch 1000.
  static let resnetInfer = BenchWorkload(
    name: "resnet_infer",
    summary: "cifar10 residual network forward, inference, batch 1000 (samples/s)"
  ) {
    Random.seed(0)
    let batchSize = 1000
    let network = ResidualNetwork.anchor(residual: true)
    let model = network.build()
    let pool = (0..<2).map { _ in Tensor.normal([batchSize, 3, 32, 32]) }
    var step = 0
    let timing = Timing.measure(warmup: 1, minSamples: 5, minSeconds: 8) {
      let batch = pool[step % pool.count]
      step += 1
      let logits = withoutGradients { withLearningPhase(.inference) { model(batch) } }
      logits.backend.synchronize()
    }
    return .object(timing.stepMetrics(batchSize: batchSize, flopsPerSample: network.forwardFlops))
  }
}
