import EmberCore

/// 2-D average pooling, like `torch.nn.AvgPool2d`: each window's mean, counting the zero padding
/// when `countIncludePad` (PyTorch's default).
///
/// Shapes: input `[N, C, H, W]` (or `[C, H, W]`) → `[N, C, H', W']`,
/// `H' = ⌊(H + 2·padding − kernel) / stride⌋ + 1` (rounded up in `ceilMode`).
public final class AvgPool2D: Layer {
  public let kernelSize: [Int], stride: [Int], padding: [Int]
  public let ceilMode: Bool, countIncludePad: Bool

  public init(kernelSize: [Int], stride: [Int]? = nil, padding: [Int] = [0, 0], ceilMode: Bool = false,
              countIncludePad: Bool = true) {
    (self.kernelSize, self.stride, self.padding, self.ceilMode, self.countIncludePad)
      = (kernelSize, stride ?? kernelSize, padding, ceilMode, countIncludePad)
  }

  /// A square window with the same stride and padding on both axes.
  public convenience init(_ kernelSize: Int, stride: Int? = nil, padding: Int = 0, ceilMode: Bool = false,
                          countIncludePad: Bool = true) {
    self.init(kernelSize: [kernelSize, kernelSize], stride: stride.map { [$0, $0] },
              padding: [padding, padding], ceilMode: ceilMode, countIncludePad: countIncludePad)
  }

  public func callAsFunction(_ input: Tensor) -> Tensor {
    input.avgPool2d(kernel: kernelSize, stride: stride, padding: padding, ceilMode: ceilMode,
                    countIncludePad: countIncludePad)
  }

  public func visitParameters(_ visitor: inout ParameterVisitor) {}
}
