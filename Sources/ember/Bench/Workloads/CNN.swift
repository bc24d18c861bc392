import Ember

/// The CNN of `../shared/bench/README.md`: 1×28×28 → Conv(1→32, 3) + ReLU + MaxPool 2 → Conv(32→64,
/// 3) + ReLU + MaxPool 2 → Flatten → Linear(1600→128) + ReLU → Linear(128→10).
private func benchCNN() -> Sequential {
  Sequential {
    Conv2D(1, 32, kernelSize: 3)
    ReLU()
    MaxPool2D(2)
    Conv2D(32, 64, kernelSize: 3)
    ReLU()
    MaxPool2D(2)
    Flatten()
    Linear(1600, 128)
    ReLU()
    Linear(128, 10)
  }
}

/// Multiply-adds ×2 of one sample's forward pass through the CNN (convolutions as im2col products).
private let cnnForwardFlops: Double = 2 * Double(26 * 26 * 32 * 9 + 11 * 11 * 64 * 288 + 1600 * 128 + 128 * 10)

extension BenchWorkload {
  /// One Adam training step of the CNN at batch 128.
  static let cnn = BenchWorkload(
    name: "cnn", summary: "CNN (2 conv blocks, 1600-128-10) train step, batch 128, Adam (samples/s)"
  ) {
    Random.seed(0)
    let batchSize = 128
    let model = benchCNN()
    let optimizer = Adam(learningRate: 1e-3)
    let pool = (0..<4).map { _ in
      (Tensor.normal([batchSize, 1, 28, 28]), Tensor.randomIntegers([batchSize], in: 0..<10))
    }
    var step = 0
    let timing = Timing.measure(warmup: 5, minSamples: 20, minSeconds: 6) {
      let batch = pool[step % pool.count]
      step += 1
      withLearningPhase(.training) {
        let loss = crossEntropy(logits: model(batch.0), labels: batch.1)
        optimizer.update(model, along: loss.backward())
      }
    }
    return .object(timing.stepMetrics(batchSize: batchSize, flopsPerSample: 3 * cnnForwardFlops))
  }

  /// The CNN's forward pass in inference mode at batch 1024.
  static let cnnInfer = BenchWorkload(
    name: "cnn_infer", summary: "CNN forward, inference, batch 1024 (samples/s)"
  ) {
    Random.seed(0)
    let batchSize = 1024
    let model = benchCNN()
    let pool = (0..<2).map { _ in Tensor.normal([batchSize, 1, 28, 28]) }
    var step = 0
    let timing = Timing.measure(warmup: 3, minSamples: 10, minSeconds: 6) {
      let batch = pool[step % pool.count]
      step += 1
      let logits = withoutGradients { model(batch) }
      logits.backend.synchronize()
    }
    return .object(timing.stepMetrics(batchSize: batchSize, flopsPerSample: cnnForwardFlops))
  }
}
