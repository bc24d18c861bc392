import Ember
import Foundation

/// `ember train digits`: a 64-64-64-10 MLP on scikit-learn's 8×8 handwritten digits (1,797
/// examples), standardized, with a stratified 80/20 split. Trains in a few seconds.
enum DigitsRecipe: SupervisedRecipe {
  static let name = "digits"
  static let summary = "64-64-64-10 MLP on the 8×8 digits of tabular/digits.csv.gz"
  static let defaults = Hyperparameters(
    epochs: 40, batchSize: 32, learningRate: 1e-3, optimizer: .adam)

  static let hiddenSizes = [64, 64]

  static func prepare(_ settings: TrainingSettings) throws -> SupervisedProblem {
    try TabularProblem.problem(
      recipe: name, description: "Digits (8×8)", table: TabularData.digits(settings.dataDirectory),
      hiddenSizes: hiddenSizes, seed: settings.seed)
  }

  static func testSet(
    for info: CheckpointInfo, settings: EvaluationSettings
  ) throws -> any Dataset {
    try TabularProblem.testSet(
      TabularData.digits(settings.dataDirectory), info: info, file: "tabular/digits.csv.gz")
  }
}
