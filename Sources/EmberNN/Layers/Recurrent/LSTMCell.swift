import EmberBackend
import EmberCore

/// One step of an LSTM, like `torch.nn.LSTMCell`: `i, f, g, o = x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh`;
/// `c' = σ(f)·c + σ(i)·tanh(g)`, `h' = σ(o)·tanh(c')`; parameters `weight_ih` `[4·hidden, input]`,
/// `weight_hh`, `bias_ih`, `bias_hh`.
///
/// Shapes: input `[B, inputSize]` (or `[inputSize]`), state `h` and `c` `[B, hiddenSize]` → new state.
public final class LSTMCell: Layer {
  public let weights: RecurrentWeights

  public init(inputSize: Int, hiddenSize: Int, bias: Bool = true, dtype: DType = .float32) {
    weights = RecurrentWeights(gates: 4, inputSize: inputSize, hiddenSize: hiddenSize, bias: bias, dtype: dtype)
  }

  public var inputSize: Int { weights.inputSize }
  public var hiddenSize: Int { weights.hiddenSize }

  /// The next state from a zero state.
  public func callAsFunction(_ input: Tensor) -> LSTMState { callAsFunction(input, state: nil) }

  /// The next state from `state` (zeros when `nil`).
  public func callAsFunction(_ input: Tensor, state: LSTMState?) -> LSTMState {
    let (x, h, batched) = cellInputs(input, state?.h, weights: weights, layer: "LSTMCell")
    let c = cellInputs(input, state?.c, weights: weights, size: hiddenSize, layer: "LSTMCell").h
    let next = RecurrentMode.lstm.step(RecurrentMode.lstm.inputProjection(x, weights: weights), h: h, c: c, weights: weights)
    guard batched else { return LSTMState(h: next.h.squeezed(axis: 0), c: next.c!.squeezed(axis: 0)) }
    return LSTMState(h: next.h, c: next.c!)
  }

  public func resetParameters(using generator: inout RandomGenerator) {
    weights.resetParameters(using: &generator)
  }

  public func visitParameters(_ visitor: inout ParameterVisitor) { weights.visit(&visitor) { $0 } }
}
