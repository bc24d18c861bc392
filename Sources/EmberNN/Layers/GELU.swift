import EmberCore

/// Applies the Gaussian error linear unit `x·Φ(x)` elementwise, like `torch.nn.GELU`.
///
/// Shapes: input `[…]` → output of the same shape.
public final class GELU: Layer {
  /// Whether the tanh approximation is used (PyTorch's `approximate='tanh'`).
  public let approximate: Bool

  public init(approximate: Bool = false) { self.approximate = approximate }

  public func callAsFunction(_ input: Tensor) -> Tensor { input.gelu(approximate: approximate) }

  public func visitParameters(_ visitor: inout ParameterVisitor) {}
}
