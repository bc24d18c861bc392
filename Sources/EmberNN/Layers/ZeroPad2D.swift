import EmberCore

/// Pads images with zeros, like `torch.nn.ZeroPad2d`: `left`, `right`, `top` and `bottom` columns
/// and rows.
///
/// Shapes: input `[N, C, H, W]` (or `[C, H, W]`) → `[N, C, H + top + bottom, W + left + right]`.
public final class ZeroPad2D: Layer {
  public let left: Int, right: Int, top: Int, bottom: Int

  public init(left: Int, right: Int, top: Int, bottom: Int) {
    precondition([left, right, top, bottom].allSatisfy { $0 >= 0 },
                 "ZeroPad2D: padding \([left, right, top, bottom]) must not be negative")
    (self.left, self.right, self.top, self.bottom) = (left, right, top, bottom)
  }

  /// The same padding on every side.
  public convenience init(_ padding: Int) {
    self.init(left: padding, right: padding, top: padding, bottom: padding)
  }

  public func callAsFunction(_ input: Tensor) -> Tensor {
    precondition(input.rank >= 2, "ZeroPad2D: input \(input.shape) needs height and width axes")
    var amounts = [(before: Int, after: Int)](repeating: (0, 0), count: input.rank)
    amounts[input.rank - 2] = (top, bottom)
    amounts[input.rank - 1] = (left, right)
    return input.padded(amounts)
  }

  public func visitParameters(_ visitor: inout ParameterVisitor) {}
}
