import EmberCore

/// Collapses axes `startAxis...endAxis` into one, like `torch.nn.Flatten`.
///
/// Shapes: input `[batch, d₁, d₂, …]` → output `[batch, d₁·d₂·…]` with the defaults.
public final class Flatten: Layer {
  /// The first axis collapsed (default 1: the batch axis is kept).
  public let startAxis: Int
  /// The last axis collapsed (default −1: the last).
  public let endAxis: Int

  public init(startAxis: Int = 1, endAxis: Int = -1) {
    self.startAxis = startAxis
    self.endAxis = endAxis
  }

  public func callAsFunction(_ input: Tensor) -> Tensor {
    input.flattened(startAxis: startAxis, endAxis: endAxis)
  }

  public func visitParameters(_ visitor: inout ParameterVisitor) {}
}
