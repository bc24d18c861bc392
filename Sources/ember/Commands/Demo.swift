import ArgumentParser
import Dispatch
import Ember

/// `ember demo`: trains a small MLP, written with raw tensor ops, on a synthetic 3-class spiral.
struct Demo: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Train a 2-64-64-3 MLP on a synthetic 3-class spiral and report its accuracy.",
    discussion: """
      The model, softmax cross-entropy and Adam are written with plain tensor ops; gradients come \
      from loss.backward(). Runs in a few seconds in release mode.
      """)

  @Option(help: "Passes over the training set.")
  var epochs = 30

  @Option(help: "Adam's step size.")
  var learningRate = 0.01

  @Option(help: "Seed of Ember's random generator (data, initial weights, shuffling).")
  var seed: UInt64 = 0

  /// Points per class (3 classes) and mini-batch size.
  private static let pointsPerClass = 200, batchSize = 32

  func validate() throws {
    guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1, got \(epochs).") }
    guard learningRate.isFinite, learningRate > 0, learningRate <= 10 else {
      throw ValidationError("--learning-rate must be a number in (0, 10], got \(learningRate).")
    }
  }

  func run() throws {
    Random.seed(seed)
    let data = SpiralDataset(classes: 3, pointsPerClass: Self.pointsPerClass)
    var model = SpiralClassifier(sizes: [2, 64, 64, 3])
    var optimizer = HandWrittenAdam(for: model.parameters, learningRate: learningRate)
    let steps = (data.count + Self.batchSize - 1) / Self.batchSize
    print("Spiral: \(data.count) points, 3 classes; MLP 2-64-64-3 (tanh), "
      + "\(model.parameters.reduce(0) { $0 + $1.count }) parameters; Adam, learning rate "
      + "\(learningRate), batch \(Self.batchSize), \(epochs) epochs, seed \(seed)")
    var progress = EpochProgress(epochs: epochs, stepsPerEpoch: steps)
    let start = DispatchTime.now().uptimeNanoseconds

    for epoch in 1...epochs {
      progress.begin(epoch: epoch)
      let order = Tensor.randomPermutation(data.count)  // a seeded shuffle
      let points = data.points.indexSelect(axis: 0, indices: order)
      let labels = data.labels.indexSelect(axis: 0, indices: order)
      var lossSum = 0.0, correct = 0
      for step in 0..<steps {
        let rows = (step * Self.batchSize)..<min((step + 1) * Self.batchSize, data.count)
        let x = points[rows], y = labels[rows]
        let logits = model(x)
        let loss = Self.crossEntropy(logits: logits, labels: y)
        let grads = loss.backward()
        optimizer.update(&model.parameters, along: grads)
        lossSum += loss.item * Double(rows.count)
        correct += Self.correctCount(logits: logits, labels: y)
        progress.update(step: step + 1, loss: lossSum / Double(rows.upperBound))
      }
      let total = Double(data.count)
      progress.end(loss: lossSum / total, accuracy: Double(correct) / total)
    }

    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
    let correct = withoutGradients {
      Self.correctCount(logits: model(data.points), labels: data.labels)
    }
    let accuracy = EpochProgress.format(100 * Double(correct) / Double(data.count), 1)
    print("Train accuracy: \(accuracy)% (\(correct) of \(data.count) points) "
      + "after \(epochs) epochs in \(EpochProgress.format(seconds, 1)) s")
  }

  /// Mean softmax cross-entropy: −mean(log softmax(logits)[i, labels[i]]).
  static func crossEntropy(logits: Tensor, labels: Tensor) -> Tensor {
    let logProbabilities = logits.logSoftmax(axis: -1)  // [batch, classes]
    return -logProbabilities.gathered(axis: 1, index: labels.unsqueezed(axis: 1)).mean()
  }

  /// How many rows of `logits` have their largest value at the row's label.
  static func correctCount(logits: Tensor, labels: Tensor) -> Int {
    Int(logits.detached().argmax(axis: -1).equal(labels).cast(to: .int64).sum().item)
  }
}
