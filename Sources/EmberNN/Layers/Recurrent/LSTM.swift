import EmberBackend
import EmberCore

/// The state an LSTM carries: the hidden state `h` and the cell state `c`.
public struct LSTMState {
  public var h: Tensor
  public var c: Tensor

  public init(h: Tensor, c: Tensor) {
    self.h = h
    self.c = c
  }

  /// Both tensors cut from the graph: truncated backpropagation through time carries the values
  /// into the next chunk but not the gradient.
  public func detached() -> LSTMState { LSTMState(h: h.detached(), c: c.detached()) }
}

/// A long short-term memory network, like `torch.nn.LSTM`: `numLayers` stacked layers, each
/// reading the sequence forwards (and backwards when `bidirectional`), with input, forget, cell
/// and output gates in PyTorch's order, so a PyTorch `state_dict` loads one to one
/// (`weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0`, `weight_hr_l0` with a projection,
/// `…_reverse`).
///
/// Per step: `i, f, g, o = x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh`; `c' = σ(f)·c + σ(i)·tanh(g)`;
/// `h' = σ(o)·tanh(c')`, projected by `W_hr` when `projectionSize > 0`.
///
/// Shapes: input `[T, B, inputSize]` (`[B, T, inputSize]` with `batchFirst`, or unbatched
/// `[T, inputSize]`) → output `[T, B, D·H_out]` (`H_out` = `projectionSize` or `hiddenSize`,
/// `D` = 2 when bidirectional), state `h` `[numLayers·D, B, H_out]`, `c` `[numLayers·D, B, hiddenSize]`.
public final class LSTM: RecurrentLayer {
  public typealias Output = (output: Tensor, state: LSTMState)

  let stack: RecurrentStack

  /// - Parameters:
  ///   - dropout: dropout on each layer's outputs but the last's, in training.
  ///   - recurrentDropout: dropout on the state entering each step's recurrent product, one mask
  ///     per sequence for all its steps (Keras's `recurrent_dropout`), in training.
  ///   - projectionSize: with a positive size, `h` is projected to it (`weight_hr`).
  public init(
    inputSize: Int, hiddenSize: Int, numLayers: Int = 1, bias: Bool = true, batchFirst: Bool = false,
    dropout: Double = 0, recurrentDropout: Double = 0, bidirectional: Bool = false, projectionSize: Int = 0, dtype: DType = .float32
  ) {
    stack = RecurrentStack(
      mode: .lstm, inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers, bias: bias,
      batchFirst: batchFirst, dropout: dropout, recurrentDropout: recurrentDropout, bidirectional: bidirectional,
      projectionSize: projectionSize, dtype: dtype, layer: "LSTM")
  }

  public var inputSize: Int { stack.inputSize }
  public var hiddenSize: Int { stack.hiddenSize }
  public var numLayers: Int { stack.numLayers }
  public var isBidirectional: Bool { stack.directions == 2 }
  public var batchFirst: Bool { stack.batchFirst }
  /// Each layer's parameters, `[layer · directions + direction]`.
  public var weights: [RecurrentWeights] { stack.weights }

  /// The outputs and final state from a zero initial state.
  public func callAsFunction(_ input: Tensor) -> (output: Tensor, state: LSTMState) {
    callAsFunction(input, state: nil)
  }

  /// The outputs and final state from `state` (zeros when `nil`); with `lengths`, sequence `b`
  /// has `lengths[b]` valid steps (PyTorch's packed sequences): its outputs past them are zeros
  /// and its final state is that of its last valid step. A `mask` `[B, T]` (Keras's) marks the
  /// steps to read instead, in any pattern: skipped steps keep the state and output zeros.
  public func callAsFunction(
    _ input: Tensor, state: LSTMState?, lengths: [Int]? = nil, mask: Tensor? = nil
  ) -> (output: Tensor, state: LSTMState) {
    let (output, h, c) = stack.run(input, h0: state?.h, c0: state?.c, lengths: lengths, mask: mask, layer: "LSTM")
    return (output, LSTMState(h: h, c: c!))
  }

  init(stack: RecurrentStack) { self.stack = stack }

  public func makeSibling() -> LSTM { LSTM(stack: stack.makeSibling()) }

  public var outputSize: Int { stack.outputSize }

  public func sequence(_ input: Tensor, lengths: [Int]?) -> (output: Tensor, last: Tensor, h: Tensor) {
    let run = stack.run(input, h0: nil, c0: nil, lengths: lengths, layer: "LSTM")
    return (run.output, stack.lastOutputs(run.h), run.h)
  }

  public func resetParameters(using generator: inout RandomGenerator) {
    stack.resetParameters(using: &generator)
  }

  public func visitParameters(_ visitor: inout ParameterVisitor) { stack.visit(&visitor) }
}
