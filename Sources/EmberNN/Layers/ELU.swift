import EmberCore

/// Applies `x` for `x > 0` and `α·(eˣ − 1)` otherwise, like `torch.nn.ELU`.
///
/// Shapes: input `[…]` → output of the same shape.
public final class ELU: Layer {
  /// The saturation value for negative inputs is −alpha (default 1).
  public let alpha: Double

  public init(alpha: Double = 1) { self.alpha = alpha }

  public func callAsFunction(_ input: Tensor) -> Tensor { input.elu(alpha: alpha) }

  public func visitParameters(_ visitor: inout ParameterVisitor) {}
}
