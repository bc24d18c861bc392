import EmberBackend
import EmberCore

/// Instance normalization of images, like `torch.nn.InstanceNorm2d` (without running statistics):
/// each channel of each image normalized over its own positions, then (with `affine`) scaled and
/// shifted per channel.
///
/// Shapes: input `[N, channels, H, W]` (or `[channels, H, W]`) → the same shape.
public final class InstanceNorm2D: Layer {
  public let channels: Int
  public let epsilon: Double
  public let weight: Parameter?
  public let bias: Parameter?

  public init(_ channels: Int, epsilon: Double = 1e-5, affine: Bool = false, dtype: DType = .float32) {
    precondition(channels > 0, "InstanceNorm2D: channels \(channels) must be positive")
    (self.channels, self.epsilon) = (channels, epsilon)
    weight = affine ? Parameter(.ones([channels], dtype: dtype)) : nil
    bias = affine ? Parameter(.zeros([channels], dtype: dtype)) : nil
  }

  public func callAsFunction(_ input: Tensor) -> Tensor {
    precondition((input.rank == 4 || input.rank == 3) && input.shape[input.rank - 3] == channels,
                 "InstanceNorm2D: input \(input.shape) should be [N, \(channels), H, W]")
    let axes = [input.rank - 2, input.rank - 1]
    let mean = input.mean(axes: axes, keepDims: true)
    let variance = input.variance(axes: axes, correction: 0, keepDims: true)
    var y = (input - mean) * (variance + epsilon).rsqrt()
    let broadcast = [channels, 1, 1]
    if let weight { y = y * weight.value.reshaped(broadcast) }
    if let bias { y = y + bias.value.reshaped(broadcast) }
    return y
  }

  public func visitParameters(_ visitor: inout ParameterVisitor) {
    visitor.visit("weight", weight)
    visitor.visit("bias", bias)
  }
}
