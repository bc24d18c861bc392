import ArgumentParser
import Ember
import EmberCPU
import Foundation

/// `ember train <recipe>`: trains one of the built-in model recipes on real data, prints the test
/// metrics, and writes `<output>/model.safetensors` and `<output>/history.csv`.
struct Train: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Train a model recipe on real data and save it.",
    discussion: """
      Recipes:
      \(Recipes.listing)

      Prints the model summary, one progress line per epoch, the test metrics and (for \
      classification) the confusion matrix; writes <output>/model.safetensors (the parameters, \
      with what `ember evaluate` needs in its metadata) and <output>/history.csv. Datasets are \
      looked for in --data-dir, then $EMBER_DATA, then ~/.cache/ember.
      """)

  @Argument(help: "The recipe: \(Recipes.names.joined(separator: ", ")).")
  var recipe: String

  @Option(help: "Passes over the training set (default: the recipe's).")
  var epochs: Int?

  @Option(help: "Examples per optimizer step (default: the recipe's).")
  var batchSize: Int?

  @Option(help: "The optimizer's step size (default: the recipe's).")
  var learningRate: Double?

  @Option(help: "sgd (momentum 0.9), adam, adamw, rmsprop or adagrad (default: the recipe's).")
  var optimizer: OptimizerKind?

  @Option(help: "Seed of the initial weights, dropout, shuffling and train/test split.")
  var seed: UInt64 = 0

  @Option(help: "A directory holding the datasets (searched before $EMBER_DATA).")
  var dataDir: String?

  @Flag(help: "Download a dataset that is not on disk (MNIST, Fashion-MNIST).")
  var download = false

  @Option(help: "Where to write model.safetensors and history.csv (default: runs/<recipe>).")
  var output: String?

  @Option(help: "tabular: the CSV file (a header row, then one example per row).")
  var csv: String?

  @Option(help: "tabular: the column to predict (categorical: a classifier; numeric: a regressor).")
  var target: String?

  @Option(help: "tabular: classification or regression (default: by the target's cells).")
  var task: TaskOption?

  @Option(help: "char-lm: the text file to model (default: text/tinyshakespeare.txt in the data directory).")
  var text: String?

  @Option(help: "Stop training after this many minutes (the epoch running then ends with its validation).")
  var minutes: Double?

  @Option(help: "Threads for Ember's kernels and BLAS (default: all active cores).")
  var threads: Int?

  /// `--task`'s values.
  enum TaskOption: String, CaseIterable, ExpressibleByArgument {
    case classification, regression
  }

  func validate() throws {
    guard let recipeType = Recipes.named(recipe) else {
      throw ValidationError(
        "Unknown recipe '\(recipe)'. Known recipes: \(Recipes.names.joined(separator: ", ")).")
    }
    if let threads, !(1...4096).contains(threads) {
      throw ValidationError("--threads must be between 1 and 4096, got \(threads).")
    }
    if let epochs, !(1...100_000).contains(epochs) {
      throw ValidationError("--epochs must be between 1 and 100000, got \(epochs).")
    }
    if let batchSize, !(1...1_000_000).contains(batchSize) {
      throw ValidationError("--batch-size must be between 1 and 1000000, got \(batchSize).")
    }
    if let learningRate, !(learningRate.isFinite && learningRate > 0 && learningRate <= 10) {
      throw ValidationError("--learning-rate must be a number in (0, 10], got \(learningRate).")
    }
    if let optimizer, recipeType.defaults.optimizer == nil {
      throw ValidationError(
        "--optimizer \(optimizer.rawValue): the \(recipe) recipe takes its gradient steps by "
          + "hand and uses no optimizer.")
    }
    if recipe == TabularRecipe.name {
      guard let csv else { throw ValidationError("The tabular recipe needs --csv <file>.") }
      guard target != nil else {
        throw ValidationError("The tabular recipe needs --target <column>.")
      }
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: csv, isDirectory: &isDirectory),
        !isDirectory.boolValue
      else { throw ValidationError("--csv \(csv): no such file.") }
    } else {
      if csv != nil { throw ValidationError("--csv applies only to the tabular recipe.") }
      if target != nil { throw ValidationError("--target applies only to the tabular recipe.") }
      if task != nil { throw ValidationError("--task applies only to the tabular recipe.") }
    }
    if let text {
      guard recipe == CharLMRecipe.name else { throw ValidationError("--text applies only to the char-lm recipe.") }
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: text, isDirectory: &isDirectory), !isDirectory.boolValue
      else { throw ValidationError("--text \(text): no such file.") }
    }
    if let minutes {
      guard recipe == CharLMRecipe.name else { throw ValidationError("--minutes applies only to the char-lm recipe.") }
      guard minutes.isFinite, minutes > 0 else { throw ValidationError("--minutes must be a positive number, got \(minutes).") }
    }
    if let dataDir { try Self.checkDirectory(dataDir, flag: "--data-dir") }
    if let output {
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: output, isDirectory: &isDirectory),
        !isDirectory.boolValue
      {
        throw ValidationError("--output \(output) is a file, not a directory.")
      }
    }
  }

  func run() throws {
    let recipeType = Recipes.named(recipe)!  // checked in validate()
    if let threads { Parallel.threadCount = threads }
    let defaults = recipeType.defaults
    let settings = TrainingSettings(
      recipe: recipe,
      hyperparameters: Hyperparameters(
        epochs: epochs ?? defaults.epochs, batchSize: batchSize ?? defaults.batchSize,
        learningRate: learningRate ?? defaults.learningRate,
        optimizer: optimizer ?? defaults.optimizer),
      seed: seed, dataDirectory: dataDir.map { URL(fileURLWithPath: $0) }, download: download,
      output: URL(fileURLWithPath: output ?? "runs/\(recipe)"),
      csv: csv.map { URL(fileURLWithPath: $0) }, target: target,
      task: task.map { $0 == .classification ? .classification : .regression },
      text: text.map { URL(fileURLWithPath: $0) }, minutes: minutes)
    try recipeType.train(settings)
  }

  /// Throws a `ValidationError` naming `flag` unless `path` is an existing directory.
  static func checkDirectory(_ path: String, flag: String) throws {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw ValidationError("\(flag) \(path): no such directory.")
    }
    guard isDirectory.boolValue else {
      throw ValidationError("\(flag) \(path) is a file, not a directory.")
    }
  }
}
