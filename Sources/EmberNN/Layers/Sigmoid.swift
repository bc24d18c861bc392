import EmberCore

/// Applies `1 / (1 + e⁻ˣ)` elementwise, like `torch.nn.Sigmoid`.
///
/// Shapes: input `[…]` → output of the same shape.
public final class Sigmoid: Layer {
  public init() {}

  public func callAsFunction(_ input: Tensor) -> Tensor { input.sigmoid() }

  public func visitParameters(_ visitor: inout ParameterVisitor) {}
}
