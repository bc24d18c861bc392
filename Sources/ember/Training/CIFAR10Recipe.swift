import Ember
import Foundation

/// `ember train cifar10`: the residual network of `ResidualNetwork` (the 32-64-128 network of
/// `../shared/bench/torch_cifar10.py` with skips) on CIFAR-10's 32×32 colour photographs, trained
/// the way the PyTorch anchor is: SGD with Nesterov momentum and weight decay 5e-4 under a
/// one-cycle schedule (rate to 0.2 over the first quarter, momentum cycling 0.95 → 0.85 → 0.95),
/// label smoothing 0.2, random horizontal flips and ±2-pixel translations (reflected), batch 256;
/// the test predictions average each image and its mirror image.
enum CIFAR10Recipe: SupervisedRecipe {
  static let name = "cifar10"
  static let summary = "residual 32-64-128 network, one-cycle SGD, flips and shifts, on CIFAR-10 photos"
  static let defaults = Hyperparameters(epochs: 13, batchSize: 256, learningRate: 0.2, optimizer: .sgd)

  /// The network of `cifar10`.
  static let network = ResidualNetwork.anchor(residual: true)

  static func prepare(_ settings: TrainingSettings) throws -> SupervisedProblem {
    let clock = ContinuousClock(), start = clock.now
    let (train, test) = try (
      CIFAR10(split: .train, dataDirectory: settings.dataDirectory),
      CIFAR10(split: .test, dataDirectory: settings.dataDirectory))
    let seconds = Double((clock.now - start).components.seconds)
    let standardizer = Standardizer(fittedOn: train.images)
    var info = CheckpointInfo(recipe: name, task: .classification, layerSizes: [3 * 32 * 32, 10],
                              classNames: CIFAR10.classNames)
    info.architecture = .resnet(network)
    info.featureMean = standardizer.mean
    info.featureStd = standardizer.std
    return SupervisedProblem(
      description: "CIFAR-10: \(TestReport.grouped(train.count)) training and "
        + "\(TestReport.grouped(test.count)) test images of 3×32×32 pixels, 10 classes "
        + "(decoded in \(seconds) s), standardized per channel",
      model: network.build(),
      train: TensorDataset(inputs: train.images, targets: train.labels, transform: standardizer),
      test: TensorDataset(inputs: test.images, targets: test.labels, transform: standardizer),
      info: info, plan: plan)
  }

  /// SGD (Nesterov 0.9, weight decay 5e-4, momentum cycling with the rate) under one-cycle to
  /// `--learning-rate` over every step, with label smoothing 0.2; another `--optimizer` follows the
  /// same one-cycle rate.
  static func plan(_ hyperparameters: Hyperparameters, stepsPerEpoch: Int) -> TrainingPlan {
    let schedule = OneCycle(maxLearningRate: hyperparameters.learningRate,
                            totalSteps: Swift.max(2, hyperparameters.epochs * stepsPerEpoch), pctStart: 0.25)
    let kind = hyperparameters.optimizer ?? .sgd
    let loss: (Tensor, Tensor) -> Tensor = { crossEntropy(logits: $0, labels: $1, labelSmoothing: 0.2) }
    guard kind == .sgd else {
      return TrainingPlan(
        description: "\(kind.displayName), one-cycle to \(hyperparameters.learningRate), label smoothing 0.2",
        optimizer: kind.make(learningRate: schedule.learningRate(at: 0)),
        scheduler: LearningRateScheduler(schedule: schedule, perBatch: true), loss: loss)
    }
    let optimizer = SGD(learningRate: schedule.learningRate(at: 0), momentum: 0.9, nesterov: true,
                        weightDecay: 5e-4)
    return TrainingPlan(
      description: "SGD (Nesterov momentum, weight decay 5e-4), one-cycle to \(hyperparameters.learningRate) "
        + "with cycling momentum, label smoothing 0.2",
      optimizer: optimizer,
      scheduler: LearningRateScheduler(perBatch: true) { step in
        optimizer.momentum = schedule.momentum(at: step)
        return schedule.learningRate(at: step)
      },
      loss: loss)
  }

  static func testSet(for info: CheckpointInfo, settings: EvaluationSettings) throws -> any Dataset {
    let test = try CIFAR10(split: .test, dataDirectory: settings.dataDirectory)
    guard let mean = info.featureMean, let std = info.featureStd, mean.count == 3, std.count == 3 else {
      throw TrainingError.invalidMetadata(
        key: "ember.feature_mean", value: info.featureMean.map { "\($0)" } ?? "", file: settings.checkpoint.path,
        reason: "a cifar10 checkpoint needs three per-channel means and standard deviations")
    }
    return TensorDataset(inputs: test.images, targets: test.labels,
                         transform: Standardizer(mean: mean, std: std))
  }
}
