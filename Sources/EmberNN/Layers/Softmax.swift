import EmberCore

/// Applies softmax along `axis`, like `torch.nn.Softmax(dim:)`.
///
/// Shapes: input `[…]` → output of the same shape.
public final class Softmax: Layer {
  /// The axis normalized to sum to 1 (default: the last).
  public let axis: Int

  public init(axis: Int = -1) { self.axis = axis }

  public func callAsFunction(_ input: Tensor) -> Tensor { input.softmax(axis: axis) }

  public func visitParameters(_ visitor: inout ParameterVisitor) {}
}
