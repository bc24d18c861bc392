import EmberCore

/// Applies `max(x, 0)` elementwise, like `torch.nn.ReLU`.
///
/// Shapes: input `[…]` → output of the same shape.
public final class ReLU: Layer {
  public init() {}

  public func callAsFunction(_ input: Tensor) -> Tensor { input.relu() }

  public func visitParameters(_ visitor: inout ParameterVisitor) {}
}
