import Foundation

/// Why `ember train` or `ember evaluate` could not go on; every case names the file, key or value.
enum TrainingError: Error, CustomStringConvertible, Equatable {
  /// The checkpoint's metadata lacks `key`.
  case missingMetadata(key: String, file: String)
  /// The checkpoint's metadata has `key` but its value cannot be read.
  case invalidMetadata(key: String, value: String, file: String, reason: String)
  /// The checkpoint names a recipe that `ember train` does not know.
  case unknownRecipe(String, file: String)
  /// The checkpoint's tensors do not match what its recipe needs.
  case checkpointMismatch(file: String, reason: String)
  /// A CSV file cannot be used for the `tabular` recipe.
  case unusableData(file: String, reason: String)
  /// The output directory cannot be created or written.
  case unwritableOutput(path: String, reason: String)

  var description: String {
    switch self {
    case .missingMetadata(let key, let file):
      return "\(file): the checkpoint's metadata has no '\(key)' (was it written by `ember train`?)"
    case .invalidMetadata(let key, let value, let file, let reason):
      return "\(file): metadata '\(key)' = \(value.debugDescription) is invalid: \(reason)"
    case .unknownRecipe(let name, let file):
      let known = Recipes.names.joined(separator: ", ")
      return "\(file): unknown recipe '\(name)'. Known recipes: \(known)"
    case .checkpointMismatch(let file, let reason):
      return "\(file): \(reason)"
    case .unusableData(let file, let reason):
      return "\(file): \(reason)"
    case .unwritableOutput(let path, let reason):
      return "cannot write to \(path): \(reason)"
    }
  }
}

extension TrainingError: LocalizedError {
  var errorDescription: String? { description }
}
