import EmberBackend
import EmberCore

/// Adaptive average pooling over the last axis, like `torch.nn.AdaptiveAvgPool1d`.
///
/// Shapes: input `[N, C, L]` (or `[C, L]`) → `[N, C, outputSize]`.
public final class AdaptiveAvgPool1D: Layer {
  public let outputSize: Int

  public init(_ outputSize: Int) {
    precondition(outputSize > 0, "AdaptiveAvgPool1D: output size \(outputSize) must be positive")
    self.outputSize = outputSize
  }

  public func callAsFunction(_ input: Tensor) -> Tensor {
    precondition(input.rank == 3 || input.rank == 2, "AdaptiveAvgPool1D: input \(input.shape) should be [N, C, L]")
    return input.matmul(adaptiveAveraging(from: input.shape[input.rank - 1], to: outputSize, like: input).transposed())
  }

  public func visitParameters(_ visitor: inout ParameterVisitor) {}
}
