import Ember
import Foundation

/// `ember train logistic-regression`: tells MNIST's zeros from its ones with nothing but tensors.
///
/// A teaching example: no layers, no loss function, no optimizer class. The model is a weight
/// and a bias marked `requiringGradient()`; the probability is `σ(x·wᵀ + b)`; the binary
/// cross-entropy is written out; `loss.backward()` gives the gradients; and each step is
/// `w ← w − η·∂loss/∂w`, done by hand.
enum LogisticRegressionRecipe: Recipe {
  static let name = "logistic-regression"
  static let summary = "MNIST 0 vs 1 with raw tensors and gradient steps by hand"
  static let defaults = Hyperparameters(
    epochs: 3, batchSize: 128, learningRate: 0.1, optimizer: nil)

  /// The two classes: the digits 0 and 1.
  static let classNames = ["0", "1"]

  /// The probability that each row of `x` (`[batch, 784]`) is a 1: `σ(x·wᵀ + b)`, `[batch]`.
  static func probability(_ x: Tensor, weight: Tensor, bias: Tensor) -> Tensor {
    (x.matmul(weight.transposed()) + bias).squeezed(axis: 1).sigmoid()
  }

  /// The mean binary cross-entropy `−mean(y·log p + (1 − y)·log(1 − p))` of probabilities
  /// `p` against labels `y` (0 or 1, any dtype). `p` is kept in `[1e-7, 1 − 1e-7]` so both logs
  /// stay finite; `backward()` differentiates every op of it.
  static func binaryCrossEntropy(_ p: Tensor, _ labels: Tensor) -> Tensor {
    let y = labels.cast(to: p.dtype)
    let q = p.clamped(min: 1e-7, max: 1 - 1e-7)
    return -(y * q.log() + (1 - y) * (1 - q).log()).mean()
  }

  static func train(_ settings: TrainingSettings) throws {
    Random.seed(settings.seed)
    let (epochs, batchSize, learningRate) = (
      settings.hyperparameters.epochs, settings.hyperparameters.batchSize,
      settings.hyperparameters.learningRate)
    let train = try zerosAndOnes(.train, settings.dataDirectory, download: settings.download)
    let test = try zerosAndOnes(.test, settings.dataDirectory, download: settings.download)
    let count = train.count
    print("MNIST zeros and ones: \(TestReport.grouped(count)) training and "
      + "\(TestReport.grouped(test.count)) test images; logistic regression on 784 pixels")
    print("Gradient descent by hand: learning rate \(learningRate), batch \(batchSize), "
      + "\(epochs) epochs, seed \(settings.seed)")
    try SupervisedTraining.createDirectory(settings.output)

    // The whole model: a weight [1, 784] (PyTorch's Linear layout) and a bias [1], both leaves
    // of the autograd graph.
    var weight = Tensor.zeros([1, 784]).requiringGradient()
    var bias = Tensor.zeros([1]).requiringGradient()

    var history = ["epoch,loss,accuracy"]
    let steps = (count + batchSize - 1) / batchSize
    var progress = EpochProgress(epochs: epochs, stepsPerEpoch: steps)
    for epoch in 1...epochs {
      progress.begin(epoch: epoch)
      let order = Tensor.randomPermutation(count)  // a seeded shuffle
      let images = train.inputs.indexSelect(axis: 0, indices: order)
      let labels = train.targets.indexSelect(axis: 0, indices: order)
      var lossSum = 0.0, correct = 0.0
      for step in 0..<steps {
        let rows = (step * batchSize)..<min((step + 1) * batchSize, count)
        let x = images[rows], y = labels[rows]

        let p = probability(x, weight: weight, bias: bias)  // forward
        let loss = binaryCrossEntropy(p, y)
        let grads = loss.backward()  // ∂loss/∂w and ∂loss/∂b
        withoutGradients {
          // The step, outside the graph; the new values become fresh leaves.
          weight = (weight - learningRate * grads[weight]!).requiringGradient()
          bias = (bias - learningRate * grads[bias]!).requiringGradient()
        }

        lossSum += loss.item * Double(rows.count)
        correct += p.detached().greater(0.5).cast(to: .float32).equal(y.cast(to: .float32))
          .cast(to: .float32).sum().item
        progress.update(step: step + 1, loss: lossSum / Double(rows.upperBound))
      }
      let (meanLoss, accuracy) = (lossSum / Double(count), correct / Double(count))
      progress.end(loss: meanLoss, accuracy: accuracy)
      history.append("\(epoch - 1),\(meanLoss),\(accuracy)")
    }

    print(report(weight: weight, bias: bias, test: test).text)
    let info = CheckpointInfo(
      recipe: name, task: .classification, layerSizes: [784, 1], classNames: classNames,
      seed: settings.seed)
    try SafeTensors.write(
      ["weight": weight.detached(), "bias": bias.detached()], metadata: info.metadata,
      to: settings.checkpointURL)
    do {
      try (history.joined(separator: "\n") + "\n").write(
        to: settings.historyURL, atomically: true, encoding: .utf8)
    } catch {
      throw TrainingError.unwritableOutput(
        path: settings.historyURL.path, reason: error.localizedDescription)
    }
    print("Saved \(settings.checkpointURL.path) and \(settings.historyURL.path)")
  }

