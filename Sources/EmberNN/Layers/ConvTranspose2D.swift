import EmberBackend
import EmberCore

/// A 2-D transposed convolution layer (the gradient of a convolution with respect to its input;
/// an upsampling convolution), like `torch.nn.ConvTranspose2d`.
///
/// Shapes: input `[N, inputChannels, H, W]` → output `[N, outputChannels, H', W']`,
/// `H' = (H − 1)·stride − 2·padding + dilation·(kernel − 1) + outputPadding + 1`.
///
/// `weight` `[inputChannels, outputChannels / groups, kh, kw]` (PyTorch's layout) and `bias`
/// `[outputChannels]`, drawn as PyTorch draws them (its fan-in is `outputChannels / groups·kh·kw`).
public final class ConvTranspose2D: Layer {
  public let weight: Parameter
  public let bias: Parameter?
  public let stride: [Int]
  public let padding: [Int]
  public let outputPadding: [Int]
  public let dilation: [Int]
  public let groups: Int
  public let weightInitializer: Initializer
  public let biasInitializer: Initializer

  public var inputChannels: Int { weight.shape[0] }
  public var outputChannels: Int { weight.shape[1] * groups }
  public var kernelSize: [Int] { Array(weight.shape[2...]) }

  public init(
    _ inputChannels: Int, _ outputChannels: Int, kernelSize: [Int], stride: [Int] = [1, 1],
    padding: [Int] = [0, 0], outputPadding: [Int] = [0, 0], dilation: [Int] = [1, 1], groups: Int = 1,
    bias: Bool = true, weightInitializer: Initializer? = nil, biasInitializer: Initializer? = nil,
    dtype: DType = .float32
  ) {
    precondition([kernelSize, stride, padding, outputPadding, dilation].allSatisfy { $0.count == 2 },
                 "ConvTranspose2D: kernel, stride, padding, output padding and dilation need two values each")
    precondition(inputChannels > 0 && outputChannels > 0 && groups > 0
                   && inputChannels % groups == 0 && outputChannels % groups == 0,
                 "ConvTranspose2D: \(inputChannels) → \(outputChannels) channels do not divide into \(groups) groups")
    let shape = [inputChannels, outputChannels / groups] + kernelSize
    let bound = 1 / Double(Initializer.fans(shape).fanIn).squareRoot()
    self.weightInitializer = weightInitializer ?? .heUniform(negativeSlope: 5.0.squareRoot())
    self.biasInitializer = biasInitializer ?? .uniform(in: -bound...bound)
    weight = Parameter(self.weightInitializer(shape, dtype: dtype))
    self.bias = bias ? Parameter(self.biasInitializer([outputChannels], dtype: dtype)) : nil
    (self.stride, self.padding, self.outputPadding, self.dilation, self.groups)
      = (stride, padding, outputPadding, dilation, groups)
  }

  /// A square kernel with the same stride, padding and dilation on both axes.
  public convenience init(
    _ inputChannels: Int, _ outputChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
    outputPadding: Int = 0, dilation: Int = 1, groups: Int = 1, bias: Bool = true, dtype: DType = .float32
  ) {
    self.init(inputChannels, outputChannels, kernelSize: [kernelSize, kernelSize], stride: [stride, stride],
              padding: [padding, padding], outputPadding: [outputPadding, outputPadding],
              dilation: [dilation, dilation], groups: groups, bias: bias, dtype: dtype)
  }

  public func resetParameters(using generator: inout RandomGenerator) {
    weight.assign(weightInitializer(weight.shape, dtype: weight.value.dtype, using: &generator))
    if let bias { bias.assign(biasInitializer(bias.shape, dtype: bias.value.dtype, using: &generator)) }
  }

  public func callAsFunction(_ input: Tensor) -> Tensor {
    precondition((input.rank == 4 || input.rank == 3) && input.shape[input.rank - 3] == inputChannels,
                 "ConvTranspose2D: input \(input.shape) should be [N, \(inputChannels), H, W]")
    return input.convTranspose2d(weight.value, bias: bias?.value, stride: stride, padding: padding,
                                 outputPadding: outputPadding, dilation: dilation, groups: groups)
  }

  public func visitParameters(_ visitor: inout ParameterVisitor) {
    visitor.visit("weight", weight)
    visitor.visit("bias", bias)
  }
}
