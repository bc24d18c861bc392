import ArgumentParser
import Ember
import Foundation

/// `ember evaluate <checkpoint>`: rebuilds the model a `ember train` checkpoint describes, loads
/// its parameters, and prints its metrics on the recipe's test set again.
struct Evaluate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Re-evaluate a checkpoint written by `ember train` on its test set.",
    discussion: """
      The model, the class names and any standardization are read from the checkpoint's \
      metadata; the parameters are loaded all or nothing, so a file that does not match its \
      recipe (or is truncated) is an error, never a half-loaded model.
      """)

  @Argument(help: "A model.safetensors written by `ember train`.")
  var checkpoint: String

  @Option(help: "A directory holding the datasets (searched before $EMBER_DATA).")
  var dataDir: String?

  @Flag(help: "Download a dataset that is not on disk (MNIST, Fashion-MNIST).")
  var download = false

  @Option(help: "tabular: the CSV file, instead of the path stored in the checkpoint.")
  var csv: String?

  func validate() throws {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: checkpoint, isDirectory: &isDirectory) else {
      throw ValidationError("\(checkpoint): no such file.")
    }
    guard !isDirectory.boolValue else {
      throw ValidationError("\(checkpoint) is a directory; pass its model.safetensors.")
    }
    if let dataDir { try Train.checkDirectory(dataDir, flag: "--data-dir") }
    if let csv, !FileManager.default.fileExists(atPath: csv) {
      throw ValidationError("--csv \(csv): no such file.")
    }
  }

  func run() throws {
    let url = URL(fileURLWithPath: checkpoint)
    let (tensors, metadata) = try SafeTensors.read(from: url)
    let info = try CheckpointInfo(metadata: metadata, file: url.path)
    guard let recipe = Recipes.named(info.recipe) else {
      throw TrainingError.unknownRecipe(info.recipe, file: url.path)
    }
    print("Checkpoint: \(url.path) (recipe \(info.recipe), seed \(info.seed))")
    try recipe.evaluate(
      LoadedCheckpoint(url: url, tensors: tensors, info: info),
      settings: EvaluationSettings(
        checkpoint: url, dataDirectory: dataDir.map { URL(fileURLWithPath: $0) },
        download: download,
        csv: csv.map { URL(fileURLWithPath: $0) }))
  }
}
