import Ember
import Foundation

/// The hyperparameters a recipe uses unless `ember train`'s flags override them.
struct Hyperparameters: Equatable {
  var epochs: Int
  var batchSize: Int
  var learningRate: Double
  /// `nil` for a recipe that steps by hand (`logistic-regression`).
  var optimizer: OptimizerKind?
}

/// Everything `ember train` resolved from its flags and the recipe's defaults.
struct TrainingSettings {
  var recipe: String
  var hyperparameters: Hyperparameters
  var seed: UInt64
  /// `--data-dir`, searched before `EMBER_DATA` and the cache.
  var dataDirectory: URL?
  /// Whether a dataset found nowhere on disk may be downloaded.
  var download: Bool
  /// Where `model.safetensors` and `history.csv` go.
  var output: URL
  /// `tabular`: the CSV file and its target column.
  var csv: URL?
  var target: String?
  /// `tabular`: classification or regression, or `nil` to decide from the target's cells.
  var task: CheckpointInfo.Task?
  /// `char-lm`: the text file (`nil`: Tiny Shakespeare from the data directory).
  var text: URL? = nil
  /// Stop training after this many minutes (`nil`: run every epoch).
  var minutes: Double? = nil

  var checkpointURL: URL { output.appendingPathComponent("model.safetensors") }
  var historyURL: URL { output.appendingPathComponent("history.csv") }
}

/// Everything `ember evaluate` needs besides the checkpoint.
struct EvaluationSettings {
  /// The checkpoint being evaluated, for error messages.
  var checkpoint: URL
  var dataDirectory: URL?
  var download: Bool
  /// Overrides the CSV path stored in a `tabular` checkpoint.
  var csv: URL?
}

/// A checkpoint read from disk: its tensors, its decoded metadata and where it came from.
struct LoadedCheckpoint {
  var url: URL
  var tensors: [String: Tensor]
  var info: CheckpointInfo
}

/// One recipe of `ember train <recipe>`: its data, its model and how it is trained and evaluated.
///
/// Each recipe lives in `Training/<Name>Recipe.swift`; `Recipes.all` lists them.
protocol Recipe {
  /// The name on the command line (`mnist-mlp`).
  static var name: String { get }
  /// One line for `ember train --help`.
  static var summary: String { get }
  /// The defaults of `--epochs`, `--batch-size`, `--learning-rate`, `--optimizer`.
  static var defaults: Hyperparameters { get }
  /// Trains, reports the test metrics and writes the checkpoint and history.
  static func train(_ settings: TrainingSettings) throws
  /// Re-evaluates a checkpoint written by `train` on the recipe's test set.
  static func evaluate(_ checkpoint: LoadedCheckpoint, settings: EvaluationSettings) throws
}

/// The catalog of recipes.
enum Recipes {
  /// Every recipe, in the order `--help` lists them.
  static let all: [any Recipe.Type] = [
    MNISTMLPRecipe.self, FashionMNISTMLPRecipe.self, MNISTCNNRecipe.self, FashionMNISTCNNRecipe.self,
    CIFAR10Recipe.self,
    SST2BagOfWordsRecipe.self, SST2LSTMRecipe.self, SST2BiGRURecipe.self, SST2ConvRecipe.self,
    WeatherForecastRecipe.self, TaggerRecipe.self, CharLMRecipe.self,
    IrisRecipe.self, DigitsRecipe.self,
    LogisticRegressionRecipe.self, TabularRecipe.self,
  ]

  /// The names of every recipe.
  static var names: [String] { all.map { $0.name } }

  /// The recipe called `name`, or `nil`.
  static func named(_ name: String) -> (any Recipe.Type)? {
    all.first { $0.name == name }
  }

  /// `  mnist-mlp   784-512-512-10 MLP on MNIST …`, one line per recipe.
  static var listing: String {
    let width = names.map(\.count).max() ?? 0
    return all.map { "  " + $0.name.padding(toLength: width, withPad: " ", startingAt: 0)
      + "  " + $0.summary }.joined(separator: "\n")
  }
}
