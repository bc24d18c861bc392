import Ember
import Foundation

/// A classification or regression problem ready to train: data, a fresh model, and the metadata
/// that lets `ember evaluate` rebuild both.
struct SupervisedProblem {
  /// One line about the data (`MNIST: 60,000 training and 10,000 test images`).
  var description: String
  /// The model, as `info.makeModel()` builds it.
  var model: any TensorLayer
  /// The training examples (inputs already standardized when the recipe does so).
  var train: any Dataset
  /// The test examples, prepared the same way.
  var test: any Dataset
  /// What the checkpoint's metadata records.
  var info: CheckpointInfo
  /// How the model trains, when not with `SupervisedTraining`'s default plan.
  var plan: ((_ hyperparameters: Hyperparameters, _ stepsPerEpoch: Int) -> TrainingPlan)? = nil
}

/// The optimizer, learning-rate schedule and loss of a training run.
struct TrainingPlan {
  /// One line for the log (`SGD, learning rate 0.001 (cosine decay over the epochs)`).
  var description: String
  var optimizer: any Optimizer
  /// Sets the learning rate (the plan's schedule).
  var scheduler: LearningRateScheduler
  /// The training loss of logits and targets.
  var loss: (Tensor, Tensor) -> Tensor

  /// The default plan: the optimizer of `--optimizer` at `--learning-rate`, decayed along a
  /// cosine over the epochs, and the task's loss.
  static func standard(_ hyperparameters: Hyperparameters, task: CheckpointInfo.Task) -> TrainingPlan {
    let kind = hyperparameters.optimizer ?? .adam
    return TrainingPlan(
      description: "\(kind.displayName), learning rate \(hyperparameters.learningRate) "
        + "(cosine decay over the epochs)",
      optimizer: kind.make(learningRate: hyperparameters.learningRate),
      // The learning rate follows a cosine from its initial value towards 0 over the run: the
      // last epochs settle instead of bouncing around the minimum.
      scheduler: LearningRateScheduler(
        schedule: CosineDecay(initial: hyperparameters.learningRate, totalSteps: hyperparameters.epochs)),
      loss: SupervisedTraining.lossFunction(task))
  }
}

/// A recipe that trains the model of its `CheckpointInfo` (an MLP or a CNN) with `Trainer.fit`; it
/// only says how to load its data and which model it builds.
protocol SupervisedRecipe: Recipe {
  /// Loads the data and builds a fresh model (the default generator is already seeded).
  static func prepare(_ settings: TrainingSettings) throws -> SupervisedProblem
  /// Loads the test set of the checkpoint described by `info`, prepared as in training.
  static func testSet(
    for info: CheckpointInfo, settings: EvaluationSettings
  ) throws -> any Dataset
}

extension SupervisedRecipe {
  static func train(_ settings: TrainingSettings) throws {
    Random.seed(settings.seed)
    try SupervisedTraining.run(prepare(settings), settings: settings)
  }

  static func evaluate(_ checkpoint: LoadedCheckpoint, settings: EvaluationSettings) throws {
    let info = checkpoint.info
    let model = info.makeModel()
    do {
      try model.load(stateDict: checkpoint.tensors)
    } catch {
      throw TrainingError.checkpointMismatch(
        file: checkpoint.url.path,
        reason: "\(error) (recipe \(info.recipe), \(info.modelSummary))")
    }
    let test = try testSet(for: info, settings: settings)
    print("Model: \(info.recipe), \(info.modelSummary), "
      + "\(TestReport.grouped(model.parameterCount)) parameters")
    print(SupervisedTraining.report(model: model, test: test, info: info).text)
  }
}

/// The training loop shared by the MLP recipes: `Trainer.fit` with a progress bar and a CSV log,
/// then the test report and the checkpoint.
enum SupervisedTraining {
  /// Trains `problem.model`, prints its test metrics, and writes `model.safetensors` and
  /// `history.csv` to `settings.output`.
  static func run(_ problem: SupervisedProblem, settings: TrainingSettings) throws {
    let hyperparameters = settings.hyperparameters
    let optimizerKind = hyperparameters.optimizer ?? .adam
    var info = problem.info
    info.seed = settings.seed
    info.notes["ember.optimizer"] = optimizerKind.rawValue
    info.notes["ember.learning_rate"] = String(hyperparameters.learningRate)
    info.notes["ember.batch_size"] = String(hyperparameters.batchSize)

    let train = DataLoader(
      problem.train, batchSize: hyperparameters.batchSize, shuffle: true, seed: settings.seed)
    let test = DataLoader(problem.test, batchSize: 1000)
    let plan = problem.plan?(hyperparameters, train.count)
      ?? .standard(hyperparameters, task: info.task)
    print(problem.description)
    print(summary(of: problem.model, inputShape: info.inputShape, dtype: info.inputDType))
    print("\(plan.description), batch \(hyperparameters.batchSize), \(hyperparameters.epochs) epochs, "
      + "seed \(settings.seed)")
    try createDirectory(settings.output)

    let trainer = Trainer(
      model: problem.model, loss: plan.loss, optimizer: plan.optimizer,
      metrics: info.task == .classification ? [Accuracy()] : [MeanAbsoluteError(name: "mae_std")])
    let clock = ContinuousClock()
    let start = clock.now
    let history = try trainer.fit(
      train, epochs: hyperparameters.epochs, validation: test,
      callbacks: [plan.scheduler, ProgressBar(), CSVLogger(url: settings.historyURL)])
    let elapsed = (clock.now - start).components
    let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
    info.notes["ember.epochs"] = String(history.epochs.count)
    print("Trained \(history.epochs.count) epochs in \(TestReport.format(seconds, 1)) s")

    let report = report(model: problem.model, test: problem.test, info: info)
    print(report.text)
    for (key, value) in report.metrics { info.notes["ember.test_" + key] = String(value) }
    try problem.model.save(to: settings.checkpointURL, metadata: info.metadata)
    print("Saved \(settings.checkpointURL.path) and \(settings.historyURL.path)")
  }

  /// The test metrics of `model` for the task in `info`.
  static func report(
    model: any TensorLayer, test: any Dataset, info: CheckpointInfo
  ) -> (text: String, metrics: [String: Double]) {
    switch info.task {
    case .classification:
      // With flip averaging, the logits of the image and its mirror image are averaged.
      let predict: (Tensor) -> Tensor = info.averagesFlips
        ? { (model($0) + model($0.flipped(axis: -1))) / 2 } : { model($0) }
      return TestReport.classification(
        test: test, classNames: info.classNames, predict: predict,
        loss: lossFunction(.classification))
    case .regression:
      return TestReport.regression(
        test: test, targetMean: info.targetMean ?? 0, targetStd: info.targetStd ?? 1,
        predict: { model($0) })
    }
  }

  /// Cross-entropy of logits against class indices, or the mean squared error.
  static func lossFunction(_ task: CheckpointInfo.Task) -> (Tensor, Tensor) -> Tensor {
    switch task {
    case .classification: return { crossEntropy(logits: $0, labels: $1) }
    case .regression: return { meanSquaredError($0, $1) }
    }
  }

  /// Creates `url` and its parents, throwing a clear error when it cannot.
  static func createDirectory(_ url: URL) throws(TrainingError) {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
      guard isDirectory.boolValue else {
        throw .unwritableOutput(path: url.path, reason: "it exists and is not a directory")
      }
      return
    }
    do {
      try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    } catch {
      throw .unwritableOutput(path: url.path, reason: error.localizedDescription)
    }
  }
}
