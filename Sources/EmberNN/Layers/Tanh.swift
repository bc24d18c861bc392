import EmberCore

/// Applies the hyperbolic tangent elementwise, like `torch.nn.Tanh`.
///
/// Shapes: input `[…]` → output of the same shape.
public final class Tanh: Layer {
  public init() {}

  public func callAsFunction(_ input: Tensor) -> Tensor { input.tanh() }

  public func visitParameters(_ visitor: inout ParameterVisitor) {}
}
