import EmberCore

/// 1-D average pooling over the last axis, like `torch.nn.AvgPool1d`.
///
/// Shapes: input `[N, C, L]` (or `[C, L]`) → `[N, C, L']`.
public final class AvgPool1D: Layer {
  public let kernelSize: Int, stride: Int, padding: Int
  public let ceilMode: Bool, countIncludePad: Bool

  public init(_ kernelSize: Int, stride: Int? = nil, padding: Int = 0, ceilMode: Bool = false,
              countIncludePad: Bool = true) {
    (self.kernelSize, self.stride, self.padding, self.ceilMode, self.countIncludePad)
      = (kernelSize, stride ?? kernelSize, padding, ceilMode, countIncludePad)
  }

  public func callAsFunction(_ input: Tensor) -> Tensor {
    input.avgPool1d(kernel: kernelSize, stride: stride, padding: padding, ceilMode: ceilMode,
                    countIncludePad: countIncludePad)
  }

  public func visitParameters(_ visitor: inout ParameterVisitor) {}
}
