import Ember
import Foundation

/// `ember train fashion-mnist-mlp`: the network of `mnist-mlp` on Fashion-MNIST's ten kinds of
/// clothing (about 89% test accuracy: a harder problem than digits).
enum FashionMNISTMLPRecipe: SupervisedRecipe {
  static let name = "fashion-mnist-mlp"
  static let summary = "the mnist-mlp network on Fashion-MNIST clothing images"
  static let defaults = MNISTMLPRecipe.defaults

  static func prepare(_ settings: TrainingSettings) throws -> SupervisedProblem {
    let (train, test) = try (
      FashionMNIST(split: .train, dataDirectory: settings.dataDirectory, flattened: true,
                   download: settings.download),
      FashionMNIST(split: .test, dataDirectory: settings.dataDirectory, flattened: true,
                   download: settings.download))
    return MNISTMLPRecipe.problem(
      recipe: name, dataset: "Fashion-MNIST", classNames: FashionMNIST.classNames,
      train: train.dataset, test: test.dataset)
  }

  static func testSet(
    for info: CheckpointInfo, settings: EvaluationSettings
  ) throws -> any Dataset {
    try FashionMNIST(split: .test, dataDirectory: settings.dataDirectory, flattened: true,
                     download: settings.download).dataset
  }
}
