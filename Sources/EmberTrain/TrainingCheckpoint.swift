import EmberCore
import EmberData
import EmberNN
import EmberOptim
import Foundation

/// Saves everything a run needs to continue exactly where it stopped — the model's state dict,
/// the optimizer's state, the epoch, the default random generator and a data loader's shuffling
/// generator — in one safetensors file; as a callback it saves after every epoch.
///
/// Tensors are stored as `model.<name>` and `optimizer.<key>`; the metadata holds `epoch` (the
/// number of epochs completed, which is the `initialEpoch` to resume with), `random_state` and
/// `loader_state`. On the CPU, a run resumed from a checkpoint reproduces the uninterrupted run's
/// losses exactly.
///
/// ```swift
/// let loader = DataLoader(train, batchSize: 32, shuffle: true, seed: 7)
/// let url = URL(filePath: "run.safetensors")
/// var initialEpoch = 0
/// if FileManager.default.fileExists(atPath: url.path) {
///   initialEpoch = try TrainingCheckpoint.restore(
///     from: url, model: model, optimizer: optimizer, loader: loader)
/// }
/// try trainer.fit(loader, epochs: 20, callbacks: [TrainingCheckpoint(url: url, loader: loader)],
///                 initialEpoch: initialEpoch)
/// ```
public final class TrainingCheckpoint: Callback {
  /// The checkpoint file, rewritten atomically after every epoch.
  public let url: URL
  /// The loader whose shuffling state is saved, if any.
  public let loader: DataLoader?

  /// A callback that saves a training checkpoint to `url` after every epoch.
  public init(url: URL, loader: DataLoader? = nil) {
    self.url = url
    self.loader = loader
  }

  public func epochEnded(_ epoch: Int, logs: inout [String: Double], trainer: Trainer) throws {
    try TrainingCheckpoint.save(
      to: url, model: trainer.model, optimizer: trainer.optimizer, epoch: epoch + 1, loader: loader)
  }

  // MARK: Saving and restoring

  /// Writes a checkpoint of a run that has completed `epoch` epochs (atomically: temporary file,
  /// then rename). `metadata` adds entries of the caller's.
  public static func save(
    to url: URL, model: any Module, optimizer: any Optimizer, epoch: Int,
    loader: DataLoader? = nil, metadata: [String: String] = [:]
  ) throws {
    var tensors: [String: Tensor] = [:]
    for (key, value) in model.stateDict() { tensors[modelPrefix + key] = value }
    for (key, value) in optimizer.stateDict(for: model) { tensors[optimizerPrefix + key] = value }
    var info = metadata
    info["format"] = formatName
    info["epoch"] = String(epoch)
    info["random_state"] = encode(Random.generator.state)
    if let loader { info["loader_state"] = encode(loader.generator.state) }
    try SafeTensors.write(tensors, metadata: info, to: url)
  }

