import EmberBackend
import EmberCore

/// A depthwise separable convolution, like Keras's `SeparableConv2D`: a depthwise `Conv2D` (each
/// input channel convolved on its own into `depthMultiplier` channels, no bias) followed by a 1×1
/// pointwise `Conv2D` that mixes the channels.
///
/// Shapes: input `[N, inputChannels, H, W]` → `[N, outputChannels, H', W']`. Parameters
/// `depthwise.weight` `[inputChannels·depthMultiplier, 1, kh, kw]`, `pointwise.weight`
/// `[outputChannels, inputChannels·depthMultiplier, 1, 1]` and `pointwise.bias`.
public final class SeparableConv2D: Layer {
  public let depthwise: Conv2D
  public let pointwise: Conv2D

  public init(
    _ inputChannels: Int, _ outputChannels: Int, kernelSize: [Int], stride: [Int] = [1, 1],
    padding: ConvolutionPadding = .valid, dilation: [Int] = [1, 1], depthMultiplier: Int = 1,
    bias: Bool = true, dtype: DType = .float32
  ) {
    precondition(depthMultiplier > 0, "SeparableConv2D: depth multiplier \(depthMultiplier) must be positive")
    depthwise = Conv2D(inputChannels, inputChannels * depthMultiplier, kernelSize: kernelSize, stride: stride,
                       padding: padding, dilation: dilation, groups: inputChannels, bias: false, dtype: dtype)
    pointwise = Conv2D(inputChannels * depthMultiplier, outputChannels, kernelSize: [1, 1], bias: bias, dtype: dtype)
  }

  public func resetParameters(using generator: inout RandomGenerator) {
    depthwise.resetParameters(using: &generator)
    pointwise.resetParameters(using: &generator)
  }

  public func callAsFunction(_ input: Tensor) -> Tensor { pointwise(depthwise(input)) }

  public func visitParameters(_ visitor: inout ParameterVisitor) {
    visitor.visit("depthwise", depthwise)
    visitor.visit("pointwise", pointwise)
  }
}
