import EmberBackend
import EmberCore

/// Layer normalization over the last axes, like `torch.nn.LayerNorm`: each example's values over
/// `normalizedShape` are shifted to mean 0 and scaled to variance 1 (biased), then scaled by
/// `weight` and shifted by `bias` elementwise.
///
/// Shapes: input `[…, normalizedShape…]` → the same shape. Parameters `weight` (ones) and `bias`
/// (zeros) of `normalizedShape`, without `elementwiseAffine` none.
public final class LayerNorm: Layer {
  public let normalizedShape: [Int]
  public let epsilon: Double
  public let weight: Parameter?
  public let bias: Parameter?

  public init(
    _ normalizedShape: [Int], epsilon: Double = 1e-5, elementwiseAffine: Bool = true, bias: Bool = true,
    dtype: DType = .float32
  ) {
    precondition(!normalizedShape.isEmpty && normalizedShape.allSatisfy { $0 > 0 },
                 "LayerNorm: normalized shape \(normalizedShape) must be non-empty and positive")
    (self.normalizedShape, self.epsilon) = (normalizedShape, epsilon)
    weight = elementwiseAffine ? Parameter(.ones(normalizedShape, dtype: dtype)) : nil
    self.bias = elementwiseAffine && bias ? Parameter(.zeros(normalizedShape, dtype: dtype)) : nil
  }

  /// Normalizes over the last axis only, of size `features`.
  public convenience init(_ features: Int, epsilon: Double = 1e-5, dtype: DType = .float32) {
    self.init([features], epsilon: epsilon, dtype: dtype)
  }

  public func callAsFunction(_ input: Tensor) -> Tensor {
    let count = normalizedShape.count
    precondition(input.rank >= count && Array(input.shape.suffix(count)) == normalizedShape,
                 "LayerNorm: input \(input.shape) does not end in \(normalizedShape)")
    let axes = Array((input.rank - count)..<input.rank)
    let mean = input.mean(axes: axes, keepDims: true)
    let variance = input.variance(axes: axes, correction: 0, keepDims: true)
    var y = (input - mean) * (variance + epsilon).rsqrt()
    if let weight { y = y * weight.value }
    if let bias { y = y + bias.value }
    return y
  }

  public func visitParameters(_ visitor: inout ParameterVisitor) {
    visitor.visit("weight", weight)
    visitor.visit("bias", bias)
  }
}
