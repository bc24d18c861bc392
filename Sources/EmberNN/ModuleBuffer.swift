import EmberBackend
import EmberCore

/// State a module keeps that is not trained by gradients — PyTorch's buffers, such as batch
/// normalization's `running_mean`, `running_var` and `num_batches_tracked`.
///
/// A module lists its buffers in `visitParameters(_:)` (`visitor.visit("running_mean", runningMean)`);
/// they are then moved by `Module.to(_:)` and, when `persistent`, saved in the state dict under
/// their dotted names, as PyTorch does. Any dtype is allowed (`num_batches_tracked` is int64).
public final class ModuleBuffer: @unchecked Sendable {
  /// The current value (never tracked by gradients).
  public private(set) var value: Tensor
  /// Whether the buffer is part of the state dict (PyTorch's `persistent=True`).
  public let persistent: Bool

  /// Wraps `value`.
  public init(_ value: Tensor, persistent: Bool = true) {
    self.value = value.detached()
    self.persistent = persistent
  }

  /// Replaces the value; the shape must not change (the dtype and device follow `newValue`'s
  /// dtype category: it is cast to the buffer's dtype).
  public func assign(_ newValue: Tensor) {
    precondition(newValue.shape == value.shape,
                 "ModuleBuffer.assign: shape \(newValue.shape) differs from \(value.shape)")
    value = newValue.cast(to: value.dtype).detached()
  }

  /// Shape of the value.
  public var shape: [Int] { value.shape }
}
