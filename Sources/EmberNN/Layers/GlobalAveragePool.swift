import EmberCore

/// The mean over every spatial axis (Keras's `GlobalAveragePooling2D`/`1D`; PyTorch's
/// `AdaptiveAvgPool2d(1)` followed by a flatten).
///
/// Shapes: input `[N, C, d₁, d₂, …]` → `[N, C]` (or `[N, C, 1, 1, …]` with `keepDims`).
public final class GlobalAveragePool: Layer {
  public let keepDims: Bool

  public init(keepDims: Bool = false) { self.keepDims = keepDims }

  public func callAsFunction(_ input: Tensor) -> Tensor {
    precondition(input.rank >= 3, "GlobalAveragePool: input \(input.shape) should be [N, C, spatial…]")
    return input.mean(axes: Array(2..<input.rank), keepDims: keepDims)
  }

  public func visitParameters(_ visitor: inout ParameterVisitor) {}
}
