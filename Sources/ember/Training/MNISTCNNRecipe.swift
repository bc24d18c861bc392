import Ember
import Foundation

/// `ember train mnist-cnn`: two 3×3 convolution blocks (32 and 64 channels, ReLU, 2×2 max
/// pooling), a 128-wide hidden layer with dropout, on MNIST images `[1, 28, 28]`; Adam at 1e-3 with
/// cosine decay, batch 128.
enum MNISTCNNRecipe: SupervisedRecipe {
  static let name = "mnist-cnn"
  static let summary = "2 conv blocks (32, 64 channels) + 128 hidden, dropout, on MNIST digits"
  static let defaults = Hyperparameters(epochs: 12, batchSize: 128, learningRate: 1e-3, optimizer: .adam)

  /// The network of `mnist-cnn`.
  static let network = ConvolutionalNetwork(
    inputShape: [1, 28, 28], channels: [32, 64], kernelSize: 3, hidden: 128, classes: 10, dropout: 0.25,
    hiddenDropout: 0.5)

  static func prepare(_ settings: TrainingSettings) throws -> SupervisedProblem {
    let (train, test) = try (
      MNIST(split: .train, dataDirectory: settings.dataDirectory, download: settings.download),
      MNIST(split: .test, dataDirectory: settings.dataDirectory, download: settings.download))
    return problem(recipe: name, dataset: "MNIST", classNames: MNIST.classNames, network: network,
                   train: train.dataset, test: test.dataset)
  }

  static func testSet(for info: CheckpointInfo, settings: EvaluationSettings) throws -> any Dataset {
    try MNIST(split: .test, dataDirectory: settings.dataDirectory, download: settings.download).dataset
  }

  /// The CNN problem of an MNIST-like dataset: `[1, 28, 28]` images in `[0, 1]`, ten classes.
  static func problem(
    recipe: String, dataset: String, classNames: [String], network: ConvolutionalNetwork,
    train: TensorDataset, test: TensorDataset
  ) -> SupervisedProblem {
    var info = CheckpointInfo(recipe: recipe, task: .classification, layerSizes: [784, 10],
                              classNames: classNames)
    info.architecture = .cnn(network)
    return SupervisedProblem(
      description: "\(dataset): \(TestReport.grouped(train.count)) training and "
        + "\(TestReport.grouped(test.count)) test images of 1×28×28 pixels, \(classNames.count) classes",
      model: network.build(), train: train, test: test, info: info)
  }
}

/// `ember train fashion-mnist-cnn`: the blocks of `mnist-cnn` with a 256-wide hidden layer and
/// lighter dropout (0.1, 0.3) on Fashion-MNIST clothing images, 20 epochs (with `mnist-cnn`'s
/// dropout the network underfits clothing: training accuracy stays below validation).
enum FashionMNISTCNNRecipe: SupervisedRecipe {
  static let name = "fashion-mnist-cnn"
  static let summary = "mnist-cnn's conv blocks, 256 hidden, lighter dropout, on Fashion-MNIST clothing"
  static let defaults = Hyperparameters(epochs: 20, batchSize: 128, learningRate: 1e-3, optimizer: .adam)

  static let network = ConvolutionalNetwork(
    inputShape: [1, 28, 28], channels: [32, 64], kernelSize: 3, hidden: 256, classes: 10, dropout: 0.1,
    hiddenDropout: 0.3)

  static func prepare(_ settings: TrainingSettings) throws -> SupervisedProblem {
    let (train, test) = try (
      FashionMNIST(split: .train, dataDirectory: settings.dataDirectory, download: settings.download),
      FashionMNIST(split: .test, dataDirectory: settings.dataDirectory, download: settings.download))
    return MNISTCNNRecipe.problem(
      recipe: name, dataset: "Fashion-MNIST", classNames: FashionMNIST.classNames, network: network,
      train: train.dataset, test: test.dataset)
  }

  static func testSet(for info: CheckpointInfo, settings: EvaluationSettings) throws -> any Dataset {
    try FashionMNIST(split: .test, dataDirectory: settings.dataDirectory, download: settings.download).dataset
  }
}
