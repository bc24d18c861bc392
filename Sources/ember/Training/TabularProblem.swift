import Ember
import Foundation

/// Turns a table of numeric features into a `SupervisedProblem`: a seeded train/test split
/// (stratified by class for classification), features standardized with the training set's
/// mean and standard deviation, and, for a numeric target, the target standardized too.
///
/// `ember evaluate` calls `testSet(_:targets:info:)` with the same table: the split follows from
/// the seed and test fraction in the metadata, the scaling from the stored statistics.
enum TabularProblem {
  /// The fraction of the examples held out for testing.
  static let testFraction = 0.2

  /// A table of examples: `features` `[N, F]`, `targets` `[N]` (int64 class indices, or floating
  /// point values to regress).
  struct Table {
    var features: Tensor
    var targets: Tensor
    /// The feature columns' names (`F` of them).
    var featureNames: [String]
    /// The class names, or `nil` for a numeric target.
    var classNames: [String]?
  }

  /// The problem of learning `table` with an MLP of `hiddenSizes`.
  ///
  /// - Parameter description: the data's line in the run's header.
  static func problem(
    recipe: String, description: String, table: Table, hiddenSizes: [Int], dropout: Double = 0,
    seed: UInt64
  ) throws(TrainingError) -> SupervisedProblem {
    let count = table.features.shape[0], featureCount = table.features.shape[1]
    let labels = table.classNames == nil ? nil : table.targets.scalars(as: Int.self)
    let split = trainTestSplit(
      count: count, testFraction: testFraction, seed: seed, stratifiedBy: labels)
    let trainFeatures = rows(table.features, split.train).cast(to: .float64)
    let scaler = Standardizer(fittedOn: trainFeatures)
    let outputs = table.classNames.map { Swift.max($0.count, 2) } ?? 1
    var info = CheckpointInfo(
      recipe: recipe, task: table.classNames == nil ? .regression : .classification,
      layerSizes: [featureCount] + hiddenSizes + [outputs], dropout: dropout,
      classNames: table.classNames ?? [], seed: seed)
    info.testFraction = testFraction
    info.featureNames = table.featureNames
    info.featureMean = scaler.mean
    info.featureStd = scaler.std
    if table.classNames == nil {
      let trainTargets = rows(table.targets, split.train).cast(to: .float64)
      info.targetMean = trainTargets.mean().item
      let std = trainTargets.variance(correction: 0).sqrt().item
      info.targetStd = std > 0 ? std : 1
    }
    let classes = table.classNames.map { "\($0.count) classes" } ?? "numeric target"
    return SupervisedProblem(
      description: "\(description): \(TestReport.grouped(count)) examples, \(featureCount) "
        + "features, \(classes); \(TestReport.grouped(split.train.count)) for training, "
        + "\(TestReport.grouped(split.test.count)) for testing (seed \(seed))",
      model: multilayerPerceptron(sizes: info.layerSizes, dropout: dropout),
      train: dataset(table, split.train, info: info),
      test: dataset(table, split.test, info: info),
      info: info)
  }

  /// The test part of `table` as the checkpoint described by `info` saw it.
  static func testSet(_ table: Table, info: CheckpointInfo, file: String) throws(TrainingError)
    -> TensorDataset
  {
    guard table.features.shape[1] == info.layerSizes[0] else {
      throw .unusableData(
        file: file, reason: "\(table.features.shape[1]) features, but the model takes "
          + "\(info.layerSizes[0])")
    }
    let labels = info.task == .classification ? table.targets.scalars(as: Int.self) : nil
    let split = trainTestSplit(
      count: table.features.shape[0], testFraction: info.testFraction ?? testFraction,
      seed: info.seed, stratifiedBy: labels)
    return dataset(table, split.test, info: info)
  }

  /// The examples of `table` at `indices`, scaled as `info` says: float32 standardized inputs;
  /// int64 labels, or standardized float32 targets `[n, 1]`.
  private static func dataset(_ table: Table, _ indices: [Int], info: CheckpointInfo)
    -> TensorDataset
  {
    var inputs = rows(table.features, indices).cast(to: .float64)
    if let mean = info.featureMean, let std = info.featureStd {
      inputs = Standardizer(mean: mean, std: std)(inputs)
    }
    var targets = rows(table.targets, indices)
    if info.task == .regression {
      let mean = info.targetMean ?? 0, std = info.targetStd ?? 1
      targets = ((targets.cast(to: .float64) - mean) / std).reshaped([indices.count, 1])
        .cast(to: .float32)
    } else {
      targets = targets.cast(to: .int64)
    }
    return TensorDataset(inputs: inputs.cast(to: .float32), targets: targets)
  }

  /// The rows of `tensor` at `indices`.
  private static func rows(_ tensor: Tensor, _ indices: [Int]) -> Tensor {
    tensor.indexSelect(axis: 0, indices: Tensor(indices))
  }
}
