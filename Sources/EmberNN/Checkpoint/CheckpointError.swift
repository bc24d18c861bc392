import EmberBackend
import Foundation

/// Why a checkpoint could not be saved or loaded; every case names the key or the file.
public enum CheckpointError: Error, CustomStringConvertible, Equatable {
  /// The module has a parameter that the state dict lacks.
  case missingKey(String)
  /// The state dict has a key that names no parameter of the module.
  case unexpectedKey(String)
  /// A tensor's shape differs from its parameter's.
  case shapeMismatch(key: String, expected: [Int], found: [Int])
  /// A tensor's dtype cannot be cast to its parameter's (e.g. integers for a float weight).
  case dtypeMismatch(key: String, expected: DType, found: DType)
  /// The file is not a valid checkpoint.
  case corruptFile(url: URL, reason: String)
  /// The file could not be read or written.
  case io(url: URL, reason: String)
  /// The tensors or metadata cannot be written (reserved or empty name, …).
  case invalidContent(reason: String)

  public var description: String {
    switch self {
    case .missingKey(let key):
      return "checkpoint: missing key '\(key)' (the module has this parameter, the checkpoint not)"
    case .unexpectedKey(let key):
      return "checkpoint: unexpected key '\(key)' (no parameter of the module has this name)"
    case .shapeMismatch(let key, let expected, let found):
      return "checkpoint: '\(key)' has shape \(found) in the checkpoint but \(expected) "
        + "in the module"
    case .dtypeMismatch(let key, let expected, let found):
      return "checkpoint: '\(key)' has dtype \(found) in the checkpoint, not castable to "
        + "\(expected)"
    case .corruptFile(let url, let reason):
      return "checkpoint: \(url.path) is not a valid safetensors file: \(reason)"
    case .io(let url, let reason):
      return "checkpoint: \(url.path): \(reason)"
    case .invalidContent(let reason):
      return "checkpoint: cannot write: \(reason)"
    }
  }
}
