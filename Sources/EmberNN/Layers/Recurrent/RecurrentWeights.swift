import EmberBackend
import EmberCore

/// The parameters of one direction of one recurrent layer, in PyTorch's layouts: `weight_ih`
/// `[gates·hidden, input]`, `weight_hh` `[gates·hidden, output]`, `bias_ih` and `bias_hh`
/// `[gates·hidden]`, and for an LSTM with a projection `weight_hr` `[output, hidden]` (output is
/// the projection size there, else the hidden size). Gates are stacked in PyTorch's order: an
/// LSTM's input, forget, cell and output gates; a GRU's reset, update and new gates.
///
/// Every parameter starts as PyTorch's: `U(±1/√hidden)`.
public struct RecurrentWeights {
  public let inputWeight: Parameter
  public let hiddenWeight: Parameter
  public let inputBias: Parameter?
  public let hiddenBias: Parameter?
  public let projectionWeight: Parameter?

  /// Fresh parameters for `gates` gates, drawn from the default generator.
  public init(
    gates: Int, inputSize: Int, hiddenSize: Int, projectionSize: Int = 0, bias: Bool,
    dtype: DType = .float32
  ) {
    precondition(gates > 0 && inputSize > 0 && hiddenSize > 0 && projectionSize >= 0,
                 "RecurrentWeights: sizes \(inputSize) → \(hiddenSize) (projection \(projectionSize)) must be positive")
    precondition(projectionSize < hiddenSize || projectionSize == 0,
                 "RecurrentWeights: projection size \(projectionSize) must be smaller than the hidden size \(hiddenSize)")
    let initializer = RecurrentWeights.initializer(hiddenSize: hiddenSize)
    let outputSize = projectionSize > 0 ? projectionSize : hiddenSize
    inputWeight = Parameter(initializer([gates * hiddenSize, inputSize], dtype: dtype))
    hiddenWeight = Parameter(initializer([gates * hiddenSize, outputSize], dtype: dtype))
    inputBias = bias ? Parameter(initializer([gates * hiddenSize], dtype: dtype)) : nil
    hiddenBias = bias ? Parameter(initializer([gates * hiddenSize], dtype: dtype)) : nil
    projectionWeight = projectionSize > 0 ? Parameter(initializer([projectionSize, hiddenSize], dtype: dtype)) : nil
  }

  /// PyTorch's initializer for every recurrent parameter: `U(±1/√hidden)`.
  public static func initializer(hiddenSize: Int) -> Initializer {
    let bound = 1 / Double(hiddenSize).squareRoot()
    return .uniform(in: -bound...bound)
  }

  /// The size of the state the layer carries (and outputs): the projection's, else the hidden size.
  public var outputSize: Int { projectionWeight?.shape[0] ?? hiddenWeight.shape[1] }
  public var hiddenSize: Int { projectionWeight?.shape[1] ?? hiddenWeight.shape[1] }
  public var inputSize: Int { inputWeight.shape[1] }

  /// Visits the parameters under PyTorch's names: `name("weight_ih")` and so on, in PyTorch's
  /// order (`weight_ih`, `weight_hh`, `bias_ih`, `bias_hh`, `weight_hr`).
  public func visit(_ visitor: inout ParameterVisitor, name: (String) -> String) {
    visitor.visit(name("weight_ih"), inputWeight)
    visitor.visit(name("weight_hh"), hiddenWeight)
    visitor.visit(name("bias_ih"), inputBias)
    visitor.visit(name("bias_hh"), hiddenBias)
    visitor.visit(name("weight_hr"), projectionWeight)
  }

  /// Redraws every parameter from PyTorch's initializer and `generator`.
  public func resetParameters(using generator: inout RandomGenerator) {
    let initializer = RecurrentWeights.initializer(hiddenSize: hiddenSize)
    for p in [inputWeight, hiddenWeight, inputBias, hiddenBias, projectionWeight].compactMap({ $0 }) {
      p.assign(initializer(p.shape, dtype: p.value.dtype, using: &generator))
    }
  }

  /// `x·W_ihᵀ + b_ih` (`+ b_hh` too with `addingHiddenBias`) for `x` `[…, input]`: for a whole
  /// sequence, one GEMM.
  public func inputProjection(_ x: Tensor, addingHiddenBias: Bool = false) -> Tensor {
    precondition(x.rank >= 1 && x.shape[x.rank - 1] == inputSize,
                 "recurrent layer: input \(x.shape) should end in the input size \(inputSize)")
    let rows = x.reshaped([-1, inputSize])
    let weight = inputWeight.value.transposed()
    var bias = inputBias?.value
    if addingHiddenBias, let hidden = hiddenBias?.value { bias = bias.map { $0 + hidden } ?? hidden }
    let y = bias.map { Tensor.addmm($0, rows, weight) } ?? rows.matmul(weight)
    return y.reshaped(Array(x.shape.dropLast()) + [inputWeight.shape[0]])
  }

  /// `base + h·W_hhᵀ` in one GEMM, for `h` `[batch, output]` and `base` `[batch, gates·hidden]`
  /// (or anything that broadcasts to it).
  public func addingHiddenProduct(_ h: Tensor, to base: Tensor) -> Tensor {
    Tensor.addmm(base, h, hiddenWeight.value.transposed())
  }

  /// `h·W_hhᵀ + b_hh` for `h` `[batch, output]`.
  public func hiddenProjection(_ h: Tensor) -> Tensor {
    let weight = hiddenWeight.value.transposed()
    return hiddenBias.map { Tensor.addmm($0.value, h, weight) } ?? h.matmul(weight)
  }

  /// `h·W_hrᵀ` when the layer has a projection, else `h`.
  public func projected(_ h: Tensor) -> Tensor {
    projectionWeight.map { h.matmul($0.value.transposed()) } ?? h
  }
}
