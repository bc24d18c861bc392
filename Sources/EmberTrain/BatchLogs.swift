/// The logs of one training batch: `"loss"` (the epoch's running mean) and whatever callbacks add.
///
/// Values that live on the model's device are read to the host only when a callback asks for
/// them, and then once per batch however many callbacks ask: a training step itself makes no
/// host round trip, and a progress bar that redraws ten times a second pays one read per redraw.
public struct BatchLogs {
  /// Values computed on the device, read together on first use.
  private final class Deferred {
    let keys: [String]
    let read: () -> [String: Double]
    var cache: [String: Double]?

    init(keys: [String], read: @escaping () -> [String: Double]) {
      self.keys = keys
      self.read = read
    }

    var values: [String: Double] {
      if let cache { return cache }
      let values = read()
      cache = values
      return values
    }
  }

  private var values: [String: Double]
  private let deferred: Deferred?

  /// Logs holding `values` only.
  public init(_ values: [String: Double] = [:]) {
    self.values = values
    self.deferred = nil
  }

  /// Logs whose `keys` are read by `read` when first asked for (once).
  public init(deferred keys: [String], read: @escaping () -> [String: Double]) {
    self.values = [:]
    self.deferred = Deferred(keys: keys, read: read)
  }

  /// The value of `key`, reading the deferred values when `key` is one of them; setting a key
  /// overrides a deferred value.
  public subscript(key: String) -> Double? {
    get {
      if let value = values[key] { return value }
      guard let deferred, deferred.keys.contains(key) else { return nil }
      return deferred.values[key]
    }
    set { values[key] = newValue }
  }

  /// Every key, deferred ones included (reading none).
  public var keys: [String] {
    var all = deferred?.keys ?? []
    for key in values.keys where !all.contains(key) { all.append(key) }
    return all
  }

  /// Every value (reads the deferred ones).
  public var all: [String: Double] {
    var result = deferred?.values ?? [:]
    result.merge(values) { _, set in set }
    return result
  }
}
