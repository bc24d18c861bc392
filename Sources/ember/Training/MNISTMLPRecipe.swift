import Ember
import Foundation

/// `ember train mnist-mlp`: the classic 784-512-512-10 MLP (ReLU, dropout 0.2) on MNIST, Adam
/// at 1e-3 with cosine decay, batch 128.
enum MNISTMLPRecipe: SupervisedRecipe {
  static let name = "mnist-mlp"
  static let summary = "784-512-512-10 MLP (ReLU, dropout 0.2) on MNIST digits"
  static let defaults = Hyperparameters(
    epochs: 12, batchSize: 128, learningRate: 1e-3, optimizer: .adam)

  /// The layer widths and dropout of both MNIST recipes.
  static let layerSizes = [784, 512, 512, 10], dropout = 0.2

  static func prepare(_ settings: TrainingSettings) throws -> SupervisedProblem {
    let (train, test) = try (
      MNIST(split: .train, dataDirectory: settings.dataDirectory, flattened: true,
            download: settings.download),
      MNIST(split: .test, dataDirectory: settings.dataDirectory, flattened: true,
            download: settings.download))
    return problem(
      recipe: name, dataset: "MNIST", classNames: MNIST.classNames,
      train: train.dataset, test: test.dataset)
  }

  static func testSet(
    for info: CheckpointInfo, settings: EvaluationSettings
  ) throws -> any Dataset {
    try MNIST(split: .test, dataDirectory: settings.dataDirectory, flattened: true,
              download: settings.download).dataset
  }

  /// The problem of an MNIST-like dataset: flattened 28×28 images in `[0, 1]`, ten classes.
  static func problem(
    recipe: String, dataset: String, classNames: [String], train: TensorDataset,
    test: TensorDataset
  ) -> SupervisedProblem {
    SupervisedProblem(
      description: "\(dataset): \(TestReport.grouped(train.count)) training and "
        + "\(TestReport.grouped(test.count)) test images of 28×28 pixels, "
        + "\(classNames.count) classes",
      model: multilayerPerceptron(sizes: layerSizes, dropout: dropout),
      train: train, test: test,
      info: CheckpointInfo(
        recipe: recipe, task: .classification, layerSizes: layerSizes, dropout: dropout,
        classNames: classNames))
  }
}
