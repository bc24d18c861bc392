import EmberBackend
import EmberCore

/// A batch of examples: inputs and their targets, both with the batch along axis 0.
public struct Batch {
  /// The inputs, `[batch, …]`.
  public var inputs: Tensor
  /// The targets, `[batch, …]` (class indices as `int64`, or values to regress).
  public var targets: Tensor

  /// A batch of `inputs` and their `targets`.
  public init(inputs: Tensor, targets: Tensor) {
    self.inputs = inputs
    self.targets = targets
  }

  /// The number of examples (the size of axis 0).
  public var count: Int { inputs.shape.first ?? 0 }

  /// This batch with inputs and targets on `device` (itself when they are already there).
  public func on(_ device: Device) -> Batch {
    Batch(inputs: inputs.to(device), targets: targets.to(device))
  }
}

/// A finite, indexable collection of examples that hands out batches.
///
/// Conforming types implement `batch(at:)` for many indices at once, so that a batch is one
/// gather rather than many small copies.
public protocol Dataset {
  /// The number of examples.
  var count: Int { get }
  /// The examples at `indices`, in that order, stacked along axis 0.
  func batch(at indices: [Int]) -> Batch
}

extension Dataset {
  /// The example at `index`, without the batch axis.
  public subscript(index: Int) -> Batch {
    precondition(index >= 0 && index < count, "Dataset: index \(index) out of range 0..<\(count)")
    let one = batch(at: [index])
    return Batch(inputs: one.inputs.droppingBatchAxis(), targets: one.targets.droppingBatchAxis())
  }
}

extension Tensor {
  fileprivate func droppingBatchAxis() -> Tensor { reshaped(Array(shape.dropFirst())) }
}

/// A dataset held in two tensors whose axis 0 runs over examples.
///
/// A batch is one `indexSelect` along axis 0 of each tensor, followed by `transform` on the
/// inputs when one is given.
///
/// ```swift
/// let data = TensorDataset(inputs: images, targets: labels)
/// let first = data.batch(at: [0, 1, 2])  // inputs [3, 1, 28, 28], targets [3]
/// ```
public struct TensorDataset: Dataset {
  /// All inputs, `[count, …]`.
  public let inputs: Tensor
  /// All targets, `[count, …]`.
  public let targets: Tensor
  /// Applied to the inputs of every batch (normalization, scaling), or `nil`.
  public var transform: (any Transform)?

  /// A dataset of `inputs` and `targets` with the same size along axis 0.
  public init(inputs: Tensor, targets: Tensor, transform: (any Transform)? = nil) {
    precondition(
      inputs.rank > 0 && targets.rank > 0 && inputs.shape[0] == targets.shape[0],
      "TensorDataset: inputs \(inputs.shape) and targets \(targets.shape) differ along axis 0")
    self.inputs = inputs
    self.targets = targets
    self.transform = transform
  }

  /// The number of examples.
  public var count: Int { inputs.shape[0] }

  /// The examples at `indices`, gathered along axis 0.
  public func batch(at indices: [Int]) -> Batch {
    let index = Tensor(indices, shape: [indices.count], on: inputs.device)
    var x = inputs.indexSelect(axis: 0, indices: index)
    if let transform { x = transform(x) }
    let y = targets.indexSelect(axis: 0, indices: index.to(targets.device))
    return Batch(inputs: x, targets: y)
  }
}

/// The examples of `base` at `indices`, in that order (a view, nothing is copied).
public struct Subset<Base: Dataset>: Dataset {
  /// The dataset this one selects from.
  public let base: Base
  /// The positions in `base` of this dataset's examples.
  public let indices: [Int]

  /// The examples of `base` at `indices`.
  public init(of base: Base, indices: [Int]) {
    if let bad = indices.first(where: { $0 < 0 || $0 >= base.count }) {
      preconditionFailure("Subset: index \(bad) out of range 0..<\(base.count)")
    }
    self.base = base
    self.indices = indices
  }

  /// The number of selected examples.
  public var count: Int { indices.count }

  /// The selected examples at `indices` (positions within this subset).
  public func batch(at indices: [Int]) -> Batch {
    base.batch(at: indices.map { self.indices[$0] })
  }
}
