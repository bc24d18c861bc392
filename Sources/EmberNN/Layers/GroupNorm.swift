import EmberBackend
import EmberCore

/// Group normalization, like `torch.nn.GroupNorm`: the channels of each example are cut into
/// `groups` groups, each normalized over its channels and spatial positions together, then scaled
/// and shifted per channel.
///
/// Shapes: input `[N, channels, …]` → the same shape. Parameters `weight` (ones) and `bias`
/// (zeros) of `[channels]` with `affine`.
public final class GroupNorm: Layer {
  public let groups: Int, channels: Int
  public let epsilon: Double
  public let weight: Parameter?
  public let bias: Parameter?

  public init(groups: Int, channels: Int, epsilon: Double = 1e-5, affine: Bool = true, dtype: DType = .float32) {
    precondition(groups > 0 && channels > 0 && channels % groups == 0,
                 "GroupNorm: \(channels) channels do not divide into \(groups) groups")
    (self.groups, self.channels, self.epsilon) = (groups, channels, epsilon)
    weight = affine ? Parameter(.ones([channels], dtype: dtype)) : nil
    bias = affine ? Parameter(.zeros([channels], dtype: dtype)) : nil
  }

  public func callAsFunction(_ input: Tensor) -> Tensor {
    precondition(input.rank >= 2 && input.shape[1] == channels,
                 "GroupNorm: input \(input.shape) should be [N, \(channels), …]")
    let grouped = input.reshaped([input.shape[0], groups, -1])
    let mean = grouped.mean(axis: 2, keepDims: true)
    let variance = grouped.variance(axes: [2], correction: 0, keepDims: true)
    var y = ((grouped - mean) * (variance + epsilon).rsqrt()).reshaped(input.shape)
    var broadcast = [Int](repeating: 1, count: input.rank)
    broadcast[1] = channels
    if let weight { y = y * weight.value.reshaped(broadcast) }
    if let bias { y = y + bias.value.reshaped(broadcast) }
    return y
  }

  public func visitParameters(_ visitor: inout ParameterVisitor) {
    visitor.visit("weight", weight)
    visitor.visit("bias", bias)
  }
}
