import EmberCore
import EmberData
import EmberNN
import EmberOptim

/// Trains a model with Keras's `fit` loop: epochs of optimizer steps, with named hooks that
/// callbacks use for history, progress, early stopping, checkpoints and logging.
///
/// ```swift
/// let model = Sequential { Linear(4, 16); ReLU(); Linear(16, 3) }
/// let trainer = Trainer(
///   model: model, loss: { crossEntropy(logits: $0, labels: $1) },
///   optimizer: Adam(learningRate: 1e-3), metrics: [Accuracy()])
/// let history = try trainer.fit(
///   DataLoader(train, batchSize: 32, shuffle: true, seed: 1), epochs: 10,
///   validation: DataLoader(test, batchSize: 256),
///   callbacks: [ProgressBar(), EarlyStopping(monitor: "val_loss", patience: 3)])
/// history["val_accuracy"]  // one value per epoch
/// ```
///
/// A training step runs the forward pass under `withLearningPhase(.training)`, computes
/// `loss(predictions, targets)`, back-propagates and calls `optimizer.update(model, along:)`.
/// The model is a reference: `fit` trains the caller's model in place.
public final class Trainer {
  /// The model being trained.
  public let model: any TensorLayer
  /// Maps `(predictions, targets)` to a scalar loss.
  public let loss: (Tensor, Tensor) -> Tensor
  /// The optimizer that applies each step's gradients.
  public let optimizer: any Optimizer
  /// Metrics reported after each epoch, on the training data and on the validation data.
  public let metrics: [any Metric]

  /// Set by a callback to end training after the current batch and the epoch's end hooks.
  public var stopRequested = false
  /// The epoch running now (counted from 0, continuing from `initialEpoch`).
  public private(set) var epoch = 0
  /// The epoch after which `fit` stops (its `epochs` argument).
  public private(set) var epochs = 0
  /// The batch running now within its epoch (counted from 0).
  public private(set) var batch = 0
  /// Optimizer steps taken since step 0 (`initialEpoch × batchesPerEpoch` when resuming).
  public private(set) var step = 0
  /// Training batches per epoch, when the training data knows its size.
  public private(set) var batchesPerEpoch: Int?
  /// The history of the last (or running) `fit`.
  public private(set) var history = History()
  /// When set, each step's gradients are scaled together to a global L2 norm of at most this
  /// (`clipByGlobalNorm`, like `torch.nn.utils.clip_grad_norm_` or Keras's `global_clipnorm`).
  public var gradientClipNorm: Double?

  /// A trainer for `model` that minimizes `loss(predictions, targets)` with `optimizer`.
  public init(
    model: any TensorLayer, loss: @escaping (Tensor, Tensor) -> Tensor, optimizer: any Optimizer,
    metrics: [any Metric] = []
  ) {
    self.model = model
    self.loss = loss
    self.optimizer = optimizer
    self.metrics = metrics
  }

  // MARK: Training

  /// Trains from epoch `initialEpoch` up to (not including) epoch `epochs`, and returns the
  /// per-epoch logs.
  ///
  /// - Parameters:
  ///   - train: the training batches, iterated once per epoch (a `DataLoader` reshuffles each
  ///     time).
  ///   - epochs: the index of the epoch to stop before, as in Keras: with `initialEpoch: 2` and
  ///     `epochs: 5`, epochs 2, 3 and 4 run.
  ///   - validation: batches evaluated after each epoch, logged as `val_loss` and `val_<metric>`.
  ///   - callbacks: hooks run in order; a `History` is always attached last.
  ///   - initialEpoch: the first epoch to run (to resume from a `TrainingCheckpoint`).
  /// - Throws: what a callback throws (a checkpoint or log file that cannot be written).
  @discardableResult
  public func fit(
    _ train: some Sequence<Batch>, epochs: Int, validation: (any Sequence<Batch>)? = nil,
    callbacks: [any Callback] = [], initialEpoch: Int = 0
  ) throws -> History {
    precondition(
      initialEpoch >= 0 && epochs >= initialEpoch,
      "Trainer.fit: epochs \(epochs) must not be less than initialEpoch \(initialEpoch)")
    history = History()
    let callbacks = callbacks + [history]
    stopRequested = false
    self.epochs = epochs
    batchesPerEpoch = Trainer.batchCount(of: train)
    step = initialEpoch * (batchesPerEpoch ?? 0)

    let device = model.device
    for callback in callbacks { try callback.trainBegan(trainer: self) }
    for epoch in initialEpoch..<epochs {
      self.epoch = epoch
      for callback in callbacks { try callback.epochBegan(epoch, trainer: self) }
      resetMetrics()
      // The running loss stays on the device; it is read only when a callback asks for it.
      var lossSum: Tensor? = nil
      var sampleCount = 0
      batch = 0
      for data in train {
        for callback in callbacks { try callback.batchBegan(batch, trainer: self) }
        let size = Trainer.batchSize(of: data)
        let batchLoss = trainStep(data.on(device)) * Double(size)
        lossSum = lossSum.map { $0 + batchLoss } ?? batchLoss
        sampleCount += size
        let (sum, count) = (lossSum!, sampleCount)
        var logs = BatchLogs(deferred: ["loss"]) { ["loss": sum.item / Double(count)] }
        for callback in callbacks { try callback.batchEnded(batch, logs: &logs, trainer: self) }
        batch += 1
        step += 1
        if stopRequested { break }
      }
      var logs = metricResults()
      logs["loss"] = lossSum.map { $0.item / Double(sampleCount) } ?? .nan
      if let validation {
        for (key, value) in evaluate(validation) { logs["val_" + key] = value }
      }
      for callback in callbacks { try callback.epochEnded(epoch, logs: &logs, trainer: self) }
      if stopRequested { break }
    }
    for callback in callbacks { try callback.trainEnded(trainer: self) }
    return history
  }

