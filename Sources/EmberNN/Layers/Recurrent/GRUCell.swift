import EmberBackend
import EmberCore

/// One step of a GRU, like `torch.nn.GRUCell`: `r = σ(x̃_r + h̃_r)`, `z = σ(x̃_z + h̃_z)`,
/// `n = tanh(x̃_n + r·h̃_n)`, `h' = (1 − z)·n + z·h`; parameters `weight_ih` `[3·hidden, input]`,
/// `weight_hh`, `bias_ih`, `bias_hh`.
///
/// Shapes: input `[B, inputSize]` (or `[inputSize]`), state `[B, hiddenSize]` → new state.
public final class GRUCell: Layer {
  public let weights: RecurrentWeights

  public init(inputSize: Int, hiddenSize: Int, bias: Bool = true, dtype: DType = .float32) {
    weights = RecurrentWeights(gates: 3, inputSize: inputSize, hiddenSize: hiddenSize, bias: bias, dtype: dtype)
  }

  public var inputSize: Int { weights.inputSize }
  public var hiddenSize: Int { weights.hiddenSize }

  /// The next state from a zero state.
  public func callAsFunction(_ input: Tensor) -> Tensor { callAsFunction(input, state: nil) }

  /// The next state from `state` (zeros when `nil`).
  public func callAsFunction(_ input: Tensor, state: Tensor?) -> Tensor {
    let (x, h, batched) = cellInputs(input, state, weights: weights, layer: "GRUCell")
    let next = RecurrentMode.gru.step(RecurrentMode.gru.inputProjection(x, weights: weights), h: h, c: nil, weights: weights).h
    return batched ? next : next.squeezed(axis: 0)
  }

  public func resetParameters(using generator: inout RandomGenerator) {
    weights.resetParameters(using: &generator)
  }

  public func visitParameters(_ visitor: inout ParameterVisitor) { weights.visit(&visitor) { $0 } }
}
