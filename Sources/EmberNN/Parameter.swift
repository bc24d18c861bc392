import EmberBackend
import EmberCore

/// A trainable tensor with a stable identity: its gradient key survives every update.
///
/// `value` carries the parameter's `GradNode`, so any tensor computed from it is tracked and
/// `grads[parameter]` finds its gradient. Assigning a new value (an optimizer step, a checkpoint load)
/// keeps the key. A frozen parameter (`isTrainable == false`) carries no key and gets no gradient.
public final class Parameter: @unchecked Sendable {
  /// The gradient key of this parameter.
  public let node = GradNode(leaf: "parameter")
  private var storage: Tensor

  /// Whether gradients flow to this parameter (`false` after `freeze()`).
  public var isTrainable: Bool {
    didSet { storage = storage.withGradNode(isTrainable ? node : nil) }
  }

  /// Wraps `value` (a floating-point tensor).
  public init(_ value: Tensor, trainable: Bool = true) {
    precondition(value.dtype.isFloatingPoint, "Parameter: dtype \(value.dtype) is not floating point")
    self.isTrainable = trainable
    self.storage = value.withGradNode(trainable ? node : nil)
  }

  /// The current value, tracked when trainable.
  public var value: Tensor {
    get { storage }
    set { assign(newValue) }
  }

  /// Replaces the value, keeping the gradient key; the shape must not change.
  public func assign(_ newValue: Tensor) {
    precondition(newValue.shape == storage.shape,
                 "Parameter.assign: shape \(newValue.shape) differs from \(storage.shape)")
    storage = newValue.cast(to: storage.dtype).detached().withGradNode(isTrainable ? node : nil)
  }

  /// Runs `body` on the stored value itself, so an optimizer can write its buffer in place when
  /// nothing else holds it (`Tensor.hasUniqueBuffer()`), or assign a new tensor; the gradient key is
  /// kept and the shape must not change.
  public func updateValue(_ body: (inout Tensor) -> Void) {
    let shape = storage.shape, dtype = storage.dtype
    body(&storage)
    precondition(storage.shape == shape,
                 "Parameter.updateValue: shape \(storage.shape) differs from \(shape)")
    storage = storage.cast(to: dtype).detached().withGradNode(isTrainable ? node : nil)
  }

  /// Shape of the value.
  public var shape: [Int] { storage.shape }
  /// Number of elements.
  public var count: Int { storage.count }
}

extension Gradients {
  /// The gradient of `parameter`, or `nil` when none reached it.
  public subscript(_ parameter: Parameter) -> Tensor? {
    get { self[parameter.node] }
    set { self[parameter.node] = newValue }
  }
}
