import EmberCore
import EmberData
import EmberNN
import EmberOptim
import Foundation
import Testing

@testable import EmberTrain

/// Three Gaussian blobs in the plane, 30 points each, labels `int64`; the same for the same seed.
func blobs(seed: UInt64 = 3, perClass: Int = 30) -> TensorDataset {
  var generator = RandomGenerator(seed: seed)
  let centers: [[Double]] = [[0, 3], [3, -2], [-3, -2]]
  var points: [Tensor] = []
  var labels: [Int64] = []
  for (label, center) in centers.enumerated() {
    let noise = Tensor.normal([perClass, 2], standardDeviation: 0.7, using: &generator)
    points.append(noise + Tensor(center.map { Float($0) }))
    labels += Array(repeating: Int64(label), count: perClass)
  }
  return TensorDataset(inputs: Tensor.concat(points), targets: Tensor(labels))
}

/// A small MLP for `blobs`, its parameters drawn from a local generator (tests run in parallel
/// and share the default one).
func classifier(seed: UInt64 = 1) -> Sequential {
  let model = Sequential { Linear(2, 16); ReLU(); Linear(16, 3) }
  var generator = RandomGenerator(seed: seed)
  for layer in model.layers { (layer as? Linear)?.resetParameters(using: &generator) }
  return model
}

/// A trainer of `classifier` with cross-entropy, SGD with momentum and accuracy.
func classifierTrainer(seed: UInt64 = 1, learningRate: Double = 0.05) -> Trainer {
  Trainer(
    model: classifier(seed: seed), loss: { crossEntropy(logits: $0, labels: $1) },
    optimizer: SGD(learningRate: learningRate, momentum: 0.9), metrics: [Accuracy()])
}

/// Sets `logs[key]` to `values[epoch]` at each epoch's end, to script what a callback sees, and
/// records the model's state dict after every epoch.
final class ScriptedLogs: Callback {
  let key: String
  let values: [Double]
  private(set) var states: [Int: [String: Tensor]] = [:]

  init(_ key: String, _ values: [Double]) {
    self.key = key
    self.values = values
  }

  func epochEnded(_ epoch: Int, logs: inout [String: Double], trainer: Trainer) {
    logs[key] = values[epoch]
    states[epoch] = trainer.model.stateDict()
  }
}

/// A fresh path in the temporary directory.
func temporaryURL(_ name: String) -> URL {
  FileManager.default.temporaryDirectory
    .appendingPathComponent("ember-train-\(UUID().uuidString)-\(name)")
}

func expectClose(
  _ actual: Double, _ expected: Double, tolerance: Double = 1e-9,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(Swift.abs(actual - expected) <= tolerance, "\(actual) ≠ \(expected)",
          sourceLocation: sourceLocation)
}

func expectEqualStates(
  _ a: [String: Tensor], _ b: [String: Tensor], sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(Set(a.keys) == Set(b.keys), sourceLocation: sourceLocation)
  for (key, value) in a {
    #expect(value.floats == b[key]?.floats, "\(key)", sourceLocation: sourceLocation)
  }
}
