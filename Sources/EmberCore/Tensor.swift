import EmberBackend

/// An n-dimensional array with reverse-mode automatic differentiation.
///
/// `Tensor` is a value: ops never mutate their inputs, and views (reshape, transpose, slices) share
/// the underlying `Buffer` without copying. When a gradient is being tracked the tensor also carries
/// the `GradNode` that produced it.
///
/// ```swift
/// let x = Tensor([1, 2, 3] as [Float]).requiringGradient()
/// let y = (x * x).sum()
/// let grads = y.backward()
/// grads[x]  // [2, 4, 6]
/// ```
public struct Tensor: @unchecked Sendable {
  /// The memory the tensor views.
  public private(set) var buffer: Buffer
  /// Shape, strides and offset of the elements this tensor sees in `buffer`.
  public let layout: Layout
  /// Element type.
  public let dtype: DType
  /// The node that produced this tensor in the gradient graph, or `nil` when no gradient is tracked.
  public internal(set) var gradNode: GradNode? {
    didSet { gradOutput = 0 }
  }
  /// Which output of `gradNode` this tensor is (0 unless the op made several).
  var gradOutput = 0

  /// Wraps a buffer; no copy is made.
  public init(buffer: Buffer, layout: Layout, dtype: DType) {
    self.buffer = buffer
    self.layout = layout
    self.dtype = dtype
    self.gradNode = nil
  }

  /// The sizes of the axes.
  public var shape: [Int] { layout.shape }
  /// Number of axes.
  public var rank: Int { layout.rank }
  /// Number of elements.
  public var count: Int { layout.count }
  /// Where the tensor lives.
  public var device: Device { buffer.device }
  /// Strides in elements (0 for broadcast axes).
  public var strides: [Int] { layout.strides }
  /// `true` when the elements are packed in row-major order.
  public var isContiguous: Bool { layout.isContiguous }
  /// `true` when a gradient is tracked through this tensor.
  public var requiresGradient: Bool { gradNode != nil }

  /// The backend that runs this tensor's device.
  public var backend: any Backend { Tensor.backend(for: device) }

  /// `true` when this tensor is the only holder of its buffer (no view, copy, graph or state dict
  /// shares it), so writing the buffer in place is invisible to anyone else.
  public mutating func hasUniqueBuffer() -> Bool { isKnownUniquelyReferenced(&buffer) }

  /// The kernel-level view of this tensor.
  public var operand: Operand { Operand(buffer: buffer, layout: layout, dtype: dtype) }

  static func backend(for device: Device) -> any Backend {
    guard let backend = Backends.backend(for: device) else {
      preconditionFailure(
        "Tensor: no backend is loaded for device \(device) (available: \(Backends.available)); "
          + "link its target (`import Ember` brings the CPU)")
    }
    return backend
  }

  /// A new, uninitialized contiguous tensor.
  static func empty(_ shape: [Int], dtype: DType, device: Device) -> Tensor {
    precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative size in shape \(shape)")
    let count = shape.reduce(1, *)
    let buffer = backend(for: device).allocate(count: count, dtype: dtype)
    return Tensor(buffer: buffer, layout: Layout(contiguous: shape), dtype: dtype)
  }

  /// A view of the same buffer with another layout (no gradient tracking; callers record).
  func withLayout(_ layout: Layout) -> Tensor {
    Tensor(buffer: buffer, layout: layout, dtype: dtype)
  }

  /// Normalizes a possibly negative axis for an op named `op`.
  func normalizedAxis(_ axis: Int, op: String, rank: Int? = nil) -> Int {
    let r = rank ?? self.rank
    let a = axis < 0 ? axis + Swift.max(r, 1) : axis
    precondition(a >= 0 && a < Swift.max(r, 1), "\(op): axis \(axis) is out of range for shape \(shape)")
    return a
  }

  /// Checks that `other` lives on the same device.
  func checkDevice(_ other: Tensor, op: String) {
    precondition(device == other.device,
                 "\(op): tensors on different devices (\(device) and \(other.device)); copy one with .to(_:)")
  }
}
