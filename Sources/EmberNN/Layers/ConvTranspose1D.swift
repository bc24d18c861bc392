import EmberBackend
import EmberCore

/// A 1-D transposed convolution layer, like `torch.nn.ConvTranspose1d`.
///
/// Shapes: input `[N, inputChannels, L]` → output `[N, outputChannels, L']`,
/// `L' = (L − 1)·stride − 2·padding + dilation·(kernelSize − 1) + outputPadding + 1`.
///
/// `weight` `[inputChannels, outputChannels / groups, kernelSize]` and `bias` `[outputChannels]`.
public final class ConvTranspose1D: Layer {
  public let weight: Parameter
  public let bias: Parameter?
  public let stride: Int, padding: Int, outputPadding: Int, dilation: Int, groups: Int
  public let weightInitializer: Initializer
  public let biasInitializer: Initializer

  public var inputChannels: Int { weight.shape[0] }
  public var outputChannels: Int { weight.shape[1] * groups }
  public var kernelSize: Int { weight.shape[2] }

  public init(
    _ inputChannels: Int, _ outputChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
    outputPadding: Int = 0, dilation: Int = 1, groups: Int = 1, bias: Bool = true,
    weightInitializer: Initializer? = nil, biasInitializer: Initializer? = nil, dtype: DType = .float32
  ) {
    precondition(inputChannels > 0 && outputChannels > 0 && groups > 0 && kernelSize > 0
                   && inputChannels % groups == 0 && outputChannels % groups == 0,
                 "ConvTranspose1D: \(inputChannels) → \(outputChannels) channels do not divide into \(groups) groups")
    let shape = [inputChannels, outputChannels / groups, kernelSize]
    let bound = 1 / Double(Initializer.fans(shape).fanIn).squareRoot()
    self.weightInitializer = weightInitializer ?? .heUniform(negativeSlope: 5.0.squareRoot())
    self.biasInitializer = biasInitializer ?? .uniform(in: -bound...bound)
    weight = Parameter(self.weightInitializer(shape, dtype: dtype))
    self.bias = bias ? Parameter(self.biasInitializer([outputChannels], dtype: dtype)) : nil
    (self.stride, self.padding, self.outputPadding, self.dilation, self.groups)
      = (stride, padding, outputPadding, dilation, groups)
  }

  public func resetParameters(using generator: inout RandomGenerator) {
    weight.assign(weightInitializer(weight.shape, dtype: weight.value.dtype, using: &generator))
    if let bias { bias.assign(biasInitializer(bias.shape, dtype: bias.value.dtype, using: &generator)) }
  }

  public func callAsFunction(_ input: Tensor) -> Tensor {
    precondition((input.rank == 3 || input.rank == 2) && input.shape[input.rank - 2] == inputChannels,
                 "ConvTranspose1D: input \(input.shape) should be [N, \(inputChannels), L]")
    return input.convTranspose1d(weight.value, bias: bias?.value, stride: stride, padding: padding,
                                 outputPadding: outputPadding, dilation: dilation, groups: groups)
  }

  public func visitParameters(_ visitor: inout ParameterVisitor) {
    visitor.visit("weight", weight)
    visitor.visit("bias", bias)
  }
}
