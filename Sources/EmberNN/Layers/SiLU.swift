import EmberCore

/// Applies `x·σ(x)` (swish) elementwise, like `torch.nn.SiLU`.
///
/// Shapes: input `[…]` → output of the same shape.
public final class SiLU: Layer {
  public init() {}

  public func callAsFunction(_ input: Tensor) -> Tensor { input.silu() }

  public func visitParameters(_ visitor: inout ParameterVisitor) {}
}
