import Ember

/// The MLP of `../shared/bench/README.md`: 784-512-512-10 with ReLU.
private func benchMLP() -> Sequential {
  Sequential {
    Linear(784, 512)
    ReLU()
    Linear(512, 512)
    ReLU()
    Linear(512, 10)
  }
}

/// A pool of `count` synthetic batches (random float32 inputs, random class labels), cycled.
private func batchPool(count: Int = 4, batchSize: Int) -> [(inputs: Tensor, labels: Tensor)] {
  (0..<count).map { _ in
    (Tensor.normal([batchSize, 784]), Tensor.randomIntegers([batchSize], in: 0..<10))
  }
}

extension BenchWorkload {
  /// One Adam training step (forward, cross-entropy, backward, update) of the MLP at batch 128.
  static let mlp = BenchWorkload(
    name: "mlp", summary: "MLP 784-512-512-10 train step, batch 128, Adam (samples/s)"
  ) {
    Random.seed(0)
    let batchSize = 128
    let model = benchMLP()
    let optimizer = Adam(learningRate: 1e-3)  // not the demo's hand-written Adam
    let pool = batchPool(batchSize: batchSize)
    var step = 0
    let timing = Timing.measure(warmup: 10, minSamples: 30, minSeconds: 6) {
      let batch = pool[step % pool.count]
      step += 1
      withLearningPhase(.training) {
        let loss = crossEntropy(logits: model(batch.inputs), labels: batch.labels)
        optimizer.update(model, along: loss.backward())
      }
    }
    return .object(timing.stepMetrics(batchSize: batchSize, flopsPerSample: 3 * mlpForwardFlops))
  }

  /// The MLP's forward pass in inference mode at batch 1024.
  static let mlpInfer = BenchWorkload(
    name: "mlp_infer", summary: "MLP 784-512-512-10 forward, inference, batch 1024 (samples/s)"
  ) {
    Random.seed(0)
    let batchSize = 1024
    let model = benchMLP()
    let pool = batchPool(batchSize: batchSize)
    var step = 0
    let timing = Timing.measure(warmup: 10, minSamples: 30, minSeconds: 6) {
      let batch = pool[step % pool.count]
      step += 1
      let logits = withoutGradients { model(batch.inputs) }
      logits.backend.synchronize()
    }
    return .object(timing.stepMetrics(batchSize: batchSize, flopsPerSample: mlpForwardFlops))
  }
}

/// Multiply-adds ×2 of one sample's forward pass through the MLP (a train step counts 3×: forward,
/// input gradient, weight gradient), as `anchors.py` counts them.
private let mlpForwardFlops: Double = 2 * Double(784 * 512 + 512 * 512 + 512 * 10)

extension Timing {
  /// The model workloads' metrics: samples/s at the median step, the step times in ms and, given
  /// the matrix flops of one sample, the GFLOP/s those samples/s make.
  func stepMetrics(batchSize: Int, flopsPerSample: Double? = nil) -> [(key: String, value: JSONValue)] {
    var metrics: [(key: String, value: JSONValue)] = [
      ("samples_per_s", .number(Double(batchSize) / median)),
      ("step_ms_median", .number(median * 1e3)),
      ("step_ms_min", .number(min * 1e3)),
      ("step_ms_max", .number(max * 1e3)),
      ("samples", .number(Double(samples))),
    ]
    if let flopsPerSample {
      metrics.append(("gflops", .number(Double(batchSize) / median * flopsPerSample / 1e9)))
    }
    return metrics
  }
}
