import EmberCore

/// `y = x·scale + offset`, like Keras's `Rescaling` (`scale: 1 / 255` maps bytes to `[0, 1]`).
///
/// Shapes: input `[…]` → the same shape.
public final class Rescaling: Layer {
  public let scale: Double, offset: Double

  public init(scale: Double, offset: Double = 0) { (self.scale, self.offset) = (scale, offset) }

  public func callAsFunction(_ input: Tensor) -> Tensor {
    offset == 0 ? input * scale : input * scale + offset
  }

  public func visitParameters(_ visitor: inout ParameterVisitor) {}
}