  /// Restores a checkpoint into `model`, `optimizer`, the default random generator and `loader`,
  /// and returns the number of epochs completed (pass it to `fit` as `initialEpoch`).
  ///
  /// All or nothing: every key, shape and metadata entry is checked before anything is assigned.
  /// - Throws: ``TrainingCheckpointError`` naming the file and the key (and shapes), the
  ///   optimizer's `OptimizerStateError`, or the file's read error.
  @discardableResult
  public static func restore(
    from url: URL, model: any Module, optimizer: any Optimizer, loader: DataLoader? = nil
  ) throws -> Int {
    let file = url.path
    let (tensors, metadata) = try SafeTensors.read(from: url)

    // Metadata first.
    func entry(_ key: String) throws -> String {
      guard let value = metadata[key] else {
        throw TrainingCheckpointError.missingMetadata(key, file: file)
      }
      return value
    }
    let epochText = try entry("epoch")
    guard let epoch = Int(epochText), epoch >= 0 else {
      throw TrainingCheckpointError.invalidMetadata(key: "epoch", value: epochText, file: file)
    }
    let randomState = try decodeState(try entry("random_state"), key: "random_state", file: file)
    var loaderState: [UInt64]?
    if loader != nil {
      loaderState = try decodeState(try entry("loader_state"), key: "loader_state", file: file)
    }

    // Then the model's tensors: every key present with its shape, none left over.
    var modelState: [String: Tensor] = [:]
    var optimizerState: [String: Tensor] = [:]
    for (key, value) in tensors {
      if key.hasPrefix(modelPrefix) {
        modelState[String(key.dropFirst(modelPrefix.count))] = value
      } else if key.hasPrefix(optimizerPrefix) {
        optimizerState[String(key.dropFirst(optimizerPrefix.count))] = value
      } else {
        throw TrainingCheckpointError.unexpectedKey(key, file: file)
      }
    }
    let current = model.stateDict()
    for key in current.keys.sorted() {
      guard let saved = modelState[key] else {
        throw TrainingCheckpointError.missingKey(modelPrefix + key, file: file)
      }
      guard saved.shape == current[key]!.shape else {
        throw TrainingCheckpointError.shapeMismatch(
          key: modelPrefix + key, expected: current[key]!.shape, found: saved.shape, file: file)
      }
    }
    if let extra = Set(modelState.keys).subtracting(current.keys).sorted().first {
      throw TrainingCheckpointError.unexpectedKey(modelPrefix + extra, file: file)
    }

    // The optimizer validates its state before assigning any; then nothing below can fail.
    try optimizer.loadStateDict(optimizerState, for: model)
    try model.load(stateDict: modelState)
    Random.generator = RandomGenerator(state: randomState)
    if let loader, let loaderState { loader.generator = RandomGenerator(state: loaderState) }
    return epoch
  }

  /// The metadata of the checkpoint at `url` (epoch, generator states and the caller's entries).
  public static func metadata(at url: URL) throws -> [String: String] {
    try SafeTensors.read(from: url).metadata
  }

  // MARK: Encoding

  static let modelPrefix = "model."
  static let optimizerPrefix = "optimizer."
  static let formatName = "ember.training-checkpoint.v1"

  private static func encode(_ state: [UInt64]) -> String {
    state.map(String.init).joined(separator: ",")
  }

  private static func decodeState(_ text: String, key: String, file: String) throws -> [UInt64] {
    let words = text.split(separator: ",").compactMap { UInt64($0) }
    guard words.count == text.split(separator: ",").count, RandomGenerator.isValidState(words)
    else {
      throw TrainingCheckpointError.invalidMetadata(key: key, value: text, file: file)
    }
    return words
  }
}

/// Why a training checkpoint could not be restored; nothing was assigned.
public enum TrainingCheckpointError: Error, Equatable, CustomStringConvertible {
  /// The model has a tensor that the file lacks.
  case missingKey(String, file: String)
  /// The file has a tensor that the model (or the format) does not.
  case unexpectedKey(String, file: String)
  /// A tensor of the file has another shape than the model's.
  case shapeMismatch(key: String, expected: [Int], found: [Int], file: String)
  /// A metadata entry (`epoch`, `random_state`, `loader_state`) is missing.
  case missingMetadata(String, file: String)
  /// A metadata entry cannot be parsed.
  case invalidMetadata(key: String, value: String, file: String)

  public var description: String {
    switch self {
    case .missingKey(let key, let file): "\(file): missing tensor '\(key)'"
    case .unexpectedKey(let key, let file): "\(file): unexpected tensor '\(key)'"
    case .shapeMismatch(let key, let expected, let found, let file):
      "\(file): tensor '\(key)' has shape \(found), the model expects \(expected)"
    case .missingMetadata(let key, let file): "\(file): missing metadata entry '\(key)'"
    case .invalidMetadata(let key, let value, let file):
      "\(file): metadata entry '\(key)' has invalid value '\(value)'"
    }
  }
}
