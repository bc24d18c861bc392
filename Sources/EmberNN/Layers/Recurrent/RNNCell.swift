import EmberBackend
import EmberCore

/// One step of an Elman unit, like `torch.nn.RNNCell`: `h' = act(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh)`
/// (tanh or ReLU), with parameters `weight_ih`, `weight_hh`, `bias_ih`, `bias_hh`.
///
/// Shapes: input `[B, inputSize]` (or `[inputSize]`), state `[B, hiddenSize]` → new state.
public final class RNNCell: Layer {
  public let weights: RecurrentWeights
  public let nonlinearity: RNN.Nonlinearity

  public init(
    inputSize: Int, hiddenSize: Int, bias: Bool = true, nonlinearity: RNN.Nonlinearity = .tanh,
    dtype: DType = .float32
  ) {
    weights = RecurrentWeights(gates: 1, inputSize: inputSize, hiddenSize: hiddenSize, bias: bias, dtype: dtype)
    self.nonlinearity = nonlinearity
  }

  public var inputSize: Int { weights.inputSize }
  public var hiddenSize: Int { weights.hiddenSize }

  /// The next state from a zero state.
  public func callAsFunction(_ input: Tensor) -> Tensor { callAsFunction(input, state: nil) }

  /// The next state from `state` (zeros when `nil`).
  public func callAsFunction(_ input: Tensor, state: Tensor?) -> Tensor {
    let (x, h, batched) = cellInputs(input, state, weights: weights, layer: "RNNCell")
    let mode: RecurrentMode = nonlinearity == .tanh ? .rnnTanh : .rnnReLU
    let next = mode.step(mode.inputProjection(x, weights: weights), h: h, c: nil, weights: weights).h
    return batched ? next : next.squeezed(axis: 0)
  }

  public func resetParameters(using generator: inout RandomGenerator) {
    weights.resetParameters(using: &generator)
  }

  public func visitParameters(_ visitor: inout ParameterVisitor) { weights.visit(&visitor) { $0 } }
}

/// A cell's input as `[B, input]` and its state as `[B, size]` (zeros when `nil`), and whether the
/// input had a batch axis.
func cellInputs(
  _ input: Tensor, _ state: Tensor?, weights: RecurrentWeights, size: Int? = nil, layer: String
) -> (x: Tensor, h: Tensor, batched: Bool) {
  precondition((input.rank == 1 || input.rank == 2) && input.shape[input.rank - 1] == weights.inputSize,
               "\(layer): input \(input.shape) should be [B, \(weights.inputSize)] or [\(weights.inputSize)]")
  let batched = input.rank == 2
  let x = batched ? input : input.unsqueezed(axis: 0)
  let size = size ?? weights.outputSize
  guard var h = state else {
    return (x, Tensor.zeros([x.shape[0], size], dtype: input.dtype, on: input.device), batched)
  }
  if !batched { h = h.unsqueezed(axis: 0) }
  precondition(h.shape == [x.shape[0], size],
               "\(layer): state \(state!.shape) should be [\(x.shape[0]), \(size)] for input \(input.shape)")
  return (x, h, batched)
}
