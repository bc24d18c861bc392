import EmberCore

/// Applies `x` for `x > 0` and `negativeSlope·x` otherwise, like `torch.nn.LeakyReLU`.
///
/// Shapes: input `[…]` → output of the same shape.
public final class LeakyReLU: Layer {
  /// The slope for negative inputs (default 0.01).
  public let negativeSlope: Double

  public init(negativeSlope: Double = 0.01) { self.negativeSlope = negativeSlope }

  public func callAsFunction(_ input: Tensor) -> Tensor {
    input.leakyRelu(negativeSlope: negativeSlope)
  }

  public func visitParameters(_ visitor: inout ParameterVisitor) {}
}
