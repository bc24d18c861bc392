import Ember

extension BenchWorkload {
  /// `ember train mnist-mlp`'s loop without the disk: the recipe's model (dropout 0.2 after each
  /// hidden ReLU), Adam, the accuracy metric and a shuffling `DataLoader` over 60,000 synthetic
  /// images, through `Trainer.fit` with the validation pass; samples/s of the whole epoch, to set
  /// against `mlp` (the bare step).
  static let trainLoop = BenchWorkload(
    name: "train_loop",
    summary: "mnist-mlp's Trainer.fit epoch (dropout, metric, loader, validation), batch 128 (samples/s)"
  ) {
    Random.seed(0)
    let model = multilayerPerceptron(sizes: [784, 512, 512, 10], dropout: 0.2)
    let images = Tensor.uniform([60_000, 784], in: 0.0...1.0)
    let labels = Tensor.randomIntegers([60_000], in: 0..<10)
    let validation = DataLoader(
      TensorDataset(inputs: images[0..<10_000], targets: labels[0..<10_000]), batchSize: 1000)
    let train = DataLoader(TensorDataset(inputs: images, targets: labels), batchSize: 128, shuffle: true, seed: 0)
    let trainer = Trainer(
      model: model, loss: { crossEntropy(logits: $0, labels: $1) },
      optimizer: Adam(learningRate: 1e-3), metrics: [Accuracy()])
    let epoch = Timing.measure(warmup: 1, minSamples: 3, minSeconds: 6, maxSamples: 20) {
      _ = try! trainer.fit(train, epochs: 1, validation: validation)
    }
    return .object([
      ("samples_per_s", .number(60_000 / epoch.median)),
      ("step_ms_median", .number(epoch.median / Double(train.count) * 1e3)),
      ("epoch_s_median", .number(epoch.median)),
      ("epoch_s_min", .number(epoch.min)),
      ("epochs", .number(Double(epoch.samples))),
    ])
  }
}
