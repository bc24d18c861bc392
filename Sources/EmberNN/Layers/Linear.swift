import EmberBackend
import EmberCore

/// Applies `y = x·Wᵀ + b`, like `torch.nn.Linear`.
///
/// Shapes: input `[…, inputSize]` → output `[…, outputSize]`.
///
/// The weight and bias start as PyTorch's: `U(±1/√inputSize)` (Kaiming uniform with a = √5).
public final class Linear: Layer {
  /// `[outputSize, inputSize]`, PyTorch's layout.
  public let weight: Parameter
  /// `[outputSize]`, or `nil` when created with `bias: false`.
  public let bias: Parameter?
  /// The rule `resetParameters()` draws the weight from.
  public let weightInitializer: Initializer
  /// The rule `resetParameters()` draws the bias from.
  public let biasInitializer: Initializer

  /// Number of input features.
  public var inputSize: Int { weight.shape[1] }
  /// Number of output features.
  public var outputSize: Int { weight.shape[0] }

  /// A layer mapping `inputSize` features to `outputSize`, its parameters drawn from the default
  /// generator.
  ///
  /// - Parameters:
  ///   - weightInitializer: defaults to PyTorch's `U(±1/√inputSize)`.
  ///   - biasInitializer: defaults to PyTorch's `U(±1/√inputSize)`.
  ///   - dtype: the parameters' element type.
  public init(
    _ inputSize: Int, _ outputSize: Int, bias: Bool = true,
    weightInitializer: Initializer? = nil, biasInitializer: Initializer? = nil,
    dtype: DType = .float32
  ) {
    precondition(inputSize > 0 && outputSize > 0,
                 "Linear: sizes \(inputSize) → \(outputSize) must be positive")
    let bound = 1 / Double(inputSize).squareRoot()
    self.weightInitializer = weightInitializer ?? .heUniform(negativeSlope: 5.0.squareRoot())
    self.biasInitializer = biasInitializer ?? .uniform(in: -bound...bound)
    weight = Parameter(self.weightInitializer([outputSize, inputSize], dtype: dtype))
    self.bias = bias ? Parameter(self.biasInitializer([outputSize], dtype: dtype)) : nil
  }

  /// Redraws the weight and bias from their initializers and `generator`.
  public func resetParameters(using generator: inout RandomGenerator) {
    weight.assign(weightInitializer(weight.shape, dtype: weight.value.dtype, using: &generator))
    if let bias {
      bias.assign(biasInitializer(bias.shape, dtype: bias.value.dtype, using: &generator))
    }
  }

  public func callAsFunction(_ input: Tensor) -> Tensor {
    precondition(input.rank >= 1 && input.shape[input.rank - 1] == inputSize,
                 "Linear: input shape \(input.shape) does not end in inputSize \(inputSize)")
    // The transposed weight is a strided view: the GEMM reads it as Wᵀ without a copy, and adds
    // its product into the broadcast bias (`addmm`) instead of adding the bias in a second pass.
    let transposedWeight = weight.value.transposed()
    guard let bias, input.rank >= 2 else {
      let y = input.matmul(transposedWeight)
      return bias.map { y + $0.value } ?? y
    }
    return Tensor.addmm(bias.value, input, transposedWeight)
  }

  public func visitParameters(_ visitor: inout ParameterVisitor) {
    visitor.visit("weight", weight)
    visitor.visit("bias", bias)
  }
}
