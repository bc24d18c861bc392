import EmberBackend
import EmberCore

/// A 2-D convolution layer over channels-first images, like `torch.nn.Conv2d`.
///
/// Shapes: input `[N, inputChannels, H, W]` (or `[inputChannels, H, W]`) → output
/// `[N, outputChannels, H', W']`, `H' = ⌊(H + pads − dilation·(kernel − 1) − 1) / stride⌋ + 1`.
///
/// Parameters as PyTorch names and lays them out: `weight` `[outputChannels, inputChannels /
/// groups, kh, kw]`, `bias` `[outputChannels]`, both drawn like PyTorch's (`U(±1/√fanIn)`, fanIn =
/// `inputChannels / groups · kh · kw`). Depthwise convolution is `groups == inputChannels`.
/// `paddingMode` `.reflect` or `.replicate` pads the input that way before a convolution without
/// padding, as PyTorch's `padding_mode` does.
public final class Conv2D: Layer {
  public let weight: Parameter
  public let bias: Parameter?
  public let stride: [Int]
  public let padding: ConvolutionPadding
  public let paddingMode: PaddingMode
  public let dilation: [Int]
  public let groups: Int
  public let weightInitializer: Initializer
  public let biasInitializer: Initializer

  public var inputChannels: Int { weight.shape[1] * groups }
  public var outputChannels: Int { weight.shape[0] }
  public var kernelSize: [Int] { Array(weight.shape[2...]) }

  public init(
    _ inputChannels: Int, _ outputChannels: Int, kernelSize: [Int], stride: [Int] = [1, 1],
    padding: ConvolutionPadding = .valid, paddingMode: PaddingMode = .zeros, dilation: [Int] = [1, 1],
    groups: Int = 1, bias: Bool = true, weightInitializer: Initializer? = nil,
    biasInitializer: Initializer? = nil, dtype: DType = .float32
  ) {
    precondition(kernelSize.count == 2 && stride.count == 2 && dilation.count == 2,
                 "Conv2D: kernel \(kernelSize), stride \(stride) and dilation \(dilation) need two values each")
    precondition(inputChannels > 0 && outputChannels > 0 && groups > 0
                   && inputChannels % groups == 0 && outputChannels % groups == 0,
                 "Conv2D: \(inputChannels) → \(outputChannels) channels do not divide into \(groups) groups")
    let shape = [outputChannels, inputChannels / groups] + kernelSize
    let bound = 1 / Double(Initializer.fans(shape).fanIn).squareRoot()
    self.weightInitializer = weightInitializer ?? .heUniform(negativeSlope: 5.0.squareRoot())
    self.biasInitializer = biasInitializer ?? .uniform(in: -bound...bound)
    weight = Parameter(self.weightInitializer(shape, dtype: dtype))
    self.bias = bias ? Parameter(self.biasInitializer([outputChannels], dtype: dtype)) : nil
    (self.stride, self.padding, self.paddingMode, self.dilation, self.groups)
      = (stride, padding, paddingMode, dilation, groups)
  }

  /// A square kernel (`kernelSize`×`kernelSize`) with the same stride and dilation on both axes.
  public convenience init(
    _ inputChannels: Int, _ outputChannels: Int, kernelSize: Int, stride: Int = 1,
    padding: ConvolutionPadding = .valid, paddingMode: PaddingMode = .zeros, dilation: Int = 1,
    groups: Int = 1, bias: Bool = true, dtype: DType = .float32
  ) {
    self.init(inputChannels, outputChannels, kernelSize: [kernelSize, kernelSize], stride: [stride, stride],
              padding: padding, paddingMode: paddingMode, dilation: [dilation, dilation], groups: groups,
              bias: bias, dtype: dtype)
  }

  public func resetParameters(using generator: inout RandomGenerator) {
    weight.assign(weightInitializer(weight.shape, dtype: weight.value.dtype, using: &generator))
    if let bias { bias.assign(biasInitializer(bias.shape, dtype: bias.value.dtype, using: &generator)) }
  }

  public func callAsFunction(_ input: Tensor) -> Tensor {
    precondition((input.rank == 4 || input.rank == 3) && input.shape[input.rank - 3] == inputChannels,
                 "Conv2D: input \(input.shape) should be [N, \(inputChannels), H, W]")
    let (x, padding) = paddingMode.apply(to: input, padding, kernel: kernelSize, dilation: dilation)
    return x.conv2d(weight.value, bias: bias?.value, stride: stride, padding: padding,
                    dilation: dilation, groups: groups)
  }

  public func visitParameters(_ visitor: inout ParameterVisitor) {
    visitor.visit("weight", weight)
    visitor.visit("bias", bias)
  }
}

extension PaddingMode {
  /// `input` padded over its last `kernel.count` axes, and the padding left for the convolution.
  func apply(to input: Tensor, _ padding: ConvolutionPadding, kernel: [Int], dilation: [Int])
    -> (Tensor, ConvolutionPadding)
  {
    guard self != .zeros else { return (input, padding) }
    let amounts = padding.amounts(kernel: kernel, dilation: dilation, op: "padding mode \(rawValue)")
    var x = input
    for (offset, amount) in amounts.enumerated() where amount.before > 0 || amount.after > 0 {
      x = x.padded(axis: input.rank - kernel.count + offset, before: amount.before, after: amount.after, mode: self)
    }
    return (x, .valid)
  }
}
