import EmberCore

/// 1-D max pooling over the last axis, like `torch.nn.MaxPool1d`.
///
/// Shapes: input `[N, C, L]` (or `[C, L]`) → `[N, C, L']`.
public final class MaxPool1D: Layer {
  public let kernelSize: Int, stride: Int, padding: Int, dilation: Int
  public let ceilMode: Bool

  public init(_ kernelSize: Int, stride: Int? = nil, padding: Int = 0, dilation: Int = 1, ceilMode: Bool = false) {
    (self.kernelSize, self.stride, self.padding, self.dilation, self.ceilMode)
      = (kernelSize, stride ?? kernelSize, padding, dilation, ceilMode)
  }

  public func callAsFunction(_ input: Tensor) -> Tensor {
    input.maxPool1d(kernel: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
  }

  public func visitParameters(_ visitor: inout ParameterVisitor) {}
}
