import Ember
import Foundation

/// `ember train iris`: a 4-16-16-3 MLP on Fisher's iris flowers (150 examples, 4 measurements,
/// 3 species), standardized, with a stratified 80/20 split. Trains in about a second.
enum IrisRecipe: SupervisedRecipe {
  static let name = "iris"
  static let summary = "4-16-16-3 MLP on the iris flowers of tabular/iris.csv"
  static let defaults = Hyperparameters(
    epochs: 50, batchSize: 16, learningRate: 1e-2, optimizer: .adam)

  static let hiddenSizes = [16, 16]

  static func prepare(_ settings: TrainingSettings) throws -> SupervisedProblem {
    try TabularProblem.problem(
      recipe: name, description: "Iris", table: TabularData.iris(settings.dataDirectory),
      hiddenSizes: hiddenSizes, seed: settings.seed)
  }

  static func testSet(
    for info: CheckpointInfo, settings: EvaluationSettings
  ) throws -> any Dataset {
    try TabularProblem.testSet(
      TabularData.iris(settings.dataDirectory), info: info, file: "tabular/iris.csv")
  }
}
