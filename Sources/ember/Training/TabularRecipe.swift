import Ember
import Foundation

/// `ember train tabular --csv <file> --target <column>`: an MLP on any CSV file with a header.
///
/// Every other column is a numeric feature, standardized with the training rows' statistics. A
/// categorical target (any non-numeric cell, or `--task classification`) gets a classifier
/// trained with cross-entropy and reported with accuracy and a confusion matrix; a numeric target
/// (or `--task regression`) gets a regressor trained with the mean squared error on the
/// standardized target and reported with MAE, RMSE and R² in the target's units. The test fifth
/// of the rows is stratified by class for classification.
enum TabularRecipe: SupervisedRecipe {
  static let name = "tabular"
  static let summary = "an MLP on --csv <file> that predicts --target <column>"
  static let defaults = Hyperparameters(
    epochs: 50, batchSize: 32, learningRate: 1e-3, optimizer: .adam)

  static let hiddenSizes = [64, 64]

  static func prepare(_ settings: TrainingSettings) throws -> SupervisedProblem {
    guard let csv = settings.csv, let target = settings.target else {
      preconditionFailure("TabularRecipe: --csv and --target are checked by Train.validate()")
    }
    let path = csv.standardizedFileURL.path
    var problem = try TabularProblem.problem(
      recipe: name, description: "\(csv.lastPathComponent), target '\(target)'",
      table: TabularData.csv(csv, target: target, task: settings.task), hiddenSizes: hiddenSizes,
      seed: settings.seed)
    problem.info.csvPath = path
    problem.info.targetColumn = target
    return problem
  }

  static func testSet(
    for info: CheckpointInfo, settings: EvaluationSettings
  ) throws -> any Dataset {
    let file = settings.checkpoint.path
    guard let target = info.targetColumn else {
      throw TrainingError.missingMetadata(key: CheckpointInfo.Key.targetColumn, file: file)
    }
    guard let path = settings.csv?.path ?? info.csvPath else {
      throw TrainingError.missingMetadata(key: CheckpointInfo.Key.csvPath, file: file)
    }
    let table = try TabularData.csv(
      URL(fileURLWithPath: path), target: target, task: info.task)
    if let names = info.featureNames, names != table.featureNames {
      throw TrainingError.unusableData(
        file: path, reason: "feature columns \(table.featureNames) differ from the checkpoint's "
          + "\(names)")
    }
    if info.task == .classification, let classes = table.classNames, classes != info.classNames {
      throw TrainingError.unusableData(
        file: path, reason: "classes \(classes) differ from the checkpoint's \(info.classNames)")
    }
    return try TabularProblem.testSet(table, info: info, file: path)
  }
}