  /// One optimizer step on `data`; returns the batch's loss (float64, on the device).
  private func trainStep(_ data: Batch) -> Tensor {
    let (predictions, lossValue) = withLearningPhase(.training) {
      let predictions = model(data.inputs)
      return (predictions, loss(predictions, data.targets))
    }
    precondition(lossValue.count == 1,
                 "Trainer.fit: the loss must be a scalar, got shape \(lossValue.shape)")
    var gradients = lossValue.backward()
    if let gradientClipNorm { gradients = clipByGlobalNorm(gradients, maxNorm: gradientClipNorm).0 }
    withoutGradients {
      optimizer.update(model, along: gradients)
      let detached = predictions.detached()
      for metric in metrics { metric.update(predictions: detached, targets: data.targets) }
    }
    return lossValue.detached().cast(to: .float64).reshaped([])
  }

  // MARK: Evaluation and prediction

  /// The mean loss (`"loss"`) and every metric's results over `data`, in inference phase and
  /// without recording gradients. Resets the metrics first.
  public func evaluate(_ data: any Sequence<Batch>) -> [String: Double] {
    resetMetrics()
    var lossSum: Tensor? = nil
    var sampleCount = 0
    let device = model.device
    withoutGradients {
      withLearningPhase(.inference) {
        for batch in data {
          let batch = batch.on(device)
          let predictions = model(batch.inputs)
          let size = Trainer.batchSize(of: batch)
          let batchLoss = loss(predictions, batch.targets).cast(to: .float64).reshaped([]) * Double(size)
          lossSum = lossSum.map { $0 + batchLoss } ?? batchLoss
          sampleCount += size
          for metric in metrics { metric.update(predictions: predictions, targets: batch.targets) }
        }
      }
    }
    var results = metricResults()
    results["loss"] = lossSum.map { $0.item / Double(sampleCount) } ?? .nan
    return results
  }

  /// The model's outputs for `inputs` (batch on axis 0), computed `batchSize` rows at a time in
  /// inference phase without recording gradients.
  public func predict(_ inputs: Tensor, batchSize: Int = 32) -> Tensor {
    precondition(batchSize > 0, "Trainer.predict: batchSize \(batchSize) must be positive")
    precondition(
      inputs.rank >= 1, "Trainer.predict: inputs of shape \(inputs.shape) have no batch axis")
    let device = model.device
    return withoutGradients {
      withLearningPhase(.inference) {
        let outputs = inputs.split(size: batchSize, axis: 0).map { model($0.to(device)) }
        return outputs.count == 1 ? outputs[0] : Tensor.concat(outputs, axis: 0)
      }
    }
  }

  // MARK: Metrics

  /// Every metric's current results, keyed by name (reads each metric once).
  public func metricResults() -> [String: Double] {
    var results: [String: Double] = [:]
    for metric in metrics {
      for (key, value) in metric.results { results[key] = value }
    }
    return results
  }

  /// The names that `metricResults()` reports, in the metrics' order (for display).
  public var metricNames: [String] { metrics.flatMap(\.resultNames) }

  private func resetMetrics() {
    for metric in metrics { metric.reset() }
  }

  // MARK: Helpers

  private static func batchSize(of batch: Batch) -> Int {
    batch.inputs.rank == 0 ? 1 : batch.inputs.shape[0]
  }

  private static func batchCount(of data: some Sequence<Batch>) -> Int? {
    if let loader = data as? DataLoader { return loader.count }
    let estimate = data.underestimatedCount
    return estimate > 0 ? estimate : nil
  }
}