  static func evaluate(_ checkpoint: LoadedCheckpoint, settings: EvaluationSettings) throws {
    // All or nothing: exactly these two tensors, with these shapes.
    let expected = ["bias": [1], "weight": [1, 784]]
    for (key, shape) in expected.sorted(by: { $0.key < $1.key }) {
      guard let tensor = checkpoint.tensors[key] else {
        throw TrainingError.checkpointMismatch(
          file: checkpoint.url.path, reason: "missing tensor '\(key)' of shape \(shape)")
      }
      guard tensor.shape == shape, tensor.dtype.isFloatingPoint else {
        throw TrainingError.checkpointMismatch(
          file: checkpoint.url.path,
          reason: "'\(key)' is \(tensor.dtype) \(tensor.shape), expected floating-point \(shape)")
      }
    }
    if let extra = Set(checkpoint.tensors.keys).subtracting(expected.keys).sorted().first {
      throw TrainingError.checkpointMismatch(
        file: checkpoint.url.path, reason: "unexpected tensor '\(extra)'")
    }
    let test = try zerosAndOnes(.test, settings.dataDirectory, download: settings.download)
    print("Model: \(name), 785 parameters")
    print(report(
      weight: checkpoint.tensors["weight"]!.cast(to: .float32),
      bias: checkpoint.tensors["bias"]!.cast(to: .float32), test: test).text)
  }

  /// The test accuracy, loss and confusion matrix.
  private static func report(
    weight: Tensor, bias: Tensor, test: TensorDataset
  ) -> (text: String, metrics: [String: Double]) {
    TestReport.classification(
      test: test, classNames: classNames,
      predict: { probability($0, weight: weight.detached(), bias: bias.detached()) },
      loss: { binaryCrossEntropy($0, $1) })
  }

  /// The images of zeros and ones in one split of MNIST, `[N, 784]`, and their labels, `[N]` int64.
  static func zerosAndOnes(
    _ split: DatasetSplit, _ dataDirectory: URL?, download: Bool
  ) throws -> TensorDataset {
    let mnist = try MNIST(
      split: split, dataDirectory: dataDirectory, flattened: true, download: download)
    let labels = mnist.labels.scalars(as: Int64.self)
    let keep = Tensor(labels.indices.filter { labels[$0] <= 1 })
    return TensorDataset(
      inputs: mnist.images.indexSelect(axis: 0, indices: keep),
      targets: mnist.labels.indexSelect(axis: 0, indices: keep))
  }
}
