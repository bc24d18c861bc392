import EmberCore

/// 2-D max pooling, like `torch.nn.MaxPool2d`.
///
/// Shapes: input `[N, C, H, W]` (or `[C, H, W]`) → `[N, C, H', W']`,
/// `H' = ⌊(H + 2·padding − dilation·(kernel − 1) − 1) / stride⌋ + 1` (rounded up in `ceilMode`).
/// `stride` defaults to the kernel size.
public final class MaxPool2D: Layer {
  public let kernelSize: [Int], stride: [Int], padding: [Int], dilation: [Int]
  public let ceilMode: Bool

  public init(kernelSize: [Int], stride: [Int]? = nil, padding: [Int] = [0, 0], dilation: [Int] = [1, 1],
              ceilMode: Bool = false) {
    (self.kernelSize, self.stride, self.padding, self.dilation, self.ceilMode)
      = (kernelSize, stride ?? kernelSize, padding, dilation, ceilMode)
  }

  /// A square window with the same stride, padding and dilation on both axes.
  public convenience init(_ kernelSize: Int, stride: Int? = nil, padding: Int = 0, dilation: Int = 1,
                          ceilMode: Bool = false) {
    self.init(kernelSize: [kernelSize, kernelSize], stride: stride.map { [$0, $0] },
              padding: [padding, padding], dilation: [dilation, dilation], ceilMode: ceilMode)
  }

  public func callAsFunction(_ input: Tensor) -> Tensor {
    input.maxPool2d(kernel: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
  }

  public func visitParameters(_ visitor: inout ParameterVisitor) {}
}
