import Dispatch
import EmberBackend
import EmberCore
import Foundation

/// Hands out a dataset in batches, one epoch per iteration.
///
/// Each `for batch in loader` loop is one epoch. With `shuffle`, the order of each epoch is a
/// permutation drawn from a generator seeded with `seed` and advanced once per epoch, so a run is
/// reproducible and each epoch differs. With `prefetch`, the next batch is assembled on a
/// background queue while the current one is used; the batches are the same either way.
///
/// ```swift
/// let loader = DataLoader(train, batchSize: 64, shuffle: true, seed: 1)
/// for epoch in 0..<10 {
///   for batch in loader { … }
/// }
/// ```
public final class DataLoader: Sequence, @unchecked Sendable {
  /// The dataset the batches come from.
  public let dataset: any Dataset
  /// The number of examples per batch (the last may be smaller unless `dropLast`).
  public let batchSize: Int
  /// Whether each epoch visits the examples in a new random order.
  public let shuffle: Bool
  /// Whether a last, incomplete batch is left out.
  public let dropLast: Bool
  /// Whether the next batch is assembled in the background.
  public let prefetch: Bool
  /// The device batches are delivered on (`nil`: wherever the dataset makes them). `Trainer`
  /// moves batches to the model's device in any case; with a device here the copy happens while
  /// the batch is prefetched.
  public let device: Device?

  private let lock = NSLock()
  private var _generator: RandomGenerator
  private var _epoch = 0

  /// A loader over `dataset`.
  ///
  /// - Parameters:
  ///   - batchSize: examples per batch, at least 1.
  ///   - shuffle: a new random order each epoch (otherwise `0, 1, 2, …`).
  ///   - dropLast: leave out the last batch when it has fewer than `batchSize` examples.
  ///   - seed: seeds the shuffling generator.
  ///   - prefetch: assemble the next batch on a background queue.
  ///   - device: deliver batches on this device.
  public init(
    _ dataset: any Dataset, batchSize: Int, shuffle: Bool = false, dropLast: Bool = false,
    seed: UInt64 = 0, prefetch: Bool = true, device: Device? = nil
  ) {
    precondition(batchSize > 0, "DataLoader: batchSize \(batchSize) must be positive")
    self.dataset = dataset
    self.batchSize = batchSize
    self.shuffle = shuffle
    self.dropLast = dropLast
    self.prefetch = prefetch
    self.device = device
    _generator = RandomGenerator(seed: seed)
  }

  /// The batch of `indices`, on `device` when one is set.
  func assemble(_ indices: [Int]) -> Batch {
    let batch = dataset.batch(at: indices)
    return device.map { batch.on($0) } ?? batch
  }

  /// Batches per epoch.
  public var count: Int {
    dropLast ? dataset.count / batchSize : (dataset.count + batchSize - 1) / batchSize
  }

  /// The number of epochs started so far (iterations made).
  public var epoch: Int {
    lock.lock()
    defer { lock.unlock() }
    return _epoch
  }

  /// The shuffling generator's state; save it with a checkpoint and assign it back to resume.
  public var generator: RandomGenerator {
    get {
      lock.lock()
      defer { lock.unlock() }
      return _generator
    }
    set {
      lock.lock()
      defer { lock.unlock() }
      _generator = newValue
    }
  }

  /// The example order of the next epoch; advances the generator when shuffling.
  private func nextOrder() -> [Int] {
    lock.lock()
    defer { lock.unlock() }
    _epoch += 1
    guard shuffle else { return Array(0..<dataset.count) }
    return Tensor.randomPermutation(dataset.count, using: &_generator).scalars(as: Int.self)
  }

  /// Starts a new epoch.
  public func makeIterator() -> Iterator {
    Iterator(loader: self, order: nextOrder())
  }

  /// The batches of one epoch.
  public struct Iterator: IteratorProtocol {
    let loader: DataLoader
    let order: [Int]
    let batchCount: Int
    var position = 0
    var pending: Pending?

    init(loader: DataLoader, order: [Int]) {
      self.loader = loader
      self.order = order
      batchCount = loader.count
    }

    func indices(ofBatch b: Int) -> [Int] {
      let start = b * loader.batchSize
      return Array(order[start..<Swift.min(start + loader.batchSize, order.count)])
    }

    /// The next batch, or `nil` at the end of the epoch.
    public mutating func next() -> Batch? {
      guard position < batchCount else { return nil }
      let batch: Batch
      if let pending, pending.index == position {
        batch = pending.wait()
      } else {
        batch = loader.assemble(indices(ofBatch: position))
      }
      pending = nil
      position += 1
      if loader.prefetch && position < batchCount {
        pending = Pending(index: position, loader: loader, indices: indices(ofBatch: position))
      }
      return batch
    }
  }

  /// A batch being assembled on a background queue, under the caller's task context (gradient
  /// mode, learning phase, default device), which a Dispatch queue would otherwise not inherit.
  final class Pending: @unchecked Sendable {
    private static let queue = DispatchQueue(
      label: "ember.data-loader.prefetch", qos: .userInitiated)
    let index: Int
    private let done = DispatchSemaphore(value: 0)
    private var result: Batch?

    init(index: Int, loader: DataLoader, indices: [Int]) {
      self.index = index
      let context = TaskContext.current
      Self.queue.async { [self] in
        result = context.run { loader.assemble(indices) }
        done.signal()
      }
    }

    func wait() -> Batch {
      done.wait()
      return result!
    }
  }
}
